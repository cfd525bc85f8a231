// TopK: hand-computed selections, tie order, padding, and a seeded property test against sort.
#include "embeval/core/topk.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <limits>
#include <random>
#include <vector>

namespace embeval {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

struct Taken {
  std::vector<std::int64_t> ids;
  std::vector<float> scores;
};

Taken take(TopK<float>& top) {
  Taken t{std::vector<std::int64_t>(top.k()), std::vector<float>(top.k())};
  top.take_sorted(t.ids.data(), t.scores.data());
  return t;
}

TEST(TopKTest, KeepsTheBestThreeBestFirst) {
  TopK<float> top(3);
  const float scores[] = {0.5f, 2.0f, -1.0f, 3.0f, 1.0f, 2.5f};
  for (int i = 0; i < 6; ++i) top.push(scores[i], i);
  const Taken t = take(top);
  EXPECT_EQ(t.ids, (std::vector<std::int64_t>{3, 5, 1}));
  EXPECT_EQ(t.scores, (std::vector<float>{3.0f, 2.5f, 2.0f}));
}

TEST(TopKTest, TiesGoToTheSmallerIdWhateverTheArrivalOrder) {
  TopK<float> forward(2), backward(2);
  for (std::int64_t id = 0; id < 5; ++id) forward.push(1.0f, id);
  for (std::int64_t id = 4; id >= 0; --id) backward.push(1.0f, id);
  EXPECT_EQ(take(forward).ids, (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(take(backward).ids, (std::vector<std::int64_t>{0, 1}));
}

TEST(TopKTest, PadsWhenFewerThanK) {
  TopK<float> top(4);
  top.push(-5.0f, 7);
  top.push(2.0f, 9);
  const Taken t = take(top);
  EXPECT_EQ(t.ids, (std::vector<std::int64_t>{9, 7, -1, -1}));
  EXPECT_EQ(t.scores, (std::vector<float>{2.0f, -5.0f, -kInf, -kInf}));
}

TEST(TopKTest, ZeroKKeepsNothing) {
  TopK<float> top(0);
  top.push(1.0f, 0);
  const float run[3] = {1, 2, 3};
  top.push_run(run, 3, 0);
  EXPECT_TRUE(take(top).ids.empty());
}

TEST(TopKTest, ThresholdRisesOnceKAreKeptAndResetsAfterTake) {
  TopK<float> top(1);
  EXPECT_EQ(top.threshold(), -kInf);
  for (int i = 0; i < 100; ++i) top.push(static_cast<float>(i), i);
  // The buffer compacts lazily: the threshold is finite by now and never above the k-th best.
  EXPECT_GT(top.threshold(), 0.0f);
  EXPECT_LE(top.threshold(), 99.0f);
  top.push(50.0f, 1000);  // below the threshold: ignored
  EXPECT_EQ(take(top).ids, (std::vector<std::int64_t>{99}));
  EXPECT_EQ(top.threshold(), -kInf);
  top.push(-3.0f, 5);  // reusable after take
  EXPECT_EQ(take(top).ids, (std::vector<std::int64_t>{5}));
}

// Property: push_run over random data with many duplicate scores equals a full sort by
// (score desc, id asc), for several k and run lengths (fixed seeds).
TEST(TopKTest, MatchesFullSortOnRandomRunsWithTies) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    const std::size_t n = 1 + rng() % 3000;
    const std::size_t k = rng() % 150;
    std::vector<float> scores(n);
    for (float& s : scores) s = static_cast<float>(static_cast<int>(rng() % 41) - 20) * 0.25f;
    TopK<float> top(k);
    // Feed in uneven runs, as the tiles of exact search do.
    for (std::size_t start = 0; start < n;) {
      const std::size_t len = std::min<std::size_t>(n - start, 1 + rng() % 700);
      top.push_run(scores.data() + start, len, static_cast<std::int64_t>(start));
      start += len;
    }
    const Taken t = take(top);
    std::vector<ScoredId<float>> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = {scores[i], static_cast<std::int64_t>(i)};
    std::sort(all.begin(), all.end(), ranks_before<float>);
    for (std::size_t r = 0; r < k; ++r) {
      if (r < n) {
        ASSERT_EQ(t.ids[r], all[r].id) << "seed " << seed << " rank " << r;
        ASSERT_EQ(t.scores[r], all[r].score);
      } else {
        ASSERT_EQ(t.ids[r], -1);
      }
    }
  }
}

// The inverted index sums scores in double: two scores that round to the same float must still
// rank by their double values, and come out rounded to float.
TEST(TopKTest, DoubleScoresRankBeforeRoundingToFloat) {
  TopK<double> top(2);
  top.push(1.0, 1);
  top.push(1.0 + 1e-12, 5);  // the same float as 1.0
  top.push(0.5, 0);
  std::vector<std::int64_t> ids(2);
  std::vector<float> scores(2);
  top.take_sorted(ids.data(), scores.data());
  EXPECT_EQ(ids, (std::vector<std::int64_t>{5, 1}));
  EXPECT_EQ(scores, (std::vector<float>{1.0f, 1.0f}));
}

// Property, double scores: push one by one (as the inverted index does) equals a full sort.
TEST(TopKTest, DoubleMatchesFullSortOnRandomPushesWithTies) {
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 rng(seed);
    const std::size_t n = 1 + rng() % 2000;
    const std::size_t k = 1 + rng() % 100;
    std::vector<double> scores(n);
    for (double& s : scores) s = static_cast<double>(rng() % 301) * 1e-3 + (rng() % 2) * 1e-13;
    TopK<double> top(k);
    for (std::size_t i = 0; i < n; ++i) {
      top.push(scores[i], static_cast<std::int64_t>(i));
      if (i % 50 == 0 && i + 1 >= k) {
        // The lagging threshold never passes the k-th best score seen so far (pruning is safe).
        std::vector<double> seen(scores.begin(),
                                 scores.begin() + static_cast<std::ptrdiff_t>(i + 1));
        std::nth_element(seen.begin(), seen.begin() + static_cast<std::ptrdiff_t>(k - 1),
                         seen.end(), std::greater<>());
        ASSERT_LE(top.threshold(), seen[k - 1]) << "seed " << seed << " after " << i + 1;
      }
    }
    std::vector<std::int64_t> ids(k);
    std::vector<float> out(k);
    top.take_sorted(ids.data(), out.data());
    std::vector<ScoredId<double>> all(n);
    for (std::size_t i = 0; i < n; ++i) all[i] = {scores[i], static_cast<std::int64_t>(i)};
    std::sort(all.begin(), all.end(), ranks_before<double>);
    for (std::size_t r = 0; r < k; ++r) {
      if (r < n) {
        ASSERT_EQ(ids[r], all[r].id) << "seed " << seed << " rank " << r;
        ASSERT_EQ(out[r], static_cast<float>(all[r].score));
      } else {
        ASSERT_EQ(ids[r], -1);
      }
    }
  }
}

