#include "embeval/core/dense_rows.h"

#include <cmath>
#include <limits>

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
  const double inv = 1.0 / std::sqrt(norm2);
  if (inv >= std::numeric_limits<float>::min() && inv <= std::numeric_limits<float>::max()) {
    // The common case, kept bit for bit from the encoders' and word tools' original copies (and
    // so from the embedding caches they wrote): one float multiply per value.
    const float scale = static_cast<float>(inv);
    for (float& x : v) x *= scale;
    return;
  }
  // 1/norm overflows float (a subnormal row) or is subnormal itself (a row near float's
  // maximum): divide in double instead, rounding each value once.
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
