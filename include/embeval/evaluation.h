// The `eval` pipeline: dataset -> encoder -> index -> run -> metrics, for several models, with
// timings, memory and resumable per-model results. The CLI's `eval` and `demo` are thin wrappers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/dataset.h"
#include "embeval/encoder.h"
#include "embeval/metrics.h"

namespace embeval {

struct EvaluationConfig {
  std::vector<std::string> model_specs;  // registry spec strings, evaluated in order
  std::size_t k = 100;                   // depth of each run
  bool ignore_identical_ids = false;     // drop a hit whose doc id equals the query id
  std::filesystem::path out_dir;         // runs/<label>.trec, models/<label>.json, results.json
  bool resume = true;  // reuse a model's saved result when spec and dataset fingerprint match
  std::size_t encode_batch = 4096;  // documents per encode() call (progress granularity)
  // Embeddings of families that ask for it (EncoderKind::cache_embeddings) are kept here, keyed
  // by model file and spec, so an interrupted or repeated run does not encode twice. Empty: off.
  std::filesystem::path cache_dir;
  std::size_t threads = 0;  // encoder and search threads (--threads); 0 = physical cores
};

// Wall-clock seconds per stage; throughput derived from them.
struct StageTimings {
  double fit_s = 0;  // corpus statistics (BM25 IDF, SIF weights, ...)
  double encode_documents_s = 0;
  double index_s = 0;  // adding document embeddings to the index
  double encode_queries_s = 0;
  double search_s = 0;
  double documents_per_s = 0;  // documents encoded (not from cache) / encode_documents_s
  double queries_per_s = 0;    // queries / (encode_queries_s + search_s)
};

struct ModelResult {
  std::string spec;   // canonical spec (rebuilds the encoder)
  std::string label;  // file-name-safe, unique within one evaluation
  ModelCard card;
  StageTimings timings;
  std::size_t index_bytes = 0;
  std::size_t peak_rss_bytes = 0;  // process peak while this model ran (0 if unknown)
  std::filesystem::path run_file;
  EvalResult metrics;    // complete mode: every judged query counts
  bool resumed = false;  // loaded from an earlier run rather than computed
  // Models with a context window (TokenBudgetEncoder): what happened to long texts.
  std::optional<LengthReport> document_lengths;
  std::optional<LengthReport> query_lengths;
  std::size_t cached_documents = 0;  // document embeddings read from the cache, not encoded
  std::size_t cached_queries = 0;
};

struct EvaluationResults {
  std::string dataset_name;
  std::string dataset_path;
  std::string dataset_fingerprint;  // hash of ids, texts and judgments
  std::size_t num_documents = 0;
  std::size_t num_queries = 0;
  std::size_t num_judgments = 0;
  LoadReport load_report;
  EvaluationConfig config;
  std::vector<ModelResult> models;
};

// The measures every evaluation reports (trec_eval names), in table order.
const std::vector<std::string>& default_eval_measures();

// Runs every model in config.model_specs on `dataset`. Writes run files and per-model results as
// each model finishes, then OUTDIR/results.json. Throws InputError for bad specs or when a model
// cannot handle the dataset.
[[nodiscard]] EvaluationResults run_evaluation(const Dataset& dataset,
                                               const std::filesystem::path& dataset_path,
                                               const EvaluationConfig& config);

// Hash of everything that changes the numbers: ids, titles, texts, queries and judgments.
[[nodiscard]] std::string dataset_fingerprint(const Dataset& dataset);

}  // namespace embeval
