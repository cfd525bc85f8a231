#include "embeval/report/results_table.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <vector>

#include "embeval/eval/statistics.h"
#include "embeval/util/human_units.h"
#include "report/text_table.h"

namespace embeval {
namespace {

template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

using report::Column;

// Index of `name` in the model's measures, or -1.
int measure_index(const ModelResult& m, const std::string& name) {
  const auto& names = m.metrics.measure_names;
  const auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

// The table's name for model i: a, b, ..., z, A, ..., Z, then m53, m54, ...
std::string model_letter(std::size_t i) {
  if (i < 26) return std::string(1, static_cast<char>('a' + i));
  if (i < 52) return std::string(1, static_cast<char>('A' + (i - 26)));
  return "m" + std::to_string(i + 1);
}

std::string usd(const std::optional<double>& v) {
  if (!v) return "-";
  if (*v != 0 && *v < 0.01) return format("%.2g", *v);
  return format("%.2f", *v);
}

}  // namespace

std::string format_significance_legend(const EvaluationResults& results) {
  if (!results.comparisons) return {};
  const CompareOptions& o = results.comparisons->options;
  std::string out =
      "letters: the models in table order; a value followed by ^LETTERS is significantly better "
      "than those models' on that measure\n(paired ";
  out += significance_test_name(o.test.test);
  out += o.test.test == SignificanceTest::kT ? " test" : format(" test, B=%d", o.test.samples);
  out += format(", %s over %zu tests, alpha %.3g; results.json \"comparisons\", docs/compare.md)\n",
                o.correction == PCorrection::kHolm ? "Holm" : "no correction",
                results.comparisons->tests.size(), o.alpha);
  return out;
}

std::string format_cost_table(const EvaluationResults& results) {
  bool any = false;
  for (const auto& m : results.models) {
    any = any || (m.cost && (m.cost->encode_basis != "none" ||
                             m.cost->corpus.storage_usd_per_month.has_value()));
  }
  if (!any) return {};
  std::vector<Column> columns = {{"model", {}, true},
                                 {"encode by", {}, true},
                                 {"$ corpus", {}, false},
                                 {"$/month index", {}, false},
                                 {"$ per 1M docs", {}, false},
                                 {"$/month per 1M docs", {}, false},
                                 {"$ per 1M queries", {}, false}};
  std::string sources;
  const ModelCost* any_cost = nullptr;
  for (const auto& m : results.models) {
    const ModelCost none;
    const ModelCost& c = m.cost ? *m.cost : none;
    if (m.cost) any_cost = &*m.cost;
    std::string basis = c.encode_basis;
    if (c.price) {
      basis = c.price->model + format(" $%.3g/1M tok", c.price->usd_per_mtok);
      const std::string line = c.encode_basis == "spec price"
                                   ? "  " + m.label + ": " + c.price->source_url + "\n"
                                   : "  " + c.price->model + ": " + c.price->source_url +
                                         " (table " + c.price_table_path + ", dated " +
                                         c.price_table_date + ")\n";
      if (sources.find(line) == std::string::npos) sources += line;
    } else if (c.encode_basis == "self-hosted") {
      basis = "self-hosted " + c.hardware;
    }
    columns[0].cells.push_back(m.label);
    columns[1].cells.push_back(basis);
    columns[2].cells.push_back(usd(c.corpus.encode_usd));
    columns[3].cells.push_back(usd(c.corpus.storage_usd_per_month));
    columns[4].cells.push_back(usd(c.per_million_documents.encode_usd));
    columns[5].cells.push_back(usd(c.per_million_documents.storage_usd_per_month));
    columns[6].cells.push_back(usd(c.per_million_queries.encode_usd));
  }
  std::string out = "cost (USD; docs/cost.md):\n" + report::render_table(columns);
  if (any_cost) {
    std::string settings;
    if (any_cost->usd_per_hour) {
      settings += format("self-hosted: $%.4g/hour", *any_cost->usd_per_hour) + " (" +
                  any_cost->hardware + ") x the measured docs/s and QPS";
    }
    if (any_cost->usd_per_gib_month) {
      if (!settings.empty()) settings += "; ";
      settings += format("storage: index bytes x $%.4g/GiB-month", *any_cost->usd_per_gib_month) +
                  format(" x %.0f replicas", static_cast<double>(any_cost->replicas));
    }
    if (!settings.empty()) out += settings + "\n";
  }
  if (!sources.empty()) {
    out += "hosted prices (price table rows are estimates: check before use):\n" + sources;
  }
  return out;
}

std::string format_length_notes(const EvaluationResults& results) {
  std::string out;
  const auto note = [&](const ModelResult& m, const std::optional<LengthReport>& r,
                        const char* what) {
    if (!r || r->texts == 0 || (r->truncated == 0 && r->split == 0)) return;
    const double share =
        100.0 * static_cast<double>(r->truncated + r->split) / static_cast<double>(r->texts);
    const std::size_t window = m.card.context_window_tokens.value_or(0);
    if (r->truncated > 0) {
      out += format("%s: %zu of %zu %s (%.1f%%) truncated", m.label.c_str(), r->truncated, r->texts,
                    what, share);
      out += window ? format(" (context window %zu tokens)\n", window) : std::string("\n");
    } else {
      out += format("%s: %zu of %zu %s (%.1f%%) split into windows (%zu windows in all)\n",
                    m.label.c_str(), r->split, r->texts, what, share, r->windows);
    }
  };
  for (const auto& m : results.models) {
    note(m, m.document_lengths, "documents");
    note(m, m.query_lengths, "queries");
  }
  return out;
}

std::string format_results_table(const EvaluationResults& results) {
  // The cutoffs eval_measures() gives at this depth: a column never claims a depth it lacks.
  const std::size_t k = results.config.k > 0 ? results.config.k : 100;
  const std::string c10 = std::to_string(std::min<std::size_t>(10, k));
  const std::string c100 = std::to_string(std::min<std::size_t>(100, k));
  struct Quality {
    std::string measure;
    std::string header;
    bool with_ci;
  };
  const Quality quality[] = {{headline_measure(k), "nDCG@" + c10 + " (95% CI)", true},
                             {"recall_" + c100, "R@" + c100, false},
                             {"mrr_cut_" + c10, "MRR@" + c10, false},
                             {"map_cut_" + c100, "MAP@" + c100, false}};

  std::vector<Column> columns;
  columns.push_back({"model", {}, true});
  for (const auto& q : quality) columns.push_back({q.header, {}, false});
  columns.push_back({"load+fit", {}, false});
  columns.push_back({"docs/s", {}, false});
  columns.push_back({"QPS", {}, false});
  columns.push_back({"index", {}, false});
  columns.push_back({"peak mem", {}, false});
  columns.push_back({"time", {}, false});
  // Cost columns only when some model has a price (a paid API with price_per_mtok).
  bool any_price = false;
  for (const auto& m : results.models) {
    any_price = any_price || (m.api_cost && m.api_cost->cost_usd.has_value());
  }
  // Rerank columns only when some result is a reranked run (--rerank).
  bool any_rerank = false;
  for (const auto& m : results.models) any_rerank = any_rerank || m.rerank.has_value();
  if (any_rerank) {
    columns.push_back({"rerank", {}, false});
    columns.push_back({"pairs/s", {}, false});
  }
  if (any_price) {
    columns.push_back({"$ total", {}, false});
    columns.push_back({"$ per 1M docs", {}, false});
  }

  const bool marked = results.comparisons.has_value();
  std::map<std::string, std::string> letter_of;
  for (std::size_t i = 0; i < results.models.size(); ++i) {
    letter_of[results.models[i].label] = model_letter(i);
  }
  for (std::size_t row = 0; row < results.models.size(); ++row) {
    const ModelResult& m = results.models[row];
    std::size_t c = 0;
    columns[c++].cells.push_back((marked ? model_letter(row) + " " : std::string()) +
                                 m.display_name() + (m.resumed ? " *" : ""));
    for (const auto& q : quality) {
      const int i = measure_index(m, q.measure);
      std::string cell = "-";
      if (i >= 0) {
        cell = format("%.4f", m.metrics.mean[static_cast<std::size_t>(i)]);
        if (q.with_ci) {
          // The interval results.json records, so the file and the table agree.
          const MeasureInterval ci =
              m.headline_interval && m.headline_interval->measure == q.measure
                  ? *m.headline_interval
                  : bootstrap_interval(m.metrics, q.measure).value();
          cell += " (" + format("%.3f", ci.low) + "-" + format("%.3f", ci.high) + ")";
        }
        if (marked) {
          std::string marks;
          for (const std::string& worse :
               significantly_better_than(*results.comparisons, q.measure, m.label)) {
            const auto it = letter_of.find(worse);
            if (it != letter_of.end()) marks += it->second;
          }
          if (!marks.empty()) cell += "^" + marks;
        }
      }
      columns[c++].cells.push_back(cell);
    }
    const auto& t = m.timings;
    const bool all_cached = m.cached_documents > 0 && m.cached_documents == results.num_documents;
    columns[c++].cells.push_back(format("%.2fs", t.load_s + t.fit_s));
    columns[c++].cells.push_back(all_cached ? "cached" : human_rate(t.documents_per_s));
    columns[c++].cells.push_back(human_rate(t.queries_per_s));
    columns[c++].cells.push_back(human_bytes(static_cast<double>(m.index_bytes)));
    columns[c++].cells.push_back(
        m.peak_rss_bytes ? human_bytes(static_cast<double>(m.peak_rss_bytes)) : "-");
    columns[c++].cells.push_back(format("%.2fs", t.total_s()));
    if (any_rerank) {
      columns[c++].cells.push_back(m.rerank ? format("%.2fs", m.rerank->rerank_s) : "-");
      columns[c++].cells.push_back(m.rerank ? human_rate(m.rerank->pairs_per_s) : "-");
    }
    if (any_price) {
      const bool priced = m.api_cost && m.api_cost->cost_usd.has_value();
      columns[c++].cells.push_back(priced ? format("%.4f", *m.api_cost->cost_usd) : "-");
      columns[c++].cells.push_back(priced ? format("%.2f", *m.api_cost->usd_per_million_documents)
                                          : "-");
    }
  }

  std::string out;
  char line[512];
  std::snprintf(line, sizeof line, "dataset %s: %zu documents, %zu queries, %zu judgments\n",
                results.dataset_name.c_str(), results.num_documents, results.num_queries,
                results.num_judgments);
  out += line;
  out += report::render_table(columns);
  out +=
      "load+fit: loading the model and fitting corpus statistics (BM25 IDF, SIF weights); "
      "docs/s: documents encoded per second after that;\nQPS: queries encoded and searched per "
      "second; time: all of it, load to run (encode, index, queries, search).\n";
  if (any_rerank) {
    out +=
        "A -> R: A's run with its top documents re-scored by reranker R (the rest keep A's order "
        "below them; load+fit, QPS and time include R);\nrerank: scoring the (query, document) "
        "pairs; pairs/s: pairs scored per second.\n";
  }
  if (any_price) {
    out +=
        "$ total: USD this run paid (tokens x price_per_mtok; cached texts are free); $ per 1M "
        "docs: a million documents of this corpus's mean length.\n";
  }
  bool any_resumed = false;
  for (const auto& m : results.models) any_resumed = any_resumed || m.resumed;
  if (any_resumed) out += "* reused from an earlier run with the same dataset and settings\n";
  out += format_significance_legend(results);
  out += format_length_notes(results);
  out += format_cost_table(results);
  return out;
}

}  // namespace embeval
