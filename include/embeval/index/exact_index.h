// Exact (brute-force) dense search: the oracle every ANN index is tested against.
// Layouts (see embeddings.h, index.h): base `n x d` and queries `nq x d` row-major float32;
// results `nq x k`, best first. Scores are always "larger is better" (see metric.h).
// Ties are broken by smaller base id, independent of blocking and thread count.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "embeval/core/embeddings.h"
#include "embeval/core/index.h"
#include "embeval/core/metric.h"

namespace embeval {

struct ExactKnnOptions {
  int threads = 1;  // worker threads (>= 1); 0 = all hardware threads
  // Block sizes of the score tile (queries x base rows) computed by one SGEMM call. The results
  // do not depend on them; they exist for tuning and for tests. 0 = the tuned default.
  std::size_t query_block = 0;
  std::size_t base_block = 0;
  bool progress = false;  // report progress on stderr (embeval::Progress)
  // What errors call the inputs (file paths when they come from files).
  std::string base_name = "base vectors";
  std::string queries_name = "query vectors";
};

// Top-k base rows for each query row under `metric`.
// Throws InputError when base.cols != queries.cols (unless base is empty), when any value is
// NaN or infinite (the message names "base" or "query" and the 0-based row), or when finite
// vectors are so large that a score overflows float32 (the message names the query row, the
// base row and both inputs): never a ranking of infinite ties.
// Cosine scores are clamped to [-1, 1] (float rounding of unit vectors can pass 1 by ulps).
// k may exceed base.rows: rows are padded with id -1 / score -inf (the caller allocates
// nq x k for that; the search itself holds at most base.rows per query). k == 0: empty rows.
// Thread-safe: reads its inputs only. It runs OpenBLAS single-threaded inside its own workers
// (temporarily setting the process-wide OpenBLAS thread count to 1).
[[nodiscard]] SearchResults exact_knn(const DenseMatrix& base, const DenseMatrix& queries,
                                      std::size_t k, Metric metric, const ExactKnnOptions& options);
[[nodiscard]] inline SearchResults exact_knn(const DenseMatrix& base, const DenseMatrix& queries,
                                             std::size_t k, Metric metric, int threads) {
  ExactKnnOptions options;
  options.threads = threads;
  return exact_knn(base, queries, k, metric, options);
}

// Index over the dense representation of the batches it is given, searched with exact_knn.
class ExactDenseIndex : public Index {
 public:
  explicit ExactDenseIndex(Metric metric, int threads = 1);

  // Appends batch.dense rows. Throws InputError when the batch has no dense part, a dimension
  // different from earlier batches, or non-finite values.
  void add(const EmbeddingBatch& documents) override;
  // Throws InputError when queries.dense is missing or its dimension differs from the documents'.
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return base_.rows; }
  std::size_t memory_bytes() const override;

  Metric metric() const { return metric_; }
  const DenseMatrix& vectors() const { return base_; }

 private:
  Metric metric_;
  int threads_;
  DenseMatrix base_;
};

}  // namespace embeval
