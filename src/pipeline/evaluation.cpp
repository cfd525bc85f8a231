#include "embeval/evaluation.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string_view>

#include "embeval/atomic_file.h"
#include "embeval/dataset_encoding.h"
#include "embeval/embedding_cache.h"
#include "embeval/error.h"
#include "embeval/memory_usage.h"
#include "embeval/model_spec.h"
#include "embeval/progress.h"
#include "embeval/registry.h"
#include "embeval/results_json.h"
#include "embeval/run.h"
#include "pipeline/index_factory.h"

namespace embeval {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// FNV-1a, 64 bit: cheap, stable across platforms, good enough to notice a changed dataset.
class Fnv1a {
 public:
  void add(std::string_view s) {
    for (unsigned char c : s) hash_ = (hash_ ^ c) * 1099511628211ull;
    hash_ = (hash_ ^ 0xff) * 1099511628211ull;  // separator so "ab","c" != "a","bc"
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
    return buf;
  }

 private:
  std::uint64_t hash_ = 1469598103934665603ull;
};

// Labels must be unique within one evaluation: they name run files.
std::string unique_label(const ModelSpec& spec, std::set<std::string>& used) {
  std::string base = spec_label(spec);
  std::string label = base;
  for (int n = 2; used.count(label) != 0; ++n) label = base + "-" + std::to_string(n);
  used.insert(label);
  return label;
}

std::optional<ModelResult> load_saved_result(const std::filesystem::path& path,
                                             const std::string& spec,
                                             const std::string& fingerprint, std::size_t k,
                                             bool ignore_identical_ids) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  try {
    const nlohmann::json j = nlohmann::json::parse(in);
    if (j.value("format", "") != "embeval-model-result" || j.value("version", 0) != 1 ||
        j.value("dataset_fingerprint", "") != fingerprint || j.value("k", 0u) != k ||
        j.value("ignore_identical_ids", false) != ignore_identical_ids) {
      return std::nullopt;
    }
    ModelResult r = model_result_from_json(j.at("result"), path.string());
    if (r.spec != spec || !std::filesystem::exists(r.run_file)) return std::nullopt;
    r.resumed = true;
    return r;
  } catch (const std::exception&) {
    return std::nullopt;  // a damaged saved result is recomputed, never trusted
  }
}

void save_result(const std::filesystem::path& path, const ModelResult& r,
                 const std::string& fingerprint, const EvaluationConfig& config) {
  const nlohmann::json j = {{"format", "embeval-model-result"},
                            {"version", 1},
                            {"dataset_fingerprint", fingerprint},
                            {"k", config.k},
                            {"ignore_identical_ids", config.ignore_identical_ids},
                            {"result", to_json(r)}};
  write_file_atomic(path, j.dump(1) + "\n");
}

ModelResult evaluate_model(const Dataset& dataset, const std::vector<std::string>& doc_texts,
                           const ModelSpec& spec, const std::string& label,
                           const MeasureSet& measures, const EvaluationConfig& config) {
  reset_peak_rss();
  std::unique_ptr<Encoder> encoder =
      open_encoder(spec, config.cache_dir, config.encode_batch, EncoderOptions{config.threads});
  const auto* cached = dynamic_cast<const CachedEncoder*>(encoder.get());
  auto cache_hits = [&] { return cached != nullptr ? cached->cache_stats().hits : 0; };
  ModelResult result;
  result.spec = encoder->spec();
  result.label = label;
  result.card = encoder->card();

  // Documents: encode in batches (progress, bounded memory), index as we go.
  std::unique_ptr<Index> index;
  const CorpusEncodingTimes times =
      encode_corpus(*encoder, doc_texts, config.encode_batch, label, [&](EmbeddingBatch&& batch) {
        if (!index) index = make_index_for(batch, spec, config.threads);
        index->add(batch);
      });
  result.timings.fit_s = times.fit_s;
  result.timings.encode_documents_s = times.encode_s;
  result.timings.index_s = times.consume_s;
  result.document_lengths = times.lengths;
  if (!index) throw InputError("the corpus has no documents", dataset.name);
  result.index_bytes = index->memory_bytes();
  result.cached_documents = cache_hits();

  const EmbeddingBatch queries =
      encode_queries(*encoder, dataset, &result.timings.encode_queries_s, &result.query_lengths);
  result.cached_queries = cache_hits() - result.cached_documents;

  // One extra hit per query so that dropping a self-match still leaves k.
  const std::size_t depth = config.k + (config.ignore_identical_ids ? 1 : 0);
  const auto start = Clock::now();
  const SearchResults hits = index->search(queries, depth);
  result.timings.search_s = seconds_since(start);

  const TrecRun run = run_from_results(dataset, hits, config.k, config.ignore_identical_ids, label);
  result.run_file = config.out_dir / "runs" / (label + ".trec");
  write_run(result.run_file, run);

  EvalOptions options;
  options.complete = true;  // a judged query with no hits scores 0, it is not dropped
  result.metrics = evaluate(dataset.qrels, run, measures, options);

  // Throughput counts what the model encoded: texts read back from the cache cost ~nothing.
  const double n_docs = static_cast<double>(doc_texts.size() - result.cached_documents);
  const double n_queries = static_cast<double>(dataset.queries.size());
  if (result.timings.encode_documents_s > 0) {
    result.timings.documents_per_s = n_docs / result.timings.encode_documents_s;
  }
  const double query_time = result.timings.encode_queries_s + result.timings.search_s;
  if (query_time > 0) result.timings.queries_per_s = n_queries / query_time;
  result.peak_rss_bytes = peak_rss_bytes();
  return result;
}

}  // namespace