// A buffer of k + 1 (what MaxScore asks for) compacts on every kept candidate past k: from the
// (k+1)-th push on, the threshold is exactly the k-th best score seen so far, and the selection
// is the same as with the default buffer.
TEST(TopKTest, SmallBufferKeepsTheThresholdExact) {
  std::mt19937 rng(11);
  const std::size_t k = 7;
  TopK<double> tight(k, k + 1), loose(k);
  std::vector<double> seen;
  for (std::int64_t id = 0; id < 400; ++id) {
    const double score = static_cast<double>(rng() % 1000) * 0.5;
    seen.push_back(score);
    tight.push(score, id);
    loose.push(score, id);
    if (seen.size() > k) {
      std::vector<double> sorted = seen;
      std::sort(sorted.begin(), sorted.end(), std::greater<>());
      ASSERT_EQ(tight.threshold(), sorted[k - 1]) << "after " << seen.size();
    }
  }
  std::vector<std::int64_t> tight_ids(k), loose_ids(k);
  std::vector<float> tight_scores(k), loose_scores(k);
  tight.take_sorted(tight_ids.data(), tight_scores.data());
  loose.take_sorted(loose_ids.data(), loose_scores.data());
  EXPECT_EQ(tight_ids, loose_ids);
  EXPECT_EQ(tight_scores, loose_scores);
  EXPECT_EQ(tight_scores[0], static_cast<float>(*std::max_element(seen.begin(), seen.end())));
}

}  // namespace
}  // namespace embeval
