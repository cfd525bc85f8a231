// The `ann` pipeline: how vector-index choices change one model's retrieval on one dataset.
// dataset -> encoder -> document/query embeddings -> exact oracle + each ANN configuration ->
// recall against exact, nDCG@10 against the qrels (trec_eval semantics), speed, bytes;
// Matryoshka-style truncation and storage precision; posting statistics for sparse models.
// A hybrid (hybrid:METHOD(...)) with exactly one dense component is measured too: the dense
// component goes through the index configurations, and each configuration's run of it is fused
// with the other components' exact runs (AnnResults::hybrid). The CLI's `ann` is a thin wrapper;
// docs/ann.md defines every number.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/metric.h"
#include "embeval/dataset/dataset.h"
#include "embeval/fusion/hybrid_spec.h"
#include "embeval/index/inverted_index.h"
#include "embeval/index/truncated_exact_index.h"  // truncate_and_normalise

namespace embeval {

struct AnnConfig {
  std::string model_spec;                // registry spec of the encoder
  std::vector<std::string> index_specs;  // ann_registry.h specs, in order
  // True when index_specs is the CLI's default list: a sparse-only model then skips it quietly
  // instead of failing.
  bool index_specs_are_default = false;
  bool sweep = false;           // try every sweep_values() search parameter per configuration
  double recall_target = 0.95;  // recall@10 the sweep summary asks for
  int threads = 1;              // threads inside FAISS and the exact oracle (1: comparable)
  std::size_t latency_queries = 1000;   // queries searched one at a time for latency percentiles
  std::vector<std::size_t> truncation;  // dimensions to try; empty = default_truncation_dims
  bool skip_truncation = false;         // no truncation rows at all
  bool precision = true;                // the f32 / f16 / int8 / binary (+ re-scoring) rows
  std::size_t binary_rescore = 10;      // candidates R*k re-ranked in the "binary+rescore" row
  Metric metric = Metric::kInnerProduct;
  std::size_t encode_batch = 4096;
  std::filesystem::path out_dir;    // ann.json
  std::filesystem::path cache_dir;  // embedding cache, as EvaluationConfig::cache_dir (empty: off)
};

// Searching cost of one configuration.
struct SearchCost {
  double batch_queries_per_s = 0;  // all queries in one search() call, k = 100
  double latency_p50_ms = 0;       // queries one at a time, k = 10
  double latency_p95_ms = 0;
  double latency_p99_ms = 0;
  std::size_t latency_queries = 0;  // how many single-query searches the percentiles cover
};

// One measured point: an index configuration at one search-parameter value, a truncation, or a
// storage precision.
struct AnnPoint {
  std::string label;             // table row: "hnsw", "dim 64", "int8", ...
  std::string index_spec;        // canonical spec with the search parameter as measured
  std::string search_parameter;  // "efSearch" | "nprobe" | ""
  std::size_t search_value = 0;
  std::size_t dimension = 0;  // of the vectors indexed
  double recall_at_10 = 0;    // against exact search on the full-precision, full-dim vectors
  double recall_at_100 = 0;
  double ndcg_at_10 = 0;        // trec_eval ndcg_cut_10 of the run, complete mode
  double ndcg_at_10_delta = 0;  // ndcg_at_10 minus exact search's
  SearchCost cost;
  double build_s = 0;             // add() of every document, training included
  std::size_t index_bytes = 0;    // the index structure (serialised FAISS index)
  std::size_t rescore_bytes = 0;  // float32 vectors kept for re-scoring (binary+rescore)
  double bytes_per_vector = 0;    // index_bytes / documents
  bool pareto = false;            // on the recall@10-vs-QPS frontier (sweep)
};

struct SweepSummary {
  double recall_target = 0;
  std::vector<std::size_t> frontier;  // indexes into AnnResults::points, by QPS descending
  std::optional<std::size_t> fastest_meeting_target;   // highest QPS with recall@10 >= target
  std::optional<std::size_t> smallest_meeting_target;  // fewest index bytes, then highest QPS
};

struct SparseSearchCost {
  std::string strategy;    // "maxscore" | "exhaustive"
  std::string index_spec;  // the registry's canonical spec: "inverted?strategy=maxscore"
  SearchCost cost;
};

struct SparseSummary {
  PostingStatistics postings;
  double average_terms_per_query = 0;
  std::size_t longest_query = 0;
  std::vector<std::size_t> longest_lists;  // the 10 longest posting lists, longest first
  std::vector<SparseSearchCost> searches;  // MaxScore, then exhaustive
  double identical_top10_share = 0;        // MaxScore top 10 == exhaustive top 10 (ids, order)
  double ndcg_at_10 = 0;
};

// The hybrid fused with one index configuration's run of its dense component (the other
// components searched exactly, as eval searches them).
struct HybridAnnPoint {
  std::string label;  // the AnnPoint's label ("exact", "hnsw", ...)
  std::string index_spec;
  std::string search_parameter;  // "efSearch" | "nprobe" | ""
  std::size_t search_value = 0;
  double ndcg_at_10 = 0;        // trec_eval ndcg_cut_10 of the fused run, complete mode
  double ndcg_at_10_delta = 0;  // minus the exact-fused run's (the hybrid eval measures)
  double recall_at_10 = 0;      // fused top 10 against the exact-fused top 10, mean over queries
};

struct HybridAnnSummary {
  std::string spec;                     // canonical hybrid spec
  std::vector<std::string> components;  // as written in the spec, in order
  std::size_t dense_component = 0;      // index into components
  double exact_ndcg_at_10 = 0;          // the hybrid fused from exact dense search
  std::vector<HybridAnnPoint> points;   // one per AnnResults::points, in the same order
};

struct AnnResults {
  std::string dataset_name;
  std::string dataset_fingerprint;
  std::size_t num_documents = 0;
  std::size_t num_queries = 0;
  std::string model_spec;  // canonical
  ModelCard card;
  std::size_t dimension = 0;  // 0 for sparse-only models
  std::string metric;
  int threads = 1;
  double encode_documents_s = 0;
  double encode_queries_s = 0;
  std::optional<AnnPoint> exact;  // the oracle's own row (recall 1 by definition)
  // The exact oracle's row first (a configuration like the others: it competes in the sweep),
  // then one per index configuration x search parameter.
  std::vector<AnnPoint> points;
  std::vector<AnnPoint> truncation;
  std::vector<AnnPoint> precision;
  std::optional<SweepSummary> sweep;
  std::optional<SparseSummary> sparse;
  // For a hybrid spec: the fused rows. model_spec, points, truncation and precision are then
  // the dense component's.
  std::optional<HybridAnnSummary> hybrid;
  std::vector<std::string> notes;  // rows skipped and why
};

// The index list `ann` builds when none is given (binary?pad=1: a dimension that is not a multiple
// of 8 still gets its binary row). Entries that do not fit the data are adapted or skipped with a
// note (AnnConfig::index_specs_are_default), never an error.
[[nodiscard]] const std::vector<std::string>& default_ann_index_specs();

// Runs everything `config` asks for and writes OUTDIR/ann.json (format docs/ann.md). InputError
// for bad specs, index parameters or truncations that do not fit the data (checked before any
// encoding when the model card gives the dimension), or models producing neither dense nor
// sparse output.
[[nodiscard]] AnnResults run_ann_evaluation(const Dataset& dataset, const AnnConfig& config);

// The one check of a hybrid `ann` can measure (docs/fusion.md, "Hybrid models and ann"):
// InputError for a hybrid tuned by cv= or tune= (ann fuses with fixed settings), or one whose
// components' card families (ModelCard::family, in spec order) hold no dense model or more than
// one (ann varies one dense model's index), or a component that is neither dense nor sparse.
// Returns the dense component's index. run_ann_evaluation() calls it before any encoding.
[[nodiscard]] std::size_t refuse_hybrid_in_ann(const HybridSpec& spec,
                                               const std::vector<std::string>& component_families);

// Pareto frontier of (recall@10 up, QPS up) over `points`, and the cheapest points meeting
// `recall_target` (AnnPoint::pareto is set on frontier points).
[[nodiscard]] SweepSummary summarise_sweep(std::vector<AnnPoint>& points, double recall_target);

// Default truncation dimensions for a `dim`-dimensional model: 32, 64, 128, ... below dim, then
// dim itself.
[[nodiscard]] std::vector<std::size_t> default_truncation_dims(std::size_t dim);

}  // namespace embeval
