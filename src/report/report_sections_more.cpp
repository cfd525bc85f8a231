// The report's other sections: ANN frontiers with truncation and precision rows (ann.json), the
// model cards, token statistics and probe results.
#include <map>
#include <set>
#include <string>

#include "embeval/util/human_units.h"
#include "report/report_inputs.h"

namespace embeval::report {
namespace {

using nlohmann::json;

std::string index_kind(const std::string& spec) { return spec.substr(0, spec.find('?')); }

ReportTable points_table(const std::string& caption, const json& points) {
  ReportTable t{caption,
                {"label", "index", "dim", "recall@10", "recall@100", "nDCG@10", "nDCG@10 change",
                 "QPS", "p50 ms", "bytes/vector", "index"},
                {}};
  for (const json& p : points) {
    const json search = p.value("search", json::object());
    const auto bytes = number_at(p, "index_bytes");
    t.rows.push_back(
        {p.value("label", ""), p.value("index_spec", ""), cell_of(p.value("dimension", json())),
         fixed(number_at(p, "recall_at_10"), 4), fixed(number_at(p, "recall_at_100"), 4),
         fixed(number_at(p, "ndcg_at_10"), 4), fixed(number_at(p, "ndcg_at_10_delta"), 4),
         fixed(number_at(search, "batch_queries_per_s"), 0),
         fixed(number_at(search, "latency_p50_ms"), 3), fixed(number_at(p, "bytes_per_vector"), 1),
         bytes ? human_bytes(*bytes) : "-"});
  }
  return t;
}

// Flattens a probe's JSON into tables: its scalars as one key/value table, each array of objects
// as a table of their scalar fields (at most 50 rows).
void flatten(const std::string& name, const json& j, std::vector<ReportTable>& tables) {
  const std::size_t first = tables.size();  // the scalars go before the nested tables
  ReportTable scalars{name, {"key", "value"}, {}};
  for (const auto& [key, value] : j.items()) {
    if (value.is_primitive()) {
      scalars.rows.push_back({key, cell_of(value)});
    } else if (value.is_object()) {
      bool flat = true;
      for (const auto& [k2, v2] : value.items()) {
        if (v2.is_primitive())
          scalars.rows.push_back({key + "." + k2, cell_of(v2)});
        else
          flat = false;
      }
      if (!flat) flatten(name + ": " + key, value, tables);
    } else if (value.is_array() && !value.empty() && value.front().is_object()) {
      ReportTable t{name + ": " + key, {}, {}};
      std::set<std::string> seen;
      for (const json& row : value) {
        for (const auto& [k2, v2] : row.items()) {
          if (v2.is_primitive() && seen.insert(k2).second) t.columns.push_back(k2);
        }
      }
      std::size_t n = 0;
      for (const json& row : value) {
        if (++n > 50) break;
        std::vector<std::string> cells;
        for (const std::string& c : t.columns)
          cells.push_back(row.contains(c) ? cell_of(row[c]) : "-");
        t.rows.push_back(std::move(cells));
      }
      if (value.size() > 50) t.caption += " (first 50 of " + std::to_string(value.size()) + ")";
      if (!t.columns.empty()) tables.push_back(std::move(t));
    } else if (value.is_array()) {
      std::string joined;
      for (const json& v : value) joined += (joined.empty() ? "" : ", ") + cell_of(v);
      scalars.rows.push_back({key, joined});
    }
  }
  if (!scalars.rows.empty())
    tables.insert(tables.begin() + static_cast<std::ptrdiff_t>(first), std::move(scalars));
}

}  // namespace

std::optional<ReportSection> ann_section(const ReportInputs& in) {
  if (in.ann.empty()) return std::nullopt;
  ReportSection s{"ann", "Vector indexes (ANN)", {}, {}, {}};
  s.description =
      "From ann.json: each index's recall@10 against exact search and its batch query throughput; "
      "the line joins the recall-vs-QPS frontier (no other index both faster and more accurate). "
      "Below: every point, then the truncated-dimension and reduced-precision rows.";
  int n = 0;
  for (const JsonFile& f : in.ann) {
    const json model = f.json.value("model", json::object());
    const std::string name = model.value("spec", f.path.parent_path().filename().string());
    json values = json::array();
    for (const json& p : f.json.value("points", json::array())) {
      const auto qps = number_at(p.value("search", json::object()), "batch_queries_per_s");
      const auto recall = number_at(p, "recall_at_10");
      if (!qps || !recall || *qps <= 0) continue;
      values.push_back({{"index", index_kind(p.value("index_spec", ""))},
                        {"spec", p.value("index_spec", "")},
                        {"recall", *recall},
                        {"qps", *qps},
                        {"frontier", p.value("pareto", false) ? "frontier" : "other"}});
    }
    const json x = {{"field", "recall"},
                    {"type", "quantitative"},
                    {"title", "recall@10 vs exact"},
                    {"scale", {{"zero", false}}}};
    const json y = {{"field", "qps"},
                    {"type", "quantitative"},
                    {"title", "queries per second"},
                    {"scale", {{"type", "log"}}}};
    s.charts.push_back(
        {"ann-" + std::to_string(++n),
         {{"title", "Recall vs QPS: " + name},
          {"width", 420},
          {"height", 260},
          {"data", {{"values", values}}},
          {"layer",
           json::array(
               {{{"transform", json::array({{{"filter", "datum.frontier === 'frontier'"}}})},
                 {"mark", {{"type", "line"}, {"color", "#999"}, {"strokeDash", {4, 3}}}},
                 {"encoding", {{"x", x}, {"y", y}, {"order", {{"field", "recall"}}}}}},
                {{"mark", {{"type", "point"}, {"filled", true}, {"size", 70}}},
                 {"encoding",
                  {{"x", x},
                   {"y", y},
                   {"color", {{"field", "index"}, {"type", "nominal"}}},
                   {"shape", {{"field", "frontier"}, {"type", "nominal"}, {"title", nullptr}}},
                   {"tooltip",
                    json::array(
                        {{{"field", "spec"}}, {{"field", "recall"}}, {{"field", "qps"}}})}}}}})}}});
    s.tables.push_back(points_table("Indexes: " + name, f.json.value("points", json::array())));
    if (!f.json.value("truncation", json::array()).empty()) {
      s.tables.push_back(points_table("Truncated dimensions: " + name, f.json["truncation"]));
    }
    if (!f.json.value("precision", json::array()).empty()) {
      s.tables.push_back(points_table("Reduced precision: " + name, f.json["precision"]));
    }
  }
  return s;
}

ReportSection card_section(const ReportInputs& in) {
  ReportSection s{"cards", "Model cards", {}, {}, {}};
  s.description =
      "The eight factors per model: what the model file says (family, architecture, tokenizer, "
      "context window, dimension, vocabulary, training data, parameters), with the measured "
      "score on this dataset and the cost when known.";
  ReportTable t{"",
                {"model", "spec", "family", "architecture", "tokenizer", "context window",
                 "dimension", "vocabulary", "training data", "parameters", "score", "$ per 1M docs",
                 "price (source, date)"},
                {}};
  for (const ModelEntry& m : in.models) {
    const json card = m.model->value("card", json::object());
    std::vector<std::string> row = {m.label, m.model->value("spec", "")};
    for (const char* key : {"family", "architecture", "tokenizer", "context_window_tokens",
                            "dimension", "vocabulary_size", "training_data", "parameters"}) {
      row.push_back(card.contains(key) ? cell_of(card[key]) : "-");
    }
    row.push_back(fixed(headline_mean(m), 4));
    row.push_back(fixed(usd_per_million_documents(*m.model), 2));
    row.push_back(price_source(*m.model));
    t.rows.push_back(std::move(row));
  }
  s.tables.push_back(std::move(t));
  return s;
}

std::optional<ReportSection> tokenizer_section(const ReportInputs& in) {
  ReportSection s{"tokens", "Tokens and vocabulary", {}, {}, {}};
  s.description =
      "What each model's token budget did to this dataset (models with a context window): texts, "
      "content tokens per text, texts truncated or split into windows; and the words a word-level "
      "model has no vector for.";
  ReportTable lengths{
      "Token budget",
      {"model", "role", "texts", "tokens per text", "truncated", "truncated %", "split", "windows"},
      {}};
  ReportTable vocab{"Vocabulary coverage (word vectors)",
                    {"model", "words loaded", "query OOV share", "document OOV share"},
                    {}};
  for (const ModelEntry& m : in.models) {
    for (const auto& [key, role] :
         {std::pair{"document_lengths", "documents"}, std::pair{"query_lengths", "queries"}}) {
      const json l = m.model->value(key, json());
      if (!l.is_object()) continue;
      const double texts = number_at(l, "texts").value_or(0);
      const double tokens = number_at(l, "tokens").value_or(0);
      const double truncated = number_at(l, "truncated").value_or(0);
      lengths.rows.push_back({m.label, role, fixed(texts, 0),
                              texts > 0 ? fixed(tokens / texts, 1) : "-", fixed(truncated, 0),
                              texts > 0 ? fixed(100 * truncated / texts, 1) : "-",
                              fixed(number_at(l, "split"), 0), fixed(number_at(l, "windows"), 0)});
    }
    const json v = m.model->value("vocabulary", json());
    if (v.is_object()) {
      vocab.rows.push_back({m.label, fixed(number_at(v, "words_loaded"), 0),
                            fixed(number_at(v, "query_oov_share"), 4),
                            fixed(number_at(v, "document_oov_share"), 4)});
    }
  }
  if (!lengths.rows.empty()) s.tables.push_back(std::move(lengths));
  if (!vocab.rows.empty()) s.tables.push_back(std::move(vocab));
  if (s.tables.empty()) return std::nullopt;
  return s;
}

std::optional<ReportSection> probe_section(const ReportInputs& in) {
  if (in.probes.empty() && in.parity.empty()) return std::nullopt;
  ReportSection s{"probes", "Probes and parity checks", {}, {}, {}};
  s.description =
      "The JSON files of embeval probe (tokenizers, robustness, alignment, neighbours) and embeval "
      "parity found in the folders, shown field by field.";
  for (const auto* list : {&in.probes, &in.parity}) {
    for (const JsonFile& f : *list) flatten(f.path.filename().string(), f.json, s.tables);
  }
  return s;
}

}  // namespace embeval::report
