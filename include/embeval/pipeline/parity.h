// The parity check: do two encoders of the same model (a GGUF file at f16 and at q8_0, a local
// file and the same model behind a server, a server before and after an upgrade) give the same
// vectors and the same rankings on a dataset? `embeval parity` prints what this computes;
// docs/parity.md has every definition with an example.
//
// For every text (each corpus document, each query), encoded once by A and once by B with the
// same role:
//  * cosine(A's vector, B's vector), in double; both zero counts as 1, one zero as 0. Summarised
//    per role as min, p1, median (numpy's default linear interpolation between order
//    statistics) and mean. Needs equal dimensions: when they differ there are no cosines, a note
//    says so, and the ranking figures are still computed.
//  * top-10 overlap per query: |top_A ∩ top_B| / k with k = min(10, documents), each model's
//    exact top-k under the inner product (ties to the smaller document row); mean and min.
//  * nDCG@10 per judged query (trec_eval's ndcg_cut_10; a query without hits scores 0) for each
//    model, and the paired difference A - B with a 95% Student t interval (eval/significance.h).
// Dense vectors are L2-normalised before searching (as `eval` scores them); sparse vectors
// (bm25) are searched as the model gives them. A model keeping several vectors per text
// (chunk_agg=max) is refused with InputError. A corpus-fitted model (bm25, static tfidf|sif) is
// fitted on the corpus first, as `eval` does. Not thread-safe across calls on one encoder.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/eval/significance.h"

namespace embeval {

struct ParityConfig {
  std::string model_a;  // registry spec strings (models/registry.h)
  std::string model_b;
  std::filesystem::path dataset_dir;  // a BEIR folder (dataset/dataset.h)
  std::string split = "test";
  // 0: every text. Otherwise the first N documents and the first N queries (dataset order), and
  // only the judgments between them: both models see the same smaller dataset.
  std::size_t max_texts = 0;
  std::size_t threads = 0;  // encoder and search threads; 0: physical cores
};

// Cosines between the two models' vectors of one role's texts.
struct CosineSummary {
  std::size_t texts = 0;
  double min = 0;
  double p1 = 0;  // 1st percentile
  double median = 0;
  double mean = 0;
};

struct ParityResult {
  std::string dataset;  // the dataset's name
  std::string spec_a;   // canonical specs (the encoders' spec())
  std::string spec_b;
  std::size_t dim_a = 0;  // vector dimension (sparse: vocabulary size)
  std::size_t dim_b = 0;
  std::size_t documents = 0;
  std::size_t queries = 0;
  std::optional<CosineSummary> document_cosine;  // absent when the dimensions differ
  std::optional<CosineSummary> query_cosine;
  std::size_t overlap_k = 0;  // min(10, documents)
  double overlap_mean = 0;    // over every query
  double overlap_min = 0;
  PairedTestResult ndcg;  // a = nDCG@10 of model A, b = of model B, over the judged queries
  std::vector<std::string> notes;  // dimension mismatch, a subset, zero vectors
};

// Loads the dataset, opens both encoders, encodes every text with each (progress on stderr) and
// computes the figures above. InputError: bad specs (checked before anything loads), a bad
// dataset, no documents or no queries, a model with several vectors per text, dense against
// sparse vectors.
[[nodiscard]] ParityResult run_parity(const ParityConfig& config);

// The summary statistics of `values` (non-empty) as defined above.
[[nodiscard]] CosineSummary summarize_cosines(std::vector<double> values);

// The JSON record of `result` (docs/parity.md), pretty-printed, newline-terminated:
// {"format": "embeval-parity", "version": 1, "dataset", "a", "b", "documents", "queries",
// "cosine": {"documents": {...} | null, "queries": {...} | null}, "top_overlap": {"k", "mean",
// "min"}, "ndcg_cut_10": {"n_queries", "a", "b", "diff", "ci_low", "ci_high"}, "notes": [...]}.
[[nodiscard]] std::string parity_json(const ParityResult& result);

}  // namespace embeval
