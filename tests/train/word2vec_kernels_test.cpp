// The training loop's vector kernels: they compute a dot product and the two updates within
// float's error bound, and give bit-identical results whichever instruction set they are
// compiled for (the promise that one thread + seed trains the same vectors on every x86-64 CPU).
#include "train/word2vec_kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

namespace embeval {
namespace {

// The kernels as the baseline, AVX2 and AVX-512 clones of the training loop compile them.
float dot_default(const float* a, const float* b, std::size_t n) { return w2v::dot(a, b, n); }
__attribute__((target("avx2"))) float dot_avx2(const float* a, const float* b, std::size_t n) {
  return w2v::dot(a, b, n);
}
__attribute__((target("avx512f"), optimize("fp-contract=off"))) float dot_avx512(const float* a,
                                                                                 const float* b,
                                                                                 std::size_t n) {
  return w2v::dot(a, b, n);
}
void update_default(float* g, float* o, const float* i, float s, std::size_t n) {
  w2v::accumulate_and_update(g, o, i, s, n);
}
__attribute__((target("avx2"))) void update_avx2(float* g, float* o, const float* i, float s,
                                                 std::size_t n) {
  w2v::accumulate_and_update(g, o, i, s, n);
}
__attribute__((target("avx512f"), optimize("fp-contract=off"))) void update_avx512(
    float* g, float* o, const float* i, float s, std::size_t n) {
  w2v::accumulate_and_update(g, o, i, s, n);
}

std::vector<float> random_row(std::size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = u(rng);
  return v;
}

const std::size_t kDims[] = {1, 3, 15, 16, 17, 31, 32, 33, 100, 300};

TEST(Word2VecKernels, DotIsWithinFloatErrorBound) {
  std::mt19937 rng(5);
  for (std::size_t n : kDims) {
    const auto a = random_row(n, rng), b = random_row(n, rng);
    double exact = 0, magnitude = 0;
    for (std::size_t j = 0; j < n; ++j) {
      exact += double(a[j]) * b[j];
      magnitude += std::abs(double(a[j]) * b[j]);
    }
    // Any summation order of n products: |error| <= n * u * sum |a_j b_j| (u = 2^-24), plus
    // the rounding of each product.
    const double bound = (n + 1) * std::numeric_limits<float>::epsilon() / 2 * magnitude;
    EXPECT_NEAR(w2v::dot(a.data(), b.data(), n), exact, bound) << "n=" << n;
  }
}

TEST(Word2VecKernels, UpdateReadsTheOutputRowBeforeChangingIt) {
  std::mt19937 rng(6);
  for (std::size_t n : kDims) {
    auto grad = random_row(n, rng), out = random_row(n, rng);
    const auto in = random_row(n, rng);
    const auto grad0 = grad, out0 = out;
    const float g = 0.37f;
    w2v::accumulate_and_update(grad.data(), out.data(), in.data(), g, n);
    for (std::size_t j = 0; j < n; ++j) {
      // One multiply and one add each, rounded separately (no fused multiply-add).
      EXPECT_EQ(grad[j], grad0[j] + g * out0[j]) << "n=" << n << " j=" << j;
      EXPECT_EQ(out[j], out0[j] + g * in[j]) << "n=" << n << " j=" << j;
    }
  }
}

TEST(Word2VecKernels, EveryInstructionSetGivesTheSameBits) {
  const bool avx2 = __builtin_cpu_supports("avx2");
  const bool avx512 = __builtin_cpu_supports("avx512f");
  if (!avx2) GTEST_SKIP() << "this CPU has no AVX2: only the baseline kernels can run";
  std::mt19937 rng(7);
  for (std::size_t n : kDims) {
    const auto a = random_row(n, rng), b = random_row(n, rng);
    const float base = dot_default(a.data(), b.data(), n);
    const float narrow = dot_avx2(a.data(), b.data(), n);
    EXPECT_EQ(std::memcmp(&base, &narrow, 4), 0) << "n=" << n;
    if (avx512) {
      const float wide = dot_avx512(a.data(), b.data(), n);
      EXPECT_EQ(std::memcmp(&base, &wide, 4), 0) << "n=" << n;
    }
    auto g1 = random_row(n, rng), o1 = random_row(n, rng);
    auto g2 = g1, o2 = o1, g3 = g1, o3 = o1;
    update_default(g1.data(), o1.data(), a.data(), -0.013f, n);
    update_avx2(g2.data(), o2.data(), a.data(), -0.013f, n);
    EXPECT_EQ(std::memcmp(g1.data(), g2.data(), 4 * n), 0) << "n=" << n;
    EXPECT_EQ(std::memcmp(o1.data(), o2.data(), 4 * n), 0) << "n=" << n;
    if (avx512) {
      update_avx512(g3.data(), o3.data(), a.data(), -0.013f, n);
      EXPECT_EQ(std::memcmp(g1.data(), g3.data(), 4 * n), 0) << "n=" << n;
      EXPECT_EQ(std::memcmp(o1.data(), o3.data(), 4 * n), 0) << "n=" << n;
    }
  }
}

}  // namespace
}  // namespace embeval
