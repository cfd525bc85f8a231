#include "embeval/index/truncated_exact_index.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"

namespace embeval {

DenseMatrix truncate_and_normalise(const DenseMatrix& m, std::size_t dims) {
  EMBEVAL_CHECK(dims <= m.cols, "truncate_and_normalise: more dimensions than the matrix has");
  DenseMatrix out(m.rows, dims);
  for (std::size_t r = 0; r < m.rows; ++r) std::copy_n(m.row(r), dims, out.row(r));
  normalize_rows(out);
  return out;
}

TruncatedExactIndex::TruncatedExactIndex(std::size_t dims, Metric metric, int threads)
    : dims_(dims), exact_(metric, threads) {}

EmbeddingBatch TruncatedExactIndex::truncated(const EmbeddingBatch& batch, const char* what) const {
  EmbeddingBatch out;
  if (!batch.dense) return out;  // ExactDenseIndex names the missing dense part
  if (batch.dense->cols < dims_) {
    throw InputError(std::string(what) + " vectors have " + std::to_string(batch.dense->cols) +
                         " dimensions, fewer than the " + std::to_string(dims_) + " to truncate to",
                     {}, 0, "pick dim at most the model's dimension, or dim=auto");
  }
  out.dense = truncate_and_normalise(*batch.dense, dims_);
  return out;
}

void TruncatedExactIndex::add(const EmbeddingBatch& documents) {
  if (dims_ == 0) return exact_.add(documents);
  exact_.add(truncated(documents, "document"));
}

SearchResults TruncatedExactIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  if (dims_ == 0) return exact_.search(queries, k);
  return exact_.search(truncated(queries, "query"), k);
}

}  // namespace embeval
