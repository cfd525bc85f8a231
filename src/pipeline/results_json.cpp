#include "embeval/pipeline/results_json.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "embeval/core/error.h"
#include "embeval/util/atomic_file.h"
#include "probes_json.h"

namespace embeval {

using nlohmann::json;

json card_to_json(const ModelCard& c) {
  json j = {{"family", c.family},
            {"architecture", c.architecture},
            {"tokenizer", c.tokenizer},
            {"dimension", c.dimension},
            {"vocabulary_size", c.vocabulary_size},
            {"training_data", c.training_data}};
  j["context_window_tokens"] =
      c.context_window_tokens ? json(*c.context_window_tokens) : json(nullptr);
  j["parameters"] = c.parameters ? json(*c.parameters) : json(nullptr);
  return j;
}

namespace {

ModelCard card_from_json(const json& j) {
  ModelCard c;
  c.family = j.at("family").get<std::string>();
  c.architecture = j.at("architecture").get<std::string>();
  c.tokenizer = j.at("tokenizer").get<std::string>();
  c.dimension = j.at("dimension").get<std::size_t>();
  c.vocabulary_size = j.at("vocabulary_size").get<std::size_t>();
  c.training_data = j.value("training_data", "");
  if (!j.at("context_window_tokens").is_null()) {
    c.context_window_tokens = j.at("context_window_tokens").get<std::size_t>();
  }
  if (j.contains("parameters") && !j.at("parameters").is_null()) {
    c.parameters = j.at("parameters").get<std::size_t>();
  }
  return c;
}

json timings_to_json(const StageTimings& t, bool reranked) {
  json j = {{"load_s", t.load_s},
            {"fit_s", t.fit_s},
            {"encode_documents_s", t.encode_documents_s},
            {"index_s", t.index_s},
            {"encode_queries_s", t.encode_queries_s},
            {"search_s", t.search_s},
            {"documents_per_s", t.documents_per_s},
            {"queries_per_s", t.queries_per_s},
            {"total_s", t.total_s()}};
  // Only reranked results have a rerank stage: other models' records stay as they were.
  if (reranked) j["rerank_s"] = t.rerank_s;
  return j;
}

StageTimings timings_from_json(const json& j) {
  StageTimings t;
  t.load_s = j.value("load_s", 0.0);  // version 2: loading was not measured
  t.fit_s = j.at("fit_s").get<double>();
  t.encode_documents_s = j.at("encode_documents_s").get<double>();
  t.index_s = j.at("index_s").get<double>();
  t.encode_queries_s = j.at("encode_queries_s").get<double>();
  t.search_s = j.at("search_s").get<double>();
  t.documents_per_s = j.at("documents_per_s").get<double>();
  t.queries_per_s = j.at("queries_per_s").get<double>();
  t.rerank_s = j.value("rerank_s", 0.0);
  return t;
}

json metrics_to_json(const EvalResult& m) {
  json mean = json::object();
  for (std::size_t i = 0; i < m.measure_names.size(); ++i) mean[m.measure_names[i]] = m.mean[i];
  json per_query = json::object();
  for (const auto& [qid, values] : m.per_query) {
    json row = json::object();
    for (std::size_t i = 0; i < m.measure_names.size(); ++i) row[m.measure_names[i]] = values[i];
    per_query[qid] = std::move(row);
  }
  return {{"measures", m.measure_names},
          {"num_queries", m.num_queries},
          {"mean", std::move(mean)},
          {"per_query", std::move(per_query)}};
}

EvalResult metrics_from_json(const json& j) {
  EvalResult m;
  m.measure_names = j.at("measures").get<std::vector<std::string>>();
  m.num_queries = j.at("num_queries").get<std::size_t>();
  const json& mean = j.at("mean");
  for (const auto& name : m.measure_names) m.mean.push_back(mean.at(name).get<double>());
  for (const auto& [qid, row] : j.at("per_query").items()) {
    std::vector<double> values;
    values.reserve(m.measure_names.size());
    for (const auto& name : m.measure_names) values.push_back(row.at(name).get<double>());
    m.per_query.emplace(qid, std::move(values));
  }
  return m;
}

json load_report_to_json(const LoadReport& r) {
  return {{"invalid_utf8_replaced", r.invalid_utf8_replaced},
          {"empty_documents", r.empty_documents},
          {"empty_queries", r.empty_queries},
          {"qrels_unknown_documents", r.qrels_unknown_documents},
          {"qrels_unknown_queries", r.qrels_unknown_queries},
          {"queries_without_qrels", r.queries_without_qrels},
          {"warnings", r.warnings}};
}

LoadReport load_report_from_json(const json& j) {
  LoadReport r;
  r.invalid_utf8_replaced = j.at("invalid_utf8_replaced").get<std::size_t>();
  r.empty_documents = j.at("empty_documents").get<std::size_t>();
  r.empty_queries = j.at("empty_queries").get<std::size_t>();
  r.qrels_unknown_documents = j.at("qrels_unknown_documents").get<std::size_t>();
  r.qrels_unknown_queries = j.at("qrels_unknown_queries").get<std::size_t>();
  r.queries_without_qrels = j.at("queries_without_qrels").get<std::size_t>();
  r.warnings = j.at("warnings").get<std::vector<std::string>>();
  return r;
}

json lengths_to_json(const std::optional<LengthReport>& r) {
  if (!r) return nullptr;
  return {{"texts", r->texts},
          {"tokens", r->tokens},
          {"truncated", r->truncated},
          {"split", r->split},
          {"windows", r->windows}};
}

std::optional<LengthReport> lengths_from_json(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;  // version 1, or no budget
  const json& r = j.at(key);
  LengthReport out;
  out.texts = r.at("texts").get<std::size_t>();
  out.tokens = r.at("tokens").get<std::size_t>();
  out.truncated = r.at("truncated").get<std::size_t>();
  out.split = r.at("split").get<std::size_t>();
  out.windows = r.at("windows").get<std::size_t>();
  return out;
}

json optional_number(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json api_cost_to_json(const ApiCost& c) {
  return {{"requests", c.usage.requests},
          {"retries", c.usage.retries},
          {"texts", c.usage.texts},
          {"tokens", c.usage.tokens()},
          {"reported_tokens", c.usage.reported_tokens},
          {"estimated_tokens", c.usage.estimated_tokens},
          {"tokens_source", c.tokens_source},
          {"documents_encoded", c.documents_encoded},
          {"document_tokens", c.document_tokens},
          {"mean_document_tokens", c.mean_document_tokens},
          {"mean_document_tokens_source", c.mean_document_tokens_source},
          {"price_per_mtok", optional_number(c.usage.price_per_mtok)},
          {"cost_usd", optional_number(c.cost_usd)},
          {"usd_per_million_documents", optional_number(c.usd_per_million_documents)}};
}

std::optional<double> number_or_null(const json& j, const char* key) {
  if (!j.contains(key) || j.at(key).is_null()) return std::nullopt;
  return j.at(key).get<double>();
}

std::optional<ApiCost> api_cost_from_json(const json& j) {
  if (!j.contains("api_cost") || j.at("api_cost").is_null()) return std::nullopt;
  const json& a = j.at("api_cost");
  ApiCost c;
  c.usage.requests = a.at("requests").get<std::size_t>();
  c.usage.retries = a.at("retries").get<std::size_t>();
  c.usage.texts = a.at("texts").get<std::size_t>();
  c.usage.reported_tokens = a.at("reported_tokens").get<std::size_t>();
  c.usage.estimated_tokens = a.at("estimated_tokens").get<std::size_t>();
  c.tokens_source = a.at("tokens_source").get<std::string>();
  c.documents_encoded = a.at("documents_encoded").get<std::size_t>();
  c.document_tokens = a.at("document_tokens").get<std::size_t>();
  c.mean_document_tokens = a.at("mean_document_tokens").get<double>();
  c.mean_document_tokens_source = a.at("mean_document_tokens_source").get<std::string>();
  c.usage.price_per_mtok = number_or_null(a, "price_per_mtok");
  c.cost_usd = number_or_null(a, "cost_usd");
  c.usd_per_million_documents = number_or_null(a, "usd_per_million_documents");
  return c;
}

json files_to_json(const std::vector<FileRecord>& files) {
  json a = json::array();
  for (const auto& f : files) a.push_back({{"path", f.path}, {"fingerprint", f.fingerprint}});
  return a;
}

std::vector<FileRecord> files_from_json(const json& j, const char* key) {
  std::vector<FileRecord> files;
  if (!j.contains(key)) return files;  // version 2
  for (const auto& f : j.at(key)) {
    files.push_back({f.at("path").get<std::string>(), f.at("fingerprint").get<std::string>()});
  }
  return files;
}

json environment_to_json(const RunEnvironment& e) {
  return {{"embeval_version", e.embeval_version},
          {"time_utc", e.time_utc},
          {"cpu_model", e.cpu_model},
          {"threads", e.threads},
          {"hardware_threads", e.hardware_threads},
          {"EMBEVAL_LLAMA_THREADS",
           e.llama_threads_env.empty() ? json(nullptr) : json(e.llama_threads_env)},
          {"ci", e.ci}};
}

RunEnvironment environment_from_json(const json& j, const char* key) {
  RunEnvironment e;
  if (!j.contains(key)) return e;  // version 2
  const json& o = j.at(key);
  e.embeval_version = o.at("embeval_version").get<std::string>();
  e.time_utc = o.at("time_utc").get<std::string>();
  e.cpu_model = o.at("cpu_model").get<std::string>();
  e.threads = o.at("threads").get<std::size_t>();
  e.hardware_threads = o.at("hardware_threads").get<std::size_t>();
  if (!o.at("EMBEVAL_LLAMA_THREADS").is_null()) {
    e.llama_threads_env = o.at("EMBEVAL_LLAMA_THREADS").get<std::string>();
  }
  e.ci = o.at("ci").get<bool>();
  return e;
}

json interval_to_json(const std::optional<MeasureInterval>& i) {
  if (!i) return nullptr;
  return {{"measure", i->measure}, {"method", i->method}, {"level", i->level},
          {"low", i->low},         {"high", i->high},     {"resamples", i->resamples},
          {"seed", i->seed}};
}

std::optional<MeasureInterval> interval_from_json(const json& j) {
  if (!j.contains("headline_interval") || j.at("headline_interval").is_null()) return {};
  const json& o = j.at("headline_interval");
  MeasureInterval i;
  i.measure = o.at("measure").get<std::string>();
  i.method = o.at("method").get<std::string>();
  i.level = o.at("level").get<double>();
  i.low = o.at("low").get<double>();
  i.high = o.at("high").get<double>();
  i.resamples = o.at("resamples").get<int>();
  i.seed = o.at("seed").get<std::uint64_t>();
  return i;
}

json hybrid_to_json(const std::optional<HybridRecord>& h) {
  if (!h) return nullptr;
  json folds = json::array();
  for (const FoldChoice& f : h->folds) {
    folds.push_back({{"fold", f.fold},
                     {"train_queries", f.train_queries},
                     {"test_queries", f.test_queries},
                     {"weights", f.chosen.weights},
                     {"k", f.chosen.rrf_k},
                     {"train_score", f.train_score}});
  }
  json out = {{"components", h->component_labels},
              {"fusion_s", h->fusion_s},
              {"tuned_measure", h->tuned_measure},
              {"folds", folds}};
  if (!h->tune_split.empty()) {
    out["tune_split"] = h->tune_split;
    out["queries_in_both_splits"] = h->queries_in_both_splits;
  }
  return out;
}

std::optional<HybridRecord> hybrid_from_json(const json& j) {
  if (!j.contains("hybrid") || j.at("hybrid").is_null()) return std::nullopt;
  const json& o = j.at("hybrid");
  HybridRecord h;
  h.component_labels = o.at("components").get<std::vector<std::string>>();
  h.fusion_s = o.at("fusion_s").get<double>();
  h.tuned_measure = o.at("tuned_measure").get<std::string>();
  h.tune_split = o.value("tune_split", std::string());
  h.queries_in_both_splits = o.value("queries_in_both_splits", std::vector<std::string>());
  for (const json& f : o.at("folds")) {
    FoldChoice c;
    c.fold = f.at("fold").get<std::size_t>();
    c.train_queries = f.at("train_queries").get<std::size_t>();
    c.test_queries = f.at("test_queries").get<std::size_t>();
    c.chosen.weights = f.at("weights").get<std::vector<double>>();
    c.chosen.rrf_k = f.at("k").get<double>();
    c.train_score = f.at("train_score").get<double>();
    h.folds.push_back(std::move(c));
  }
  return h;
}

json rerank_to_json(const RerankRecord& r) {
  return {{"first_stage", r.first_stage_label},
          {"first_stage_spec", r.first_stage_spec},
          {"reranker", r.reranker_spec},
          {"reranker_label", r.reranker_label},
          {"name", r.first_stage_label + " -> " + r.reranker_label},
          {"top", r.top},
          {"queries", r.queries},
          {"pairs", r.pairs},
          {"truncated_pairs", r.truncated_pairs},
          {"load_s", r.load_s},
          {"rerank_s", r.rerank_s},
          {"pairs_per_s", r.pairs_per_s},
          {"requests", r.requests},
          {"retries", r.retries},
          {"tokens", r.tokens},
          {"tokens_source", r.tokens_source},
          {"cost_usd", r.cost_usd ? json(*r.cost_usd) : json(nullptr)}};
}

std::optional<RerankRecord> rerank_from_json(const json& j) {
  if (!j.contains("rerank") || j.at("rerank").is_null()) return std::nullopt;
  const json& o = j.at("rerank");
  RerankRecord r;
  r.first_stage_label = o.at("first_stage").get<std::string>();
  r.first_stage_spec = o.at("first_stage_spec").get<std::string>();
  r.reranker_spec = o.at("reranker").get<std::string>();
  r.reranker_label = o.at("reranker_label").get<std::string>();
  r.top = o.at("top").get<std::size_t>();
  r.queries = o.at("queries").get<std::size_t>();
  r.pairs = o.at("pairs").get<std::size_t>();
  r.truncated_pairs = o.at("truncated_pairs").get<std::size_t>();
  r.load_s = o.at("load_s").get<double>();
  r.rerank_s = o.at("rerank_s").get<double>();
  r.pairs_per_s = o.at("pairs_per_s").get<double>();
  r.requests = o.at("requests").get<std::size_t>();
  r.retries = o.at("retries").get<std::size_t>();
  r.tokens = o.at("tokens").get<std::size_t>();
  r.tokens_source = o.at("tokens_source").get<std::string>();
  if (!o.at("cost_usd").is_null()) r.cost_usd = o.at("cost_usd").get<double>();
  return r;
}

json figures_to_json(const CostFigures& f) {
  return {{"encode_usd", optional_number(f.encode_usd)},
          {"storage_usd_per_month", optional_number(f.storage_usd_per_month)},
          {"total_usd", optional_number(f.total_usd)}};
}

CostFigures figures_from_json(const json& j) {
  CostFigures f;
  f.encode_usd = number_or_null(j, "encode_usd");
  f.storage_usd_per_month = number_or_null(j, "storage_usd_per_month");
  f.total_usd = number_or_null(j, "total_usd");
  return f;
}

json cost_to_json(const ModelCost& c) {
  json price = nullptr;
  if (c.price) {
    price = {{"model", c.price->model},
             {"provider", c.price->provider},
             {"usd_per_mtok", c.price->usd_per_mtok},
             {"source_url", c.price->source_url},
             {"table_date", c.price_table_date},
             {"table_file", c.price_table_path}};
  }
  return {{"encode_basis", c.encode_basis},
          {"price", price},
          {"document_tokens", c.document_tokens},
          {"document_tokens_source", c.document_tokens_source},
          {"query_tokens", c.query_tokens},
          {"query_tokens_source", c.query_tokens_source},
          {"usd_per_hour", optional_number(c.usd_per_hour)},
          {"hardware", c.hardware},
          {"usd_per_gib_month", optional_number(c.usd_per_gib_month)},
          {"replicas", c.replicas},
          {"index_bytes", c.index_bytes},
          {"api_measured_usd", optional_number(c.api_measured_usd)},
          {"corpus", figures_to_json(c.corpus)},
          {"per_million_documents", figures_to_json(c.per_million_documents)},
          {"per_million_queries", figures_to_json(c.per_million_queries)}};
}

std::optional<ModelCost> cost_from_json(const json& j) {
  if (!j.contains("cost") || j.at("cost").is_null()) return std::nullopt;
  const json& o = j.at("cost");
  ModelCost c;
  c.encode_basis = o.at("encode_basis").get<std::string>();
  if (!o.at("price").is_null()) {
    const json& p = o.at("price");
    c.price = PriceRow{p.at("model").get<std::string>(), p.at("provider").get<std::string>(),
                       p.at("usd_per_mtok").get<double>(), p.at("source_url").get<std::string>()};
    c.price_table_date = p.at("table_date").get<std::string>();
    c.price_table_path = p.at("table_file").get<std::string>();
  }
  c.document_tokens = o.at("document_tokens").get<double>();
  c.document_tokens_source = o.at("document_tokens_source").get<std::string>();
  c.query_tokens = o.at("query_tokens").get<double>();
  c.query_tokens_source = o.at("query_tokens_source").get<std::string>();
  c.usd_per_hour = number_or_null(o, "usd_per_hour");
  c.hardware = o.at("hardware").get<std::string>();
  c.usd_per_gib_month = number_or_null(o, "usd_per_gib_month");
  c.replicas = o.at("replicas").get<std::size_t>();
  c.index_bytes = o.at("index_bytes").get<std::size_t>();
  c.api_measured_usd = number_or_null(o, "api_measured_usd");
  c.corpus = figures_from_json(o.at("corpus"));
  c.per_million_documents = figures_from_json(o.at("per_million_documents"));
  c.per_million_queries = figures_from_json(o.at("per_million_queries"));
  return c;
}

// {"tests": [...], "settings": {...}}: comparison_json()'s document, compare --json's fields.
json comparisons_to_json(const ModelComparisons& c) {
  return json::parse(comparison_json(c.tests, c.options));
}

ModelComparisons comparisons_from_json(const json& o) {
  ModelComparisons c;
  const json& s = o.at("settings");
  c.options.test.test = parse_significance_test(s.at("test").get<std::string>());
  c.options.test.samples = s.at("samples").get<int>();
  c.options.test.seed = s.at("seed").get<std::uint64_t>();
  c.options.test.p_rule = s.at("p_rule").get<std::string>() == "count/B (ranx)"
                              ? PValueRule::kRanx
                              : PValueRule::kPlusOne;
  c.options.alpha = s.at("alpha").get<double>();
  c.options.correction = parse_p_correction(s.at("correction").get<std::string>());
  c.options.complete = s.at("complete").get<bool>();
  for (const json& t : o.at("tests")) {
    PairComparison p;
    p.measure = t.at("measure").get<std::string>();
    p.a = t.at("a").get<std::string>();
    p.b = t.at("b").get<std::string>();
    p.result.n_queries = t.at("n_queries").get<std::size_t>();
    p.result.mean_a = t.at("mean_a").get<double>();
    p.result.mean_b = t.at("mean_b").get<double>();
    p.result.diff = t.at("diff").get<double>();
    p.result.p = t.at("p").get<double>();
    p.p_adjusted = t.at("p_adjusted").get<double>();
    p.result.ci_low = t.at("ci_low").get<double>();
    p.result.ci_high = t.at("ci_high").get<double>();
    p.result.wins = t.at("wins").get<std::size_t>();
    p.result.ties = t.at("ties").get<std::size_t>();
    p.result.losses = t.at("losses").get<std::size_t>();
    p.significant = t.at("significant").get<bool>();
    c.tests.push_back(std::move(p));
  }
  return c;
}

}  // namespace

json to_json(const ModelResult& m) {
  // Run files always live in OUT/runs/: recorded relative to OUT, so a copied folder resolves.
  const std::string run_file =
      m.run_file.empty() ? std::string() : "runs/" + m.run_file.filename().string();
  json j = {{"spec", m.spec},
            {"label", m.label},
            {"card", card_to_json(m.card)},
            {"timings", timings_to_json(m.timings, m.rerank.has_value())},
            {"index_bytes", m.index_bytes},
            {"peak_rss_bytes", m.peak_rss_bytes},
            {"run_file", run_file},
            {"run_checksum", m.run_checksum},
            {"model_files", files_to_json(m.model_files)},
            {"environment", environment_to_json(m.environment)},
            {"headline_interval", interval_to_json(m.headline_interval)},
            {"document_lengths", lengths_to_json(m.document_lengths)},
            {"query_lengths", lengths_to_json(m.query_lengths)},
            {"cached_documents", m.cached_documents},
            {"cached_queries", m.cached_queries},
            {"vocabulary", vocabulary_coverage_to_json(m.vocabulary)},
            {"hybrid", hybrid_to_json(m.hybrid)},
            {"metrics", metrics_to_json(m.metrics)}};
  // Only paid models have a cost: other models' records stay as they were.
  if (m.api_cost) j["api_cost"] = api_cost_to_json(*m.api_cost);
  if (m.rerank) j["rerank"] = rerank_to_json(*m.rerank);
  if (m.cost) j["cost"] = cost_to_json(*m.cost);
  // Likewise only eval --probes adds a "probes" object.
  if (m.probes) j["probes"] = records::probes_to_json(*m.probes);
  return j;
}

ModelResult model_result_from_json(const json& j, const std::string& source,
                                   const std::filesystem::path& base_dir) {
  try {
    ModelResult m;
    m.spec = j.at("spec").get<std::string>();
    m.label = j.at("label").get<std::string>();
    m.card = card_from_json(j.at("card"));
    m.timings = timings_from_json(j.at("timings"));
    m.index_bytes = j.at("index_bytes").get<std::size_t>();
    m.peak_rss_bytes = j.at("peak_rss_bytes").get<std::size_t>();
    const std::filesystem::path run_file = j.at("run_file").get<std::string>();
    m.run_file = run_file.is_absolute() ? run_file : base_dir / run_file;
    m.run_checksum = j.value("run_checksum", "");
    m.model_files = files_from_json(j, "model_files");
    m.environment = environment_from_json(j, "environment");
    m.headline_interval = interval_from_json(j);
    m.metrics = metrics_from_json(j.at("metrics"));
    m.document_lengths = lengths_from_json(j, "document_lengths");
    m.query_lengths = lengths_from_json(j, "query_lengths");
    m.cached_documents = j.value("cached_documents", std::size_t{0});
    m.cached_queries = j.value("cached_queries", std::size_t{0});
    m.vocabulary = vocabulary_coverage_from_json(j, "vocabulary");
    m.hybrid = hybrid_from_json(j);
    m.api_cost = api_cost_from_json(j);
    m.rerank = rerank_from_json(j);
    m.cost = cost_from_json(j);
    if (j.contains("probes") && !j.at("probes").is_null()) {
      m.probes = records::probes_from_json(j.at("probes"));
    }
    return m;
  } catch (const json::exception& e) {
    throw InputError(std::string("not a valid embeval model result: ") + e.what(), source, 0,
                     "delete the file to recompute it");
  }
}

json to_json(const EvaluationResults& r) {
  json models = json::array();
  for (const auto& m : r.models) models.push_back(to_json(m));
  json j = {{"format", kResultsFormat},
            {"version", kResultsVersion},
            {"written_by", environment_to_json(r.written_by)},
            {"dataset",
             {{"name", r.dataset_name},
              {"path", r.dataset_path},
              {"fingerprint", r.dataset_fingerprint},
              {"files", files_to_json(r.dataset_files)},
              {"documents", r.num_documents},
              {"queries", r.num_queries},
              {"judgments", r.num_judgments},
              {"passages", r.num_passages},
              {"scored_documents", r.num_scored_documents},
              {"scored_judgments", r.num_scored_judgments},
              {"load_report", load_report_to_json(r.load_report)}}},
            {"settings",
             {{"k", r.config.k},
              {"run_depth", r.run_depth},
              {"ignore_identical_ids", r.config.ignore_identical_ids},
              {"split", r.config.split},
              {"score_at", score_level_name(r.config.score_at)},
              {"encode_batch", r.config.encode_batch},
              {"evaluation_mode", "complete"}}},
            {"notes", r.notes},
            {"models", std::move(models)}};
  // Only when tested (two models or more): older readers see the file they knew.
  if (r.comparisons) j["comparisons"] = comparisons_to_json(*r.comparisons);
  return j;
}

void write_results_json(const std::filesystem::path& path, const EvaluationResults& results) {
  write_file_atomic(path, to_json(results).dump(1) + "\n");
}

EvaluationResults read_results_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open results file", path.string());
  json j;
  try {
    j = json::parse(in);
  } catch (const json::exception& e) {
    throw InputError(std::string("results file is not valid JSON: ") + e.what(), path.string());
  }
  if (j.value("format", "") != kResultsFormat) {
    throw InputError("not an embeval results file (no \"format\": \"embeval-results\")",
                     path.string());
  }
  const int version = j.value("version", 0);
  if (version < kOldestResultsVersionRead || version > kResultsVersion) {
    throw InputError("results file version " + std::to_string(version) + " is not supported",
                     path.string(), 0,
                     "this embeval reads versions " + std::to_string(kOldestResultsVersionRead) +
                         ".." + std::to_string(kResultsVersion) +
                         "; rerun embeval eval on the same --out to rewrite it");
  }
  EvaluationResults r;
  try {
    const json& d = j.at("dataset");
    r.dataset_name = d.at("name").get<std::string>();
    r.dataset_path = d.at("path").get<std::string>();
    r.dataset_fingerprint = d.at("fingerprint").get<std::string>();
    r.num_documents = d.at("documents").get<std::size_t>();
    r.num_queries = d.at("queries").get<std::size_t>();
    r.num_judgments = d.at("judgments").get<std::size_t>();
    r.load_report = load_report_from_json(d.at("load_report"));
    r.config.k = j.at("settings").at("k").get<std::size_t>();
    r.config.ignore_identical_ids = j.at("settings").at("ignore_identical_ids").get<bool>();
    r.dataset_files = files_from_json(d, "files");
    r.written_by = environment_from_json(j, "written_by");
    const json& settings = j.at("settings");
    // Version 2 had no cap: its runs were as deep as k (or the corpus, if smaller).
    r.run_depth = settings.value("run_depth", std::min(r.config.k, r.num_documents));
    r.config.split = settings.value("split", "test");
    r.config.score_at = settings.value("score_at", std::string("passage")) == "document"
                            ? ScoreLevel::kDocument
                            : ScoreLevel::kPassage;
    r.num_passages = d.value("passages", std::size_t{0});
    r.num_scored_documents = d.value("scored_documents", r.num_documents);
    r.num_scored_judgments = d.value("scored_judgments", r.num_judgments);
    r.config.encode_batch = settings.value("encode_batch", r.config.encode_batch);
    if (j.contains("notes")) r.notes = j.at("notes").get<std::vector<std::string>>();
  } catch (const json::exception& e) {
    throw InputError(std::string("results file is missing a field: ") + e.what(), path.string());
  }
  if (!j.contains("models") || !j.at("models").is_array()) {
    throw InputError("results file has no \"models\" array", path.string());
  }
  const std::filesystem::path base = path.parent_path();
  for (const auto& m : j.at("models")) {
    r.models.push_back(model_result_from_json(m, path.string(), base));
  }
  if (j.contains("comparisons") && !j.at("comparisons").is_null()) {
    try {
      r.comparisons = comparisons_from_json(j.at("comparisons"));
    } catch (const json::exception& e) {
      throw InputError(std::string("results file has a broken \"comparisons\": ") + e.what(),
                       path.string());
    }
  }
  return r;
}

}  // namespace embeval
