// The report's quality sections: the summary table, the trade-off scatter plots with their
// Pareto fronts, recall@k curves and the per-query comparison of two models.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <string>

#include "embeval/core/error.h"
#include "embeval/eval/measures.h"
#include "embeval/eval/metrics.h"
#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"
#include "embeval/util/human_units.h"
#include "report/report_inputs.h"

namespace embeval::report {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const json& mean_of(const ModelEntry& m) {
  static const json empty = json::object();
  const json& metrics = m.model->contains("metrics") ? (*m.model)["metrics"] : empty;
  return metrics.contains("mean") ? metrics["mean"] : empty;
}

// The measure of `mean` named PREFIX_N with the largest N (recall_100 rather than recall_10).
std::string deepest(const json& mean, const std::string& prefix) {
  std::string best;
  long best_n = -1;
  for (const auto& [key, value] : mean.items()) {
    if (key.rfind(prefix, 0) != 0) continue;
    const std::string rest = key.substr(prefix.size());
    if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::stol(rest) > best_n) best_n = std::stol(rest), best = key;
  }
  return best;
}

std::string short_name(const std::string& measure) {
  static const std::map<std::string, std::string> prefixes = {{"ndcg_cut_", "nDCG@"},
                                                              {"recall_", "R@"},
                                                              {"mrr_cut_", "MRR@"},
                                                              {"map_cut_", "MAP@"},
                                                              {"P_", "P@"}};
  for (const auto& [prefix, name] : prefixes) {
    if (measure.rfind(prefix, 0) == 0) return name + measure.substr(prefix.size());
  }
  return measure;
}

std::optional<double> query_ms(const ModelEntry& m) {
  const auto qps = number_at(m.model->value("timings", json()), "queries_per_s");
  if (!qps || *qps <= 0) return std::nullopt;
  return 1000.0 / *qps;
}

bool significant(const json& t) {
  if (t.contains("significant") && t["significant"].is_boolean()) return t["significant"];
  const auto p = number_at(t, "p_adjusted") ? number_at(t, "p_adjusted") : number_at(t, "p");
  return p && *p < 0.05;
}

std::string p_text(const json& t) {
  const auto p = number_at(t, "p_adjusted") ? number_at(t, "p_adjusted") : number_at(t, "p");
  if (!p) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, *p != 0 && *p < 1e-4 ? "%.1e" : "%.4f", *p);
  return buf;
}

// A point of a trade-off plot. `better_low`: a smaller x is better (latency, bytes, dollars).
struct Point {
  std::string model;
  double x = 0, y = 0;
  bool front = false;
};

void mark_pareto(std::vector<Point>& points, bool better_low) {
  for (Point& p : points) {
    p.front = std::none_of(points.begin(), points.end(), [&](const Point& q) {
      const bool x_as_good = better_low ? q.x <= p.x : q.x >= p.x;
      const bool x_better = better_low ? q.x < p.x : q.x > p.x;
      return &q != &p && x_as_good && q.y >= p.y && (x_better || q.y > p.y);
    });
  }
}

json scatter_spec(const std::string& title, const std::string& x_title, const std::string& y_title,
                  const std::vector<Point>& points, bool log_x) {
  json values = json::array();
  for (const Point& p : points) {
    values.push_back({{"model", p.model},
                      {"x", p.x},
                      {"y", p.y},
                      {"front", p.front ? "Pareto front" : "dominated"}});
  }
  json x = {{"field", "x"},
            {"type", "quantitative"},
            {"title", x_title},
            {"axis", {{"labelOverlap", "greedy"}}}};
  if (log_x) x["scale"] = {{"type", "log"}};
  const json y = {
      {"field", "y"}, {"type", "quantitative"}, {"title", y_title}, {"scale", {{"zero", false}}}};
  return {
      {"title", title},
      {"width", 340},
      {"height", 240},
      {"data", {{"values", values}}},
      {"layer",
       json::array(
           {{{"transform", json::array({{{"filter", "datum.front === 'Pareto front'"}}})},
             {"mark", {{"type", "line"}, {"color", "#999"}, {"strokeDash", {4, 3}}}},
             {"encoding", {{"x", x}, {"y", y}, {"order", {{"field", "x"}}}}}},
            {{"mark", {{"type", "point"}, {"filled", true}, {"size", 90}}},
             {"encoding",
              {{"x", x},
               {"y", y},
               {"color", {{"field", "model"}, {"type", "nominal"}, {"legend", nullptr}}},
               {"shape", {{"field", "front"}, {"type", "nominal"}, {"title", nullptr}}},
               {"tooltip",
                json::array({{{"field", "model"}, {"type", "nominal"}},
                             {{"field", "x"}, {"type", "quantitative"}, {"title", x_title}},
                             {{"field", "y"}, {"type", "quantitative"}, {"title", y_title}}})}}}},
            {{"mark", {{"type", "text"}, {"dy", -11}, {"fontSize", 10}}},
             {"encoding", {{"x", x}, {"y", y}, {"text", {{"field", "model"}}}}}}})}};
}

