// The `eval` pipeline: dataset -> encoder -> index -> run -> metrics, for several models, with
// timings, memory and resumable per-model results. The CLI's `eval` and `demo` are thin wrappers.
//
// The output folder is the record: OUT/runs/<label>.trec (one TREC run per model),
// OUT/models/<label>.json (each model's result with the key it was computed under) and
// OUT/results.json (every model of the folder that was computed on this dataset with these
// settings, merged across invocations; docs/results-format.md).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/metered_encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/dataset/dataset.h"
#include "embeval/encoders/vocabulary_coverage.h"
#include "embeval/eval/metrics.h"
#include "embeval/eval/statistics.h"
#include "embeval/fusion/fusion_tuning.h"
#include "embeval/fusion/hybrid_spec.h"
#include "embeval/pipeline/cost_model.h"
#include "embeval/pipeline/model_comparisons.h"
#include "embeval/probe/model_probes.h"

namespace embeval {

// What a run ranks (docs/chunking.md). kPassage: the corpus records as they are (passages of a
// chunked dataset, or whole documents). kDocument: the documents the records belong to (a
// passage's metadata "parent", else the record itself), each scored by its best passage and
// judged by document_qrels() (a document's grade: the highest of its passages').
enum class ScoreLevel { kPassage, kDocument };
[[nodiscard]] const char* score_level_name(ScoreLevel level);  // "passage" | "document"

struct EvaluationConfig {
  std::vector<std::string> model_specs;  // registry spec strings, evaluated in order
  std::size_t k = 100;                   // depth of each run (capped at the corpus size)
  bool ignore_identical_ids = false;     // drop a hit whose doc id equals the query id
  std::filesystem::path out_dir;         // runs/<label>.trec, models/<label>.json, results.json
  bool resume = true;  // reuse a saved result when everything it was computed from matches
  std::size_t encode_batch = 4096;  // documents per encode() call (progress granularity)
  // Embeddings of families that ask for it (EncoderKind::cache_embeddings) are kept here, keyed
  // by model file and spec, so an interrupted or repeated run does not encode twice. Empty: off.
  std::filesystem::path cache_dir;
  std::string split = "test";  // which qrels/<split>.tsv the dataset came from (checksummed)
  std::size_t threads = 0;     // encoder and search threads (--threads); 0: physical cores
  ScoreLevel score_at = ScoreLevel::kPassage;  // --score-at
  // --rerank: reranker specs (models/reranker_registry.h). Each re-scores the top `top` documents
  // of every first-stage model's run, giving one more result per (model, reranker) pair.
  std::vector<std::string> rerank_specs;
  // --tune-on: hybrids that fix neither weights, k nor cv are tuned on qrels/<tune_split>.tsv
  // (their spec gains tune=SPLIT). Their components run on that split's queries in
  // OUT/tune-SPLIT/ (a results folder of its own). Must differ from `split`. "": off.
  std::string tune_split;
  // After the last model: every pair of the folder's models tested (results.json "comparisons").
  SignificanceSettings significance;
  CostSettings cost;  // each model's cost (results.json "cost"), from these flags
  // --probes: the cheap probes run on each model right after its run, on the same encoder and
  // index (model_probes.h). Empty kinds: none. A saved result is reused only when it carries
  // probes computed with these same settings.
  ModelProbeSettings probes;
};

// Wall-clock seconds per stage; throughput derived from them.
struct StageTimings {
  double load_s = 0;  // building the encoder: reading the model file (GGUF, word vectors)
  double fit_s = 0;   // corpus statistics (BM25 IDF, SIF weights, ...)
  double encode_documents_s = 0;
  double index_s = 0;  // adding document embeddings to the index
  double encode_queries_s = 0;
  double search_s = 0;
  double rerank_s = 0;  // reranked results: scoring the (query, document) pairs (load in load_s)
  double documents_per_s = 0;  // documents encoded (not from cache) / encode_documents_s
  double queries_per_s = 0;    // queries / (encode_queries_s + search_s + rerank_s)
  // Everything the model cost from loading to its run: load + fit + encode + index + search
  // (+ rerank).
  double total_s() const {
    return load_s + fit_s + encode_documents_s + index_s + encode_queries_s + search_s + rerank_s;
  }
};

// A file a result depends on: where it was (relative to the results folder when inside it,
// absolute otherwise) and its content fingerprint (file_fingerprint(): "<size>-<crc32>").
struct FileRecord {
  std::string path;
  std::string fingerprint;
  bool operator==(const FileRecord&) const = default;
};

// Where and how a result was computed.
struct RunEnvironment {
  std::string embeval_version;
  std::string time_utc;              // ISO 8601, e.g. "2026-12-02T04:40:00Z"
  std::string cpu_model;             // /proc/cpuinfo "model name", "unknown" elsewhere
  std::size_t threads = 0;           // encoder threads (--threads resolved: 0 -> physical cores)
  std::size_t hardware_threads = 0;  // std::thread::hardware_concurrency()
  std::string llama_threads_env;     // $EMBEVAL_LLAMA_THREADS ("" when unset)
  bool ci = false;                   // $CI == "true"
};

// What a hybrid model (hybrid_spec.h) was fused from, and what cross-validation chose.
struct HybridRecord {
  std::vector<std::string> component_labels;  // runs/<label>.trec of each component, in order
  double fusion_s = 0.0;                      // reading the component runs, fusing (and tuning)
  std::string tuned_measure;                  // cv: the measure optimised; "" when not tuned
  std::vector<FoldChoice> folds;              // cv: each fold's choice, in fold order
  // tune=SPLIT (--tune-on): the split tuned on, its one choice in `folds` (fold 0: train_queries
  // judged in SPLIT, test_queries judged in the evaluated split), and the queries judged in both
  // splits (leakage: their scores here were seen by the tuning).
  std::string tune_split;
  std::vector<std::string> queries_in_both_splits;
};

// What a paid model (a MeteredEncoder: openai:...) cost in this invocation, and what encoding a
// million documents like this corpus's would cost (docs/results-format.md, "api_cost").
struct ApiCost {
  ApiUsage usage;             // requests and tokens of this invocation (cache hits free)
  std::string tokens_source;  // "server" (usage.prompt_tokens), "estimate", "server+estimate"
  std::size_t documents_encoded = 0;        // documents sent (not read from the cache)
  std::size_t document_tokens = 0;          // their tokens, as usage counted them
  double mean_document_tokens = 0;          // per document of this corpus
  std::string mean_document_tokens_source;  // "server" | "estimate" (bytes / 4, when none sent)
  std::optional<double> cost_usd;           // usage.tokens() * price_per_mtok / 1e6
  std::optional<double> usd_per_million_documents;  // mean_document_tokens * price_per_mtok
};

// A first-stage run re-scored by a reranker (`eval --rerank`, docs/reranking.md): each query's
// first `top` documents ordered by the reranker's score, the rest after them in their
// first-stage order. The result's timings are the first stage's plus the reranker's load
// (load_s) and scoring (rerank_s).
struct RerankRecord {
  std::string first_stage_label;    // runs/<label>.trec that was re-scored
  std::string first_stage_spec;     // its canonical spec
  std::string reranker_spec;        // canonical (check_reranker_spec)
  std::string reranker_label;       // spec_label of the reranker: the table shows "first -> this"
  std::size_t top = 0;              // documents re-scored per query at most
  std::size_t queries = 0;          // queries re-scored
  std::size_t pairs = 0;            // (query, document) pairs scored
  std::size_t truncated_pairs = 0;  // pairs cut to the reranker's context window
  double load_s = 0;                // building the reranker (also in timings.load_s)
  double rerank_s = 0;              // scoring every pair (also timings.rerank_s)
  double pairs_per_s = 0;           // pairs / rerank_s
  std::size_t requests = 0;         // served rerankers: HTTP requests, retries included
  std::size_t retries = 0;
  std::size_t tokens = 0;          // tokens read (the model's count, the server's, or an estimate)
  std::string tokens_source;       // "model" | "server" | "estimate" | "server+estimate" | "none"
  std::optional<double> cost_usd;  // served rerankers with price_per_mtok
};

struct ModelResult {
  std::string spec;   // canonical spec: the encoder's spec() (rebuilds the encoder)
  std::string label;  // file-name-safe, unique within the results folder
  ModelCard card;
  StageTimings timings;
  std::size_t index_bytes = 0;
  std::size_t peak_rss_bytes = 0;       // process peak while this model ran (0 if unknown)
  std::filesystem::path run_file;       // in memory: OUT/runs/<label>.trec; on disk: relative
  std::string run_checksum;             // file_fingerprint() of the run file as written
  std::vector<FileRecord> model_files;  // every file the model reads, with its fingerprint
  RunEnvironment environment;           // when, where, by which embeval it was computed
  EvalResult metrics;                   // complete mode: every judged query counts
  // bootstrap_interval() of headline_measure(): the interval the table prints. Always set by
  // run_evaluation(); empty only in results read from a version 2 file.
  std::optional<MeasureInterval> headline_interval;
  bool resumed = false;  // loaded from an earlier run rather than computed
  // Models with a context window (TokenBudgetEncoder): what happened to long texts.
  std::optional<LengthReport> document_lengths;
  std::optional<LengthReport> query_lengths;
  std::size_t cached_documents = 0;  // document embeddings read from the cache, not encoded
  std::size_t cached_queries = 0;
  std::optional<VocabularyCoverage> vocabulary;  // word-vector models: dropped words, OOV rate
  // Hybrid models: the components fused. Their timings, index bytes and peak memory are the
  // sums (peak: the maximum) of the components', plus the fusion in search_s.
  std::optional<HybridRecord> hybrid;
  std::optional<ApiCost> api_cost;     // paid models: requests, tokens, USD
  std::optional<RerankRecord> rerank;  // a reranked first-stage run (--rerank)
  // The cost estimate (cost_model.h) under this invocation's flags; recomputed for every model
  // of the folder after the last one ran, not part of the saved per-model record.
  std::optional<ModelCost> cost;

