#include "embeval/core/embeddings.h"

#include "embeval/core/error.h"

namespace embeval {

void SparseMatrix::append_row(std::span<const std::uint32_t> ids, std::span<const float> weights) {
  EMBEVAL_CHECK(ids.size() == weights.size(), "sparse row: ids and weights differ in length");
  for (std::size_t j = 0; j < ids.size(); ++j) {
    EMBEVAL_CHECK(ids[j] < dim, "sparse row: term id out of range");
    EMBEVAL_CHECK(j == 0 || ids[j - 1] < ids[j], "sparse row: term ids must increase");
  }
  indices.insert(indices.end(), ids.begin(), ids.end());
  values.insert(values.end(), weights.begin(), weights.end());
  indptr.push_back(indices.size());
  ++rows;
}

}  // namespace embeval