fs::path resolve(const JsonFile& file, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? p : file.path.parent_path() / p;
}

// The dataset file of `results` whose path ends with `suffix` ("queries.jsonl"), or empty.
fs::path dataset_file(const JsonFile& results, const std::string& needle) {
  const json dataset = results.json.value("dataset", json::object());
  for (const json& f : dataset.value("files", json::array())) {
    const std::string path = f.value("path", "");
    if (path.find(needle) != std::string::npos) return resolve(results, path);
  }
  const std::string root = dataset.value("path", "");
  if (!root.empty() && needle == "queries.jsonl") return resolve(results, root) / "queries.jsonl";
  return {};
}

std::map<std::string, std::string> query_texts(const JsonFile& results) {
  std::map<std::string, std::string> texts;
  const fs::path path = dataset_file(results, "queries.jsonl");
  std::ifstream in(path);
  std::string line;
  while (in && std::getline(in, line)) {
    const json q = json::parse(line, nullptr, false);
    if (q.is_object() && q.contains("_id")) {
      texts[cell_of(q["_id"])] = q.value("text", "");
    }
  }
  return texts;
}

}  // namespace

ReportSection summary_section(const ReportInputs& in) {
  ReportSection s{"summary", "Summary", {}, {}, {}};
  const std::string headline = in.models.front().headline;
  s.description = "Per model: " + short_name(headline) +
                  " with its 95% bootstrap interval over queries, the other headline measures, "
                  "speed and storage as results.json records them. Marks: the models a model is "
                  "significantly better than (paired test, Holm-adjusted p) when results.json "
                  "carries pairwise tests.";
  bool any_cost = false;
  for (const ModelEntry& m : in.models) any_cost |= usd_per_million_documents(*m.model).has_value();
  // Significance marks, by winner label, on the headline measure.
  std::map<std::string, std::string> better_than;
  ReportTable tests{"Pairwise tests",
                    {"measure", "a", "b", "mean a", "mean b", "diff", "95% CI", "p (adjusted)",
                     "wins/ties/losses", "significant"},
                    {}};
  bool any_tests = false;
  for (const JsonFile& f : in.results) {
    const json comparisons = f.json.value("comparisons", json());
    if (comparisons.is_object() && comparisons.contains("settings")) {
      const json settings = comparisons["settings"];
      tests.caption = "Pairwise tests: " + cell_of(settings.value("test", json())) + ", " +
                      cell_of(settings.value("correction", json())) + " correction, alpha " +
                      cell_of(settings.value("alpha", json()));
    }
    for (const json* t : pairwise_tests(f)) {
      any_tests = true;
      const std::string a = cell_of(t->value("a", json())), b = cell_of(t->value("b", json()));
      const std::string measure = cell_of(t->value("measure", json()));
      tests.rows.push_back(
          {measure, a, b, fixed(number_at(*t, "mean_a"), 4), fixed(number_at(*t, "mean_b"), 4),
           fixed(number_at(*t, "diff"), 4),
           fixed(number_at(*t, "ci_low"), 4) + " to " + fixed(number_at(*t, "ci_high"), 4),
           p_text(*t),
           cell_of(t->value("wins", json())) + "/" + cell_of(t->value("ties", json())) + "/" +
               cell_of(t->value("losses", json())),
           significant(*t) ? "yes" : "no"});
      // compare names measures as -m does ("ndcg_cut.10"), results.json as trec_eval prints.
      std::string underscored = measure;
      std::replace(underscored.begin(), underscored.end(), '.', '_');
      const bool same_measure = underscored == headline;
      if (!same_measure || !significant(*t)) continue;
      const auto diff = number_at(*t, "diff").value_or(0);
      const std::string& winner = diff > 0 ? a : b;
      const std::string& loser = diff > 0 ? b : a;
      std::string& marks = better_than[winner];
      marks += (marks.empty() ? "> " : ", ") + loser + " (p " + p_text(*t) + ")";
    }
  }
  ReportTable table{"", {"model", short_name(headline), "95% CI"}, {}};
  const json& first_mean = mean_of(in.models.front());
  const std::string recall = deepest(first_mean, "recall_"), mrr = deepest(first_mean, "mrr_cut_"),
                    map = deepest(first_mean, "map_cut_");
  for (const std::string& m : {recall, mrr, map}) {
    if (!m.empty()) table.columns.push_back(short_name(m));
  }
  for (const char* c : {"docs/s", "QPS", "query ms", "index", "peak memory"}) {
    table.columns.push_back(c);
  }
  if (any_cost) table.columns.push_back("$ per 1M docs");
  if (any_tests) table.columns.push_back("significantly better than");
  for (const ModelEntry& m : in.models) {
    const json& mean = mean_of(m);
    const json interval = m.model->value("headline_interval", json());
    std::vector<std::string> row = {
        m.label, fixed(headline_mean(m), 4),
        interval.is_object()
            ? fixed(number_at(interval, "low"), 3) + "-" + fixed(number_at(interval, "high"), 3)
            : "-"};
    for (const std::string& name : {recall, mrr, map}) {
      if (!name.empty()) row.push_back(fixed(number_at(mean, name.c_str()), 4));
    }
    const json timings = m.model->value("timings", json());
    const auto docs = number_at(timings, "documents_per_s");
    const auto qps = number_at(timings, "queries_per_s");
    row.push_back(docs ? human_rate(*docs) : "-");
    row.push_back(qps ? human_rate(*qps) : "-");
    row.push_back(fixed(query_ms(m), 3));
    const auto bytes = number_at(*m.model, "index_bytes");
    const auto rss = number_at(*m.model, "peak_rss_bytes");
    row.push_back(bytes ? human_bytes(*bytes) : "-");
    row.push_back(rss ? human_bytes(*rss) : "-");
    if (any_cost) row.push_back(fixed(usd_per_million_documents(*m.model), 2));
    if (any_tests) row.push_back(better_than.count(m.label) ? better_than[m.label] : "");
    table.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(table));
  if (any_tests) {
    tests.collapsed = tests.rows.size() > 10;  // every pair x measure: reference, not headline
    s.tables.push_back(std::move(tests));
  }
  return s;
}

