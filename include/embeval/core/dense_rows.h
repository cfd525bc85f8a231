// Row operations on dense vectors and row-major matrices (DenseMatrix: rows x cols floats): the
// one home of L2 norms, L2 normalisation and finite checks, used by every encoder, index and
// word-vector tool that needs them.
//
// Arithmetic, fixed so that every caller gets the same bits for the same row: the squared norm
// is summed in double in index order (float32 values squared stay below 1.2e77, so it cannot
// overflow); s = 1/sqrt(norm^2) is taken in double, rounded to float, and every value is
// multiplied by it in float. Where s does not fit a normal float (norms below ~2.9e-39 or above
// ~8.5e37) each value is divided by the norm in double instead, so rows of any finite magnitude
// come out with unit length. A zero row stays zero (its cosine with anything is 0, never NaN).
// Pure functions: thread-safe on distinct data.
#pragma once

#include <cstddef>
#include <optional>
#include <span>

#include "embeval/core/embeddings.h"

namespace embeval {

// sum of v[i]^2, each square and the sum in double, in index order.
[[nodiscard]] double squared_norm(std::span<const float> v);

// Scales v to unit L2 length in place (see the arithmetic above); a zero vector is left as is.
// v must be finite.
void normalize(std::span<float> v);

// normalize() on every row of m.
void normalize_rows(DenseMatrix& m);

// A copy of m with every row normalised; m is left untouched.
[[nodiscard]] DenseMatrix normalized_rows(const DenseMatrix& m);

// True when no value of v is NaN or infinite.
[[nodiscard]] bool all_finite(std::span<const float> v);

// Where a NaN or infinite value sits.
struct MatrixPosition {
  std::size_t row = 0;
  std::size_t col = 0;
};

// The first NaN or infinite value of `rows` x `cols` row-major floats, scanning row by row;
// nothing when every value is finite.
[[nodiscard]] std::optional<MatrixPosition> find_non_finite(const float* data, std::size_t rows,
                                                            std::size_t cols);
[[nodiscard]] std::optional<MatrixPosition> find_non_finite(const DenseMatrix& m);

}  // namespace embeval