const std::vector<std::string>& default_eval_measures() {
  static const std::vector<std::string> kMeasures = {
      "ndcg_cut.10,100", "recall.10,100", "recall_cap.100", "mrr_cut.10",
      "map_cut.100",     "P.10",          "recip_rank",     "num_rel_ret"};
  return kMeasures;
}

std::string dataset_fingerprint(const Dataset& dataset) {
  Fnv1a h;
  for (const auto& d : dataset.corpus) {
    h.add(d.id);
    h.add(d.title);
    h.add(d.text);
  }
  for (const auto& q : dataset.queries) {
    h.add(q.id);
    h.add(q.text);
  }
  for (const auto& [qid, docs] : dataset.qrels.judgments) {
    std::vector<std::pair<std::string, int>> sorted(docs.begin(), docs.end());
    std::sort(sorted.begin(), sorted.end());
    h.add(qid);
    for (const auto& [docno, rel] : sorted) {
      h.add(docno);
      h.add(std::to_string(rel));
    }
  }
  return h.hex();
}

EvaluationResults run_evaluation(const Dataset& dataset, const std::filesystem::path& dataset_path,
                                 const EvaluationConfig& config) {
  if (config.model_specs.empty()) {
    throw InputError("no model to evaluate", {}, 0, "add --model bm25 (see embeval eval --help)");
  }
  if (config.k == 0) throw InputError("--k must be at least 1");
  if (dataset.queries.empty()) {
    throw InputError("the dataset has no judged queries", dataset_path.string(), 0,
                     "check qrels/<split>.tsv and the --split you asked for");
  }

  EvaluationResults results;
  results.dataset_name = dataset.name;
  results.dataset_path = dataset_path.string();
  results.dataset_fingerprint = dataset_fingerprint(dataset);
  results.num_documents = dataset.corpus.size();
  results.num_queries = dataset.queries.size();
  results.num_judgments = dataset.qrels.num_judgments();
  results.load_report = dataset.report;
  results.config = config;

  const MeasureSet measures = parse_measures(default_eval_measures());
  // Check every spec before any work (loading no model), so a typo in the third model fails in
  // the first second.
  std::vector<ModelSpec> specs;
  std::vector<std::string> canonical_specs;
  for (const auto& text : config.model_specs) {
    specs.push_back(ModelSpec::parse(text));
    canonical_specs.push_back(check_model_spec(specs.back()));
  }

  const std::vector<std::string> doc_texts = document_texts(dataset.corpus);

  std::set<std::string> used_labels;
  for (std::size_t m = 0; m < specs.size(); ++m) {
    const ModelSpec& spec = specs[m];
    const std::string label = unique_label(spec, used_labels);
    const std::string& canonical = canonical_specs[m];
    const auto saved_path = config.out_dir / "models" / (label + ".json");
    std::optional<ModelResult> saved;
    if (config.resume) {
      saved = load_saved_result(saved_path, canonical, results.dataset_fingerprint, config.k,
                                config.ignore_identical_ids);
    }
    if (saved) {
      std::fprintf(stderr, "%s: reusing saved result %s (use --no-resume to recompute)\n",
                   label.c_str(), saved_path.c_str());
      results.models.push_back(std::move(*saved));
      continue;
    }
    ModelResult r = evaluate_model(dataset, doc_texts, spec, label, measures, config);
    save_result(saved_path, r, results.dataset_fingerprint, config);
    results.models.push_back(std::move(r));
  }
  write_results_json(config.out_dir / "results.json", results);
  return results;
}

}  // namespace embeval