ReportSection tradeoff_section(const ReportInputs& in) {
  ReportSection s{"tradeoffs", "Quality against cost", {}, {}, {}};
  const std::string y_title = short_name(in.models.front().headline);
  s.description = y_title +
                  " against encode throughput, query latency, index size and (when known) "
                  "dollars per million documents. Filled points joined by the dashed line form "
                  "the Pareto front: no other model is at least as good on both axes and better "
                  "on one.";
  struct Axis {
    const char* id;
    const char* title;
    bool better_low;
    bool log;
    std::function<std::optional<double>(const ModelEntry&)> x;
  };
  const std::vector<Axis> axes = {
      {"throughput", "documents encoded per second", false, true,
       [](const ModelEntry& m) {
         return number_at(m.model->value("timings", json()), "documents_per_s");
       }},
      {"latency", "query latency, ms (1000 / QPS)", true, true, query_ms},
      {"storage", "index size, MiB", true, true,
       [](const ModelEntry& m) -> std::optional<double> {
         const auto b = number_at(*m.model, "index_bytes");
         if (!b) return std::nullopt;
         return *b / (1024.0 * 1024.0);
       }},
      {"cost", "USD per million documents", true, false,
       [](const ModelEntry& m) { return usd_per_million_documents(*m.model); }}};
  ReportTable fronts{"Pareto fronts (yes: on the front)", {"model"}, {}};
  std::map<std::string, std::vector<std::string>> front_rows;
  for (const ModelEntry& m : in.models) front_rows[m.label] = {m.label};
  for (const Axis& axis : axes) {
    std::vector<Point> points;
    for (const ModelEntry& m : in.models) {
      const auto x = axis.x(m);
      const double y = headline_mean(m);
      if (x && std::isfinite(*x) && std::isfinite(y) && (!axis.log || *x > 0)) {
        points.push_back({m.label, *x, y, false});
      }
    }
    if (points.empty()) continue;
    mark_pareto(points, axis.better_low);
    s.charts.push_back(
        {std::string("pareto-") + axis.id,
         scatter_spec(y_title + " vs " + axis.title, axis.title, y_title, points, axis.log)});
    fronts.columns.push_back(axis.id);
    for (auto& [label, row] : front_rows) {
      std::string cell = "-";
      for (const Point& p : points) {
        if (p.model == label) cell = p.front ? "yes" : "no";
      }
      row.push_back(cell);
    }
  }
  for (const ModelEntry& m : in.models) fronts.rows.push_back(front_rows[m.label]);
  s.tables.push_back(std::move(fronts));
  return s;
}

