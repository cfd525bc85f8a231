// The parity check's arithmetic on vectors and rankings (run_parity in parity.cpp; definitions
// in embeval/pipeline/parity.h). Internal to the pipeline layer.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "embeval/core/embeddings.h"
#include "embeval/core/index.h"
#include "embeval/eval/significance.h"

namespace embeval {

// One model's vectors of one role's texts, in text order: dense rows or sparse rows, whichever
// the model gives (the first batch decides).
class RowVectors {
 public:
  // Appends the batch's rows. InputError (naming `model`) for several vectors per text or for
  // both dense and sparse vectors; EMBEVAL_CHECK for a batch unlike the earlier ones.
  void append(const EmbeddingBatch& batch, const std::string& model);
  [[nodiscard]] bool is_sparse() const { return sparse_; }
  [[nodiscard]] std::size_t rows() const { return sparse_ ? sparse_rows_.rows : dense_.rows; }
  [[nodiscard]] std::size_t dim() const { return sparse_ ? sparse_rows_.dim : dense_.cols; }
  [[nodiscard]] const DenseMatrix& dense() const { return dense_; }
  [[nodiscard]] const SparseMatrix& sparse() const { return sparse_rows_; }

 private:
  bool started_ = false;
  bool sparse_ = false;
  DenseMatrix dense_;
  SparseMatrix sparse_rows_;
};

// cos(a_i, b_i) for every row i, in double (1 when both rows are zero, 0 when one is); clamped
// to [-1, 1]. `a` and `b`: same kind, rows and dim (EMBEVAL_CHECK). `zero_rows` counts the rows
// where either side is zero.
[[nodiscard]] std::vector<double> row_cosines(const RowVectors& a, const RowVectors& b,
                                              std::size_t* zero_rows);

struct TopOverlap {
  double mean = 0;
  double min = 0;
};

// Per query, |top_a ∩ top_b| / max(|top_a|, |top_b|) over the hits (ids != -1) of each list,
// 1 when both are empty; the mean and min over queries. Same num_queries (EMBEVAL_CHECK).
[[nodiscard]] TopOverlap top_overlap(const SearchResults& a, const SearchResults& b);

// The paired t test of a - b (95% interval). One query: the difference, its point interval.
[[nodiscard]] PairedTestResult paired_difference(std::span<const double> a,
                                                 std::span<const double> b);

}  // namespace embeval
