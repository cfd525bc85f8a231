// The generator behind every random significance test, written from its published definition
// (the constants and shifts of xoshiro256** 1.0 and of splitmix64's finaliser). The first
// outputs for seed 42 are pinned in tests/eval/significance_test.cpp.
#include <array>
#include <cstdint>

#include "embeval/eval/significance.h"

namespace embeval {
namespace {

std::uint64_t rotate_left(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

Xoshiro256StarStar::Xoshiro256StarStar(std::uint64_t seed) {
  // splitmix64 never yields four zero words in a row, so the state is never all zero (the one
  // state xoshiro cannot leave).
  for (std::uint64_t& word : s_) word = splitmix64(seed);
}

Xoshiro256StarStar Xoshiro256StarStar::from_state(const std::array<std::uint64_t, 4>& state) {
  Xoshiro256StarStar generator(0);
  for (int i = 0; i < 4; ++i) generator.s_[i] = state[i];
  return generator;
}

std::uint64_t Xoshiro256StarStar::next() {
  const std::uint64_t result = rotate_left(s_[1] * 5, 7) * 9;
  const std::uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotate_left(s_[3], 45);
  return result;
}

std::uint64_t Xoshiro256StarStar::below(std::uint64_t n) {
  return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
}

}  // namespace embeval