ReportSection recall_section(const ReportInputs& in, std::vector<std::string>& notes) {
  ReportSection s{"recall", "Recall at k", {}, {}, {}};
  s.description =
      "Recall@k (trec_eval's recall_k: relevant documents in the top k over all relevant) for k "
      "up to the run depth, computed from each model's run file and the qrels.";
  json values = json::array();
  ReportTable table{"", {"model"}, {}};
  std::vector<long> header_cutoffs;
  for (const JsonFile& file : in.results) {
    const json settings = file.json.value("settings", json::object());
    const long depth = settings.value("run_depth", settings.value("k", 100L));
    std::vector<long> cutoffs;
    for (long k : {1L, 2L, 3L, 5L, 10L, 20L, 30L, 50L, 100L, 200L, 500L, 1000L}) {
      if (k <= depth) cutoffs.push_back(k);
    }
    if (header_cutoffs.empty()) {
      header_cutoffs = cutoffs;
      for (long k : cutoffs) table.columns.push_back("R@" + std::to_string(k));
    }
    std::string arg = "recall.";
    for (std::size_t i = 0; i < cutoffs.size(); ++i) {
      arg += (i ? "," : "") + std::to_string(cutoffs[i]);
    }
    const std::vector<std::string> args = {arg};
    const MeasureSet measures = parse_measures(args);
    EvalOptions options;
    options.complete = settings.value("evaluation_mode", "") == "complete";
    const fs::path qrels_path = dataset_file(file, "qrels");
    std::optional<Qrels> qrels;
    try {
      if (!qrels_path.empty()) qrels = read_qrels(qrels_path);
    } catch (const InputError& e) {
      notes.push_back("recall@k: cannot read the qrels " + qrels_path.string() + ": " + e.what());
    }
    for (const ModelEntry& m : in.models) {
      if (m.results != &file) continue;
      std::vector<std::string> row = {m.label};
      std::map<long, double> at;
      try {
        if (!qrels) throw InputError("no qrels");
        const TrecRun run = read_run(resolve(file, m.model->value("run_file", "")));
        const EvalResult result = evaluate(*qrels, run, measures, options);
        for (std::size_t i = 0; i < result.measure_names.size(); ++i) {
          const std::string& name = result.measure_names[i];
          if (name.rfind("recall_", 0) == 0) at[std::stol(name.substr(7))] = result.mean[i];
        }
      } catch (const InputError& e) {
        // Without the run or qrels, the cutoffs results.json holds still draw a (shorter) curve.
        notes.push_back("recall@k of " + m.label + ": from results.json only (" + e.what() + ")");
        for (const auto& [key, value] : mean_of(m).items()) {
          if (key.rfind("recall_", 0) == 0 && value.is_number() &&
              key.find_first_not_of("0123456789", 7) == std::string::npos) {
            at[std::stol(key.substr(7))] = value.get<double>();
          }
        }
      }
      for (const auto& [k, v] : at) values.push_back({{"model", m.label}, {"k", k}, {"recall", v}});
      for (long k : header_cutoffs) {
        row.push_back(at.count(k) ? fixed(at[k], 4) : "-");
      }
      table.rows.push_back(std::move(row));
    }
  }
  s.charts.push_back(
      {"recall-at-k",
       {{"title", "Recall@k"},
        {"width", 520},
        {"height", 280},
        {"data", {{"values", values}}},
        {"mark", {{"type", "line"}, {"point", true}}},
        {"encoding",
         {{"x", {{"field", "k"}, {"type", "quantitative"}, {"scale", {{"type", "log"}}}}},
          {"y", {{"field", "recall"}, {"type", "quantitative"}, {"title", "recall@k"}}},
          {"color", {{"field", "model"}, {"type", "nominal"}}},
          {"tooltip",
           json::array({{{"field", "model"}}, {{"field", "k"}}, {{"field", "recall"}}})}}}}});
  s.tables.push_back(std::move(table));
  return s;
}

