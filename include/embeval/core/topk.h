// Bounded top-k selection for one query, the one top-k of the tree: exact dense search, the
// inverted index, the ANN helpers and word neighbours all rank through it. Keeps the k best
// (score, id) pairs seen so far. "Better" means higher score, and on equal scores the smaller id
// (the Index contract), so the result does not depend on the order candidates arrive in.
// Score is the type candidates are ranked in: float for dense scores, double where scores are
// summed in double (the inverted index), so that two scores that round to the same float still
// rank as they did before the rounding. Scores must not be NaN.
// Not thread-safe: one TopK per query per thread.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

namespace embeval {

template <typename Score>
struct ScoredId {
  Score score;
  std::int64_t id;
};

// Strict "a ranks before b": score descending, then id ascending.
template <typename Score>
[[nodiscard]] bool ranks_before(const ScoredId<Score>& a, const ScoredId<Score>& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

// Selection keeps a buffer of up to 2k candidates that reached the threshold; when it fills,
// nth_element keeps the best k and the k-th best score becomes the new threshold. Each candidate
// costs O(1) amortised, where a heap would pay O(log k) per insertion (measured: the heap cost
// ~10% of exact search time at k = 100). The price is a threshold that lags: it is the k-th
// best score as of the last compaction, a lower bound of the final k-th best, never above it.
template <typename Score>
class TopK {
  static_assert(std::is_floating_point_v<Score>, "TopK ranks floating-point scores");

 public:
  // `buffer` (0: the default, max(2k, k + 16)) is how many candidates are held before the
  // next compaction, at least k + 1. A small buffer keeps the threshold close to the true k-th
  // best at O(k) per compaction: what a pruning search (MaxScore) wants.
  explicit TopK(std::size_t k, std::size_t buffer = 0)
      : k_(k),
        capacity_(buffer == 0 ? std::max<std::size_t>(2 * k, k + 16)
                              : std::max<std::size_t>(buffer, k + 1)) {
    buffer_.reserve(capacity_);
  }

  std::size_t k() const { return k_; }

  // A candidate can only enter when its score is >= this; -inf until k candidates were kept
  // and the buffer was compacted once. Safe for pruning: no candidate below it can be in the
  // final top k.
  Score threshold() const { return threshold_; }

  // Offers one candidate; it survives if it is among the best k so far.
  void push(Score score, std::int64_t id) {
    if (k_ == 0 || score < threshold_) return;
    buffer_.push_back({score, id});
    if (buffer_.size() == capacity_) compact();
  }

  // Offers scores[0..n) with ids first_id, first_id + 1, ... The common case (nothing in a
  // chunk reaches the threshold) is a branch-free compare-and-count the compiler vectorises.
  void push_run(const Score* scores, std::size_t n, std::int64_t first_id) {
    constexpr std::size_t kChunk = 32;
    std::size_t i = 0;
    for (; i + kChunk <= n; i += kChunk) {
      const Score t = threshold_;
      int hits = 0;
      for (std::size_t j = 0; j < kChunk; ++j) hits += scores[i + j] >= t;
      if (hits == 0) continue;
      for (std::size_t j = 0; j < kChunk; ++j) {
        push(scores[i + j], first_id + static_cast<std::int64_t>(i + j));
      }
    }
    for (; i < n; ++i) push(scores[i], first_id + static_cast<std::int64_t>(i));
  }

  // Writes the best hits first into ids[0..k) / scores[0..k), padding missing ones with
  // id -1 and score -inf, and empties this TopK for reuse. Scores are ranked in Score and
  // rounded to float (nearest) only here.
  void take_sorted(std::int64_t* ids, float* scores) {
    if (buffer_.size() > k_) compact();
    std::sort(buffer_.begin(), buffer_.end(), ranks_before<Score>);
    for (std::size_t i = 0; i < k_; ++i) {
      if (i < buffer_.size()) {
        ids[i] = buffer_[i].id;
        scores[i] = static_cast<float>(buffer_[i].score);
      } else {
        ids[i] = -1;
        scores[i] = -std::numeric_limits<float>::infinity();
      }
    }
    buffer_.clear();
    threshold_ = -std::numeric_limits<Score>::infinity();
  }

 private:
  // Keeps the best k of the buffer; the k-th best score is the new entry threshold.
  void compact() {
    std::nth_element(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(k_ - 1),
                     buffer_.end(), ranks_before<Score>);
    threshold_ = buffer_[k_ - 1].score;
    buffer_.resize(k_);
  }

  std::size_t k_;
  std::size_t capacity_;
  std::vector<ScoredId<Score>> buffer_;  // unordered candidates, all >= threshold_ on entry
  Score threshold_ = -std::numeric_limits<Score>::infinity();
};

}  // namespace embeval
