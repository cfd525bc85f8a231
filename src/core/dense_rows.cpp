#include "embeval/core/dense_rows.h"

#include <cmath>

#include "embeval/core/error.h"

namespace embeval {

double squared_norm(std::span<const float> v) {
  double sum = 0;
  for (const float x : v) sum += double{x} * x;
  return sum;
}

void normalize(std::span<float> v) {
  const double norm2 = squared_norm(v);
  if (norm2 == 0) return;
  // Dividing in double (not multiplying by a float 1/norm) keeps 1/norm from overflowing float
  // for subnormal rows and from losing bits for rows near float's maximum.
  const double norm = std::sqrt(norm2);
  for (float& x : v) x = static_cast<float>(x / norm);
}

void normalize_rows(DenseMatrix& m) {
  EMBEVAL_CHECK(m.data.size() == m.rows * m.cols, "normalize_rows: data size != rows * cols");
  for (std::size_t r = 0; r < m.rows; ++r) normalize({m.row(r), m.cols});
}

DenseMatrix normalized_rows(const DenseMatrix& m) {
  DenseMatrix out = m;
  normalize_rows(out);
  return out;
}

bool all_finite(std::span<const float> v) {
  for (const float x : v) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

std::optional<MatrixPosition> find_non_finite(const float* data, std::size_t rows,
                                              std::size_t cols) {
  for (std::size_t r = 0; r < rows; ++r) {
    const float* row = data + r * cols;
    for (std::size_t c = 0; c < cols; ++c) {
      if (!std::isfinite(row[c])) return MatrixPosition{r, c};
    }
  }
  return std::nullopt;
}

std::optional<MatrixPosition> find_non_finite(const DenseMatrix& m) {
  EMBEVAL_CHECK(m.data.size() == m.rows * m.cols, "find_non_finite: data size != rows * cols");
  return find_non_finite(m.data.data(), m.rows, m.cols);
}

}  // namespace embeval