std::optional<ReportSection> win_loss_section(const ReportInputs& in, const ReportOptions& options,
                                              std::vector<std::string>& notes) {
  if (in.models.size() < 2) return std::nullopt;
  auto find = [&](const std::string& label) -> const ModelEntry* {
    for (const ModelEntry& m : in.models) {
      if (m.label == label) return &m;
    }
    std::string known;
    for (const ModelEntry& m : in.models) known += (known.empty() ? "" : ", ") + m.label;
    throw InputError("--compare: no model labelled '" + label + "'", {}, 0,
                     "the report's models: " + known);
  };
  const ModelEntry* a = nullptr;
  const ModelEntry* b = nullptr;
  if (!options.compare_a.empty()) {
    a = find(options.compare_a);
    b = find(options.compare_b);
  } else {
    std::vector<const ModelEntry*> ranked;
    for (const ModelEntry& m : in.models) ranked.push_back(&m);
    std::stable_sort(ranked.begin(), ranked.end(), [](const ModelEntry* x, const ModelEntry* y) {
      return headline_mean(*x) > headline_mean(*y);
    });
    a = ranked[0];
    b = ranked[1];
  }
  const std::string measure = a->headline;
  const json pa = (*a->model)["metrics"].value("per_query", json::object());
  const json pb = (*b->model)["metrics"].value("per_query", json::object());
  struct Diff {
    std::string qid;
    double a, b;
  };
  std::vector<Diff> diffs;
  for (const auto& [qid, values] : pa.items()) {
    const auto it = pb.find(qid);
    if (it == pb.end()) continue;
    const auto va = number_at(values, measure.c_str());
    const auto vb = number_at(*it, measure.c_str());
    if (va && vb) diffs.push_back({qid, *va, *vb});
  }
  if (diffs.empty()) {
    notes.push_back("per-query comparison skipped: results.json has no per-query " + measure);
    return std::nullopt;
  }
  std::stable_sort(diffs.begin(), diffs.end(),
                   [](const Diff& x, const Diff& y) { return x.a - x.b > y.a - y.b; });
  int wins = 0, ties = 0, losses = 0;
  json values = json::array();
  for (std::size_t i = 0; i < diffs.size(); ++i) {
    const double d = diffs[i].a - diffs[i].b;
    (std::fabs(d) <= 1e-12 ? ties : d > 0 ? wins : losses)++;
    values.push_back({{"rank", i + 1},
                      {"diff", d},
                      {"query", diffs[i].qid},
                      {"outcome", std::fabs(d) <= 1e-12 ? "tie"
                                  : d > 0               ? a->label
                                                        : b->label}});
  }
  ReportSection s{"win-loss", "Per query: " + a->label + " against " + b->label, {}, {}, {}};
  s.description = short_name(measure) + " per query, " + a->label + " minus " + b->label +
                  ", over " + std::to_string(diffs.size()) +
                  " queries both evaluated: " + std::to_string(wins) + " wins, " +
                  std::to_string(ties) + " ties, " + std::to_string(losses) + " losses for " +
                  a->label +
                  ". The tables list the biggest differences with "
                  "their query texts.";
  s.charts.push_back(
      {"win-loss",
       {{"title", short_name(measure) + ": " + a->label + " minus " + b->label + ", per query"},
        {"width", 620},
        {"height", 220},
        {"data", {{"values", values}}},
        {"mark", {{"type", "bar"}}},
        {"encoding",
         {{"x",
           {{"field", "rank"},
            {"type", "quantitative"},
            {"title", "queries, sorted by difference"}}},
          {"y", {{"field", "diff"}, {"type", "quantitative"}, {"title", "difference"}}},
          {"color", {{"field", "outcome"}, {"type", "nominal"}, {"title", "better"}}},
          {"tooltip", json::array({{{"field", "query"}}, {{"field", "diff"}}})}}}}});
  const std::map<std::string, std::string> texts = query_texts(*a->results);
  auto table = [&](const std::string& caption, bool wins_of_a, auto first, auto last) {
    ReportTable t{caption, {"query", "text", a->label, b->label, "difference"}, {}};
    int n = 0;
    for (auto it = first; it != last && n < options.examples; ++it, ++n) {
      const double d = it->a - it->b;
      if (wins_of_a ? d <= 1e-12 : d >= -1e-12) break;  // the rest are ties or the other side
      const auto text = texts.find(it->qid);
      t.rows.push_back({it->qid, text == texts.end() ? "" : text->second, fixed(it->a, 4),
                        fixed(it->b, 4), fixed(d, 4)});
    }
    if (t.rows.empty()) t.rows.push_back({"(none)", "", "", "", ""});
    return t;
  };
  s.tables.push_back(table("Biggest wins of " + a->label, true, diffs.begin(), diffs.end()));
  s.tables.push_back(table("Worst losses of " + a->label, false, diffs.rbegin(), diffs.rend()));
  return s;
}

}  // namespace embeval::report
