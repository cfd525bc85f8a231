#include "embeval/index/exact_index.h"

#include <cmath>
#include <string>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"

namespace embeval {

ExactDenseIndex::ExactDenseIndex(Metric metric, int threads) : metric_(metric), threads_(threads) {}

void ExactDenseIndex::add(const EmbeddingBatch& documents) {
  if (!documents.dense) {
    throw InputError("exact dense index: document batch has no dense vectors", {}, 0,
                     "use a dense encoder, or an inverted index for sparse models");
  }
  const DenseMatrix& batch = *documents.dense;
  if (batch.rows == 0) return;
  if (base_.rows > 0 && batch.cols != base_.cols) {
    throw InputError("exact dense index: batch has " + std::to_string(batch.cols) +
                         " dimensions, earlier documents have " + std::to_string(base_.cols),
                     {}, 0, "encode every document with the same model");
  }
  if (const auto at = find_non_finite(batch)) {
    throw InputError("exact dense index: document " + std::to_string(base_.rows + at->row) +
                         " (0-based) holds a NaN or infinite value",
                     {}, 0, "vectors must be finite");
  }
  base_.cols = batch.cols;
  base_.data.insert(base_.data.end(), batch.data.begin(), batch.data.end());
  base_.rows += batch.rows;
}

SearchResults ExactDenseIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  if (!queries.dense) {
    throw InputError("exact dense index: query batch has no dense vectors", {}, 0,
                     "encode queries with the same dense model as the documents");
  }
  return exact_knn(base_, *queries.dense, k, metric_, threads_);
}

std::size_t ExactDenseIndex::memory_bytes() const {
  return sizeof(*this) + base_.data.capacity() * sizeof(float);
}

}  // namespace embeval
