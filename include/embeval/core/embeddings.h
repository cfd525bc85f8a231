// The data that flows from an encoder into an index. Layouts are stated once here:
//  * DenseMatrix: `rows x cols` float32, row-major (row i starts at data[i * cols]).
//  * SparseMatrix: CSR. Row i holds the (term id, weight) pairs
//    indices[indptr[i] .. indptr[i+1]) / values[...], term ids strictly increasing per row,
//    every id < dim. indptr has rows + 1 entries and indptr[0] == 0.
//  * MultiVectorMatrix: several dense rows per text (chunks of a long document, or per-token
//    vectors). Text i owns rows offsets[i] .. offsets[i+1] of `vectors`; offsets has texts + 1
//    entries, offsets[0] == 0, and never decreases (a text may own zero rows).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace embeval {

struct DenseMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<float> data;  // rows * cols

  DenseMatrix() = default;
  DenseMatrix(std::size_t r, std::size_t c) : rows(r), cols(c), data(r * c, 0.0f) {}
  float* row(std::size_t i) { return data.data() + i * cols; }
  const float* row(std::size_t i) const { return data.data() + i * cols; }
};

struct SparseMatrix {
  std::size_t rows = 0;
  std::size_t dim = 0;                   // vocabulary size: every term id is < dim
  std::vector<std::uint64_t> indptr{0};  // rows + 1
  std::vector<std::uint32_t> indices;    // term ids, increasing within a row
  std::vector<float> values;             // weights, parallel to indices

  std::size_t nnz() const { return indices.size(); }
  std::span<const std::uint32_t> row_indices(std::size_t i) const {
    return {indices.data() + indptr[i], indices.data() + indptr[i + 1]};
  }
  std::span<const float> row_values(std::size_t i) const {
    return {values.data() + indptr[i], values.data() + indptr[i + 1]};
  }
  // Appends one row; `ids` must be strictly increasing and < dim.
  void append_row(std::span<const std::uint32_t> ids, std::span<const float> weights);
};

// Row i of `a` against row j of `b` (sparse weights, e.g. BM25 or BGE-M3 query vectors), summed
// in double: the dot product over shared term ids and each row's squared norm. What a cosine of
// two sparse rows needs; the callers decide how to treat zero rows.
struct SparseRowProducts {
  double dot = 0;
  double aa = 0;
  double bb = 0;
};
[[nodiscard]] SparseRowProducts sparse_row_products(const SparseMatrix& a, std::size_t i,
                                                    const SparseMatrix& b, std::size_t j);

struct MultiVectorMatrix {
  DenseMatrix vectors;                  // all rows of all texts, text by text
  std::vector<std::size_t> offsets{0};  // texts + 1

  std::size_t texts() const { return offsets.size() - 1; }
};

// What an encoder returns for a batch of texts: any of the representations it produces.
// Each present representation has one row per input text, in input order.
struct EmbeddingBatch {
  std::optional<DenseMatrix> dense;
  std::optional<SparseMatrix> sparse;
  std::optional<MultiVectorMatrix> multi;  // e.g. one row per window of a long document
};

}  // namespace embeval
