// The first principal component used by SIF pooling (static_encoder.h), apart so it can be tested
// against a reference. Internal to the encoders layer.
#pragma once

#include <cstddef>
#include <vector>

namespace embeval::static_encoder_detail {

// First principal direction (uncentred) of the rows of `x` (n x d float32, row-major): the top
// eigenvector of X^T X, unit length, by power iteration with X^T X applied as X^T (X v). That is
// O(n d) time per iteration and O(d) extra memory; the d x d matrix it replaces took O(n d^2)
// time and d^2 memory (20,000-dimension vectors: 3.2 GB, and hours). Deterministic: the start
// is the rows' sum (close to the dominant direction for SIF averages) or a fixed vector when the
// rows cancel, then at most kMaxIterations steps until the L1 change drops below kTolerance.
// Empty when every row is zero.
inline constexpr int kMaxIterations = 1000;
inline constexpr double kTolerance = 1e-12;
std::vector<float> first_principal_component(const std::vector<float>& x, std::size_t n,
                                             std::size_t d);

}  // namespace embeval::static_encoder_detail
