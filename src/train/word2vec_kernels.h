// The two vector operations that take most of Word2Vec's training time, written on 16-lane GCC
// vector types so that every instruction set computes the same sums in the same order: the
// baseline build uses four 4-lane SSE registers, an AVX2 clone two 8-lane registers, an AVX-512
// clone one 16-lane register. The clones are made with target_clones on the training loop
// (word2vec_train.cpp), whose ISA these always-inline kernels inherit. That loop is compiled
// with fp-contract=off (GCC's AVX-512 target enables FMA, and a fused multiply-add rounds
// differently), so one thread + seed gives the same vectors bit for bit on every x86-64 CPU,
// whichever clone runs.
#pragma once

#include <cstddef>
#include <cstring>

// Lanes is returned by value only between always-inline functions, never across a call, so
// GCC's note that its ABI depends on AVX-512 does not apply.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace embeval::w2v {

using Lanes = float __attribute__((vector_size(64)));
constexpr std::size_t kLanes = 16;

[[gnu::always_inline]] inline Lanes load(const float* p) {
  Lanes v;
  std::memcpy(&v, p, sizeof v);  // rows are 4-byte aligned only: an unaligned load
  return v;
}

[[gnu::always_inline]] inline void store(float* p, Lanes v) { std::memcpy(p, &v, sizeof v); }

// sum_j a[j] * b[j]: lane-wise partial sums, then a fixed halving tree, then the tail in order.
[[gnu::always_inline]] inline float dot(const float* a, const float* b, std::size_t n) {
  Lanes acc = {};
  std::size_t j = 0;
  for (; j + kLanes <= n; j += kLanes) acc += load(a + j) * load(b + j);
  float lane[kLanes];
  std::memcpy(lane, &acc, sizeof lane);
  for (std::size_t width = kLanes / 2; width > 0; width /= 2) {
    for (std::size_t l = 0; l < width; ++l) lane[l] += lane[l + width];
  }
  float sum = lane[0];
  for (; j < n; ++j) sum += a[j] * b[j];
  return sum;
}

// The two updates of one prediction step in one pass over the rows (word2vec.c makes two):
// grad += g * out (with out before its update), then out += g * in. The rows must not overlap.
[[gnu::always_inline]] inline void accumulate_and_update(float* grad, float* out, const float* in,
                                                         float g, std::size_t n) {
  std::size_t j = 0;
  for (; j + kLanes <= n; j += kLanes) {
    const Lanes o = load(out + j);
    store(grad + j, load(grad + j) + g * o);
    store(out + j, o + g * load(in + j));
  }
  for (; j < n; ++j) {
    const float o = out[j];
    grad[j] += g * o;
    out[j] = o + g * in[j];
  }
}

}  // namespace embeval::w2v
