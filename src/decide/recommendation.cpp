#include "embeval/decide/recommendation.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <tuple>

#include "embeval/core/error.h"
#include "embeval/pipeline/results_json.h"

namespace embeval {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::optional<double> mean_of(const ModelResult& m, const std::string& name) {
  const auto& names = m.metrics.measure_names;
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return m.metrics.mean[static_cast<std::size_t>(it - names.begin())];
}

// "ndcg_cut.10" -> "ndcg_cut_10": the -m spelling to the output name results.json uses.
std::string output_name(std::string measure) {
  const std::size_t dot = measure.find('.');
  if (dot != std::string::npos) measure[dot] = '_';
  return measure;
}

std::string usd_text(double v) {
  return v != 0 && v < 0.01 ? format("$%.2g", v) : format("$%.2f", v);
}

std::string lower(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return s;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string recall_measure(const EvaluationResults& results) {
  const std::size_t k = results.config.k > 0 ? results.config.k : 100;
  return "recall_" + std::to_string(std::min<std::size_t>(100, k));
}

void check_constraints(ModelVerdict& v, const RecommendConstraints& c, const std::string& recall) {
  const auto fail = [&](std::string why) {
    v.meets_constraints = false;
    v.reasons.push_back(std::move(why));
  };
  if (c.max_query_ms) {
    if (v.query_ms <= 0) {
      fail("query latency not measured");
    } else if (v.query_ms > *c.max_query_ms) {
      fail(format("query latency %.3g ms > --max-query-ms %g", v.query_ms, *c.max_query_ms));
    }
  }
  if (c.max_index_gib && v.index_gib > *c.max_index_gib) {
    fail(format("index %.3g GiB > --max-index-gib %g", v.index_gib, *c.max_index_gib));
  }
  if (c.max_usd) {
    if (!v.usd) {
      fail("no cost figure (eval without --usd-per-hour and no price row for it)");
    } else if (*v.usd > *c.max_usd) {
      fail("cost " + usd_text(*v.usd) + format(" > --max-usd %g", *c.max_usd));
    }
  }
  if (!c.languages.empty()) {
    if (v.languages.empty()) {
      fail("languages unknown: state its card's with --model-languages " + v.label + "=LANGS");
    } else {
      std::string missing;
      for (const std::string& want : c.languages) {
        const bool covered =
            std::any_of(v.languages.begin(), v.languages.end(),
                        [&](const std::string& l) { return lower(l) == lower(want); });
        if (!covered) missing += (missing.empty() ? "" : ", ") + want;
      }
      if (!missing.empty())
        fail("does not cover " + missing + " (its card: " + joined(v.languages) + ")");
    }
  }
  if (c.min_recall_at_100) {
    if (!v.recall_at_100) {
      fail(recall + " not measured");
    } else if (*v.recall_at_100 < *c.min_recall_at_100) {
      fail(format("%s %.4f < --min-recall-at-100 %g", recall.c_str(), *v.recall_at_100,
                  *c.min_recall_at_100));
    }
  }
}

}  // namespace

Recommendation recommend(const EvaluationResults& results,
                         const RecommendConstraints& constraints) {
  Recommendation r;
  r.constraints = constraints;
  r.measure = constraints.measure.empty()
                  ? headline_measure(results.config.k > 0 ? results.config.k : 100)
                  : output_name(constraints.measure);
  const std::string recall = recall_measure(results);
  for (const auto& [label, languages] : constraints.model_languages) {
    const bool known = std::any_of(results.models.begin(), results.models.end(),
                                   [&](const ModelResult& m) { return m.label == label; });
    if (!known) {
      throw InputError(
          "--model-languages names '" + label + "', which is not a model of these results", {}, 0,
          "use a label from eval's table (results.json \"label\")");
    }
  }
  bool measured = false;
  for (const ModelResult& m : results.models) {
    ModelVerdict v;
    v.label = m.label;
    const std::optional<double> q = mean_of(m, r.measure);
    measured = measured || q.has_value();
    v.quality = q.value_or(0);
    v.query_ms = m.timings.queries_per_s > 0 ? 1000.0 / m.timings.queries_per_s : 0;
    v.index_gib = static_cast<double>(m.index_bytes) / kGiB;
    if (m.cost) v.usd = m.cost->corpus.total_usd;
    v.recall_at_100 = mean_of(m, recall);
    if (const auto it = constraints.model_languages.find(m.label);
        it != constraints.model_languages.end()) {
      v.languages = it->second;
    }
    check_constraints(v, constraints, recall);
    if (!q) {
      v.meets_constraints = false;
      v.reasons.push_back(r.measure + " not measured");
    }
    r.models.push_back(std::move(v));
  }
  if (!results.models.empty() && !measured) {
    throw InputError("no model reports the measure '" + r.measure + "'", {}, 0,
                     "use a measure eval reports, e.g. --measure ndcg_cut_10");
  }

  for (std::size_t i = 0; i < r.models.size(); ++i) {
    if (!r.models[i].meets_constraints) continue;
    if (!r.best || r.models[i].quality > r.models[*r.best].quality) r.best = i;
  }
  if (!r.best) {
    r.notes.push_back("no model meets the constraints");
    return r;
  }
  const ModelVerdict& best = r.models[*r.best];

  // Candidates: the best and every allowed model not significantly worse than it.
  const bool tested =
      results.comparisons.has_value() &&
      std::any_of(results.comparisons->tests.begin(), results.comparisons->tests.end(),
                  [&](const PairComparison& t) { return t.measure == r.measure; });
  r.tested = tested;
  if (!tested) {
    r.notes.push_back(
        "no paired tests on " + r.measure +
        " in results.json: only the best is recommended (eval --significance-measure)");
  }
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < r.models.size(); ++i) {
    ModelVerdict& v = r.models[i];
    if (!v.meets_constraints) continue;
    if (i == *r.best) {
      candidates.push_back(i);
      continue;
    }
    const PairComparison* t =
        tested ? find_comparison(*results.comparisons, r.measure, best.label, v.label) : nullptr;
    if (!t) {
      v.reasons.push_back(tested ? "no paired test against " + best.label + " on " + r.measure
                                 : format("%s %.4f below the best's %.4f (not tested)",
                                          r.measure.c_str(), v.quality, best.quality));
      continue;
    }
    const bool worse = t->significant && v.quality < best.quality;
    if (worse) {
      v.reasons.push_back(
          format("significantly worse than %s on %s (%.4f vs %.4f, adjusted p %.3g)",
                 best.label.c_str(), r.measure.c_str(), v.quality, best.quality, t->p_adjusted));
    } else {
      candidates.push_back(i);
    }
  }
  const bool any_cost = std::any_of(candidates.begin(), candidates.end(),
                                    [&](std::size_t i) { return r.models[i].usd.has_value(); });
  r.cheapest_by = any_cost ? "cost" : "query latency";
  const auto key = [&](std::size_t i) {
    const ModelVerdict& v = r.models[i];
    // Unknown cost after every known one; then latency (unmeasured last), then table order.
    return std::make_tuple(any_cost ? (v.usd ? 0 : 1) : 0, any_cost ? v.usd.value_or(0) : 0.0,
                           v.query_ms > 0 ? v.query_ms : 1e300, i);
  };
  r.recommended = *std::min_element(candidates.begin(), candidates.end(),
                                    [&](std::size_t x, std::size_t y) { return key(x) < key(y); });
  const ModelVerdict& chosen = r.models[*r.recommended];
  for (std::size_t i : candidates) {
    if (i == *r.recommended) continue;
    ModelVerdict& v = r.models[i];
    const PairComparison* t =
        i == *r.best ? nullptr
                     : find_comparison(*results.comparisons, r.measure, best.label, v.label);
    std::string why = i == *r.best
                          ? "the best on " + r.measure + ", but "
                          : format("not significantly worse than %s (adjusted p %.3g), but ",
                                   best.label.c_str(), t ? t->p_adjusted : 1.0);
    if (r.cheapest_by == "cost") {
      why += v.usd ? "costs more: " + usd_text(*v.usd) + " vs " + usd_text(*chosen.usd)
                   : "has no cost figure";
    } else {
      why += format("slower per query: %.3g ms vs %.3g ms", v.query_ms, chosen.query_ms);
    }
    v.reasons.push_back(why);
  }
  return r;
}

Recommendation recommend_folder(const std::filesystem::path& results_dir,
                                const RecommendConstraints& constraints) {
  const std::filesystem::path file = results_dir / "results.json";
  if (!std::filesystem::exists(file)) {
    throw InputError("no results.json in this folder", results_dir.string(), 0,
                     "pass the --out folder of `embeval eval`");
  }
  return recommend(read_results_json(file), constraints);
}

}  // namespace embeval
