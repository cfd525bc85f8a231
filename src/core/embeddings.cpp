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

SparseRowProducts sparse_row_products(const SparseMatrix& a, std::size_t i, const SparseMatrix& b,
                                      std::size_t j) {
  const auto ia = a.row_indices(i), ib = b.row_indices(j);
  const auto va = a.row_values(i), vb = b.row_values(j);
  SparseRowProducts p;
  for (const float v : va) p.aa += static_cast<double>(v) * v;
  for (const float v : vb) p.bb += static_cast<double>(v) * v;
  for (std::size_t x = 0, y = 0; x < ia.size() && y < ib.size();) {  // term ids increase
    if (ia[x] < ib[y]) {
      ++x;
    } else if (ib[y] < ia[x]) {
      ++y;
    } else {
      p.dot += static_cast<double>(va[x++]) * vb[y++];
    }
  }
  return p;
}

}  // namespace embeval