  // What the table prints: the label, or "<first stage> -> <reranker>" for a reranked run.
  [[nodiscard]] std::string display_name() const {
    return rerank ? rerank->first_stage_label + " -> " + rerank->reranker_label : label;
  }
  // eval --probes: robustness, tokenizer factors, hubness, with the spec, seed and the dataset's
  // provenance (docs/results-format.md, "probes"). Hybrids record every probe as skipped.
  std::optional<ModelProbes> probes;
};

struct EvaluationResults {
  std::string dataset_name;
  std::string dataset_path;         // relative to the results folder when inside it, else absolute
  std::string dataset_fingerprint;  // hash of ids, texts and judgments
  std::vector<FileRecord> dataset_files;  // corpus, queries, qrels (paths as dataset_path)
  std::size_t num_documents = 0;
  std::size_t num_queries = 0;
  std::size_t num_judgments = 0;
  std::size_t num_passages = 0;          // corpus records whose metadata names a parent
  std::size_t num_scored_documents = 0;  // what runs rank: records, or their parents (score_at)
  std::size_t num_scored_judgments = 0;  // judgments the measures use (document_qrels at kDocument)
  LoadReport load_report;
  EvaluationConfig config;    // k as requested (measure cutoffs), ignore_identical_ids, ...
  std::size_t run_depth = 0;  // entries per query at most: min(k, num_scored_documents)
  RunEnvironment written_by;  // the invocation that wrote this results.json
  // Every model of the folder computed on this dataset with these settings: this invocation's
  // models in the order asked, then earlier invocations' (by label).
  std::vector<ModelResult> models;
  std::vector<std::string> notes;  // one line per decision: duplicates, labels, left-out records
  // Every pair of `models` tested, once all have run (absent: fewer than two models or
  // queries, or --no-significance).
  std::optional<ModelComparisons> comparisons;
  // What this invocation recomputed and why (a changed model file, a run without its record).
  // Printed and returned but not written to results.json: the file must be the same whether or
  // not an earlier run was interrupted.
  std::vector<std::string> resume_notes;
};

// The measures an evaluation at depth `k` reports (trec_eval names): cutoffs 10 and 100, each
// lowered to k when k is smaller, so a label never claims a depth the run does not have.
[[nodiscard]] std::vector<std::string> eval_measures(std::size_t k);

// The measure the results table prints with its confidence interval, and results.json records
// the interval of: nDCG at min(10, k), k as requested (EvaluationConfig::k).
[[nodiscard]] std::string headline_measure(std::size_t k);

// A model as the evaluation will run it, decided before any work.
struct PlannedModel {
  ModelSpec spec;         // as parsed (a hybrid: scheme "hybrid", its canonical spec in path)
  std::string canonical;  // check_model_spec(): equal specs evaluate once
  std::string label;      // names runs/<label>.trec and models/<label>.json
  // A hybrid spec (hybrid:METHOD(...)): fused from its components' runs, which the plan
  // evaluates first (they are planned models too), never encoded itself.
  std::optional<HybridSpec> hybrid;
  std::vector<std::string> component_labels;  // hybrid: the components' labels, in order
  // A reranked run (--rerank): the first stage's label (planned before it) and the reranker.
  struct Rerank {
    std::string first_stage_label;
    std::string first_stage_canonical;
    ModelSpec reranker;              // as parsed
    std::string reranker_canonical;  // check_reranker_spec()
    std::string reranker_label;      // spec_label(reranker)
    std::size_t top = 0;
  };
  std::optional<Rerank> rerank;
};

struct EvaluationPlan {
  std::vector<PlannedModel> models;
  std::vector<std::string> notes;  // duplicates dropped, labels shortened
};

// Checks everything that can be checked without the dataset or a model: k, every spec and
// reranker spec (no model is loaded), labels (length and characters), and that config.out_dir is a
// writable directory (creating it). Equal canonical specs are planned once, with a note. A model
// keeps the label its canonical spec already has in OUT/models/. Every reranker follows every
// first-stage model (labels "<first>_rerank_<reranker>"). Throws InputError.
[[nodiscard]] EvaluationPlan plan_evaluation(const EvaluationConfig& config);

// Runs every planned model on `dataset`. Writes each run and its record as the model finishes
// and keeps OUT/results.json current after each step (a record that a recomputation will replace
// is removed first, so results.json never describes a run file that is not on disk). Throws
// InputError for bad specs or when a model cannot handle the dataset.
[[nodiscard]] EvaluationResults run_evaluation(const Dataset& dataset,
                                               const std::filesystem::path& dataset_path,
                                               const EvaluationConfig& config);

// Hash of everything that changes the numbers: ids, titles, texts, queries and judgments.
[[nodiscard]] std::string dataset_fingerprint(const Dataset& dataset);

// The longest label plan_evaluation() gives (bytes): room for "-NN", ".json" and a temp suffix
// within a 255-byte file name.
inline constexpr std::size_t kMaxLabelBytes = 200;

}  // namespace embeval
