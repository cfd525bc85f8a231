// Recall computed by the library agrees with counts done by hand on planted rows.
#include <gtest/gtest.h>

#include "embeval/ann/recall.h"

namespace embeval {
namespace {

SearchResults rows(std::size_t k, std::vector<std::vector<std::int64_t>> ids) {
  SearchResults r(ids.size(), k);
  for (std::size_t q = 0; q < ids.size(); ++q) {
    for (std::size_t j = 0; j < ids[q].size(); ++j) {
      r.ids[q * k + j] = ids[q][j];
      r.scores[q * k + j] = static_cast<float>(100 - j);
    }
  }
  return r;
}

TEST(Recall, MatchesHandCountedIntersections) {
  const SearchResults exact = rows(4, {{1, 2, 3, 4}, {5, 6, 7, 8}, {9, 10}});
  // q0: 3 of 4 found (order irrelevant); q1: 0 of 4; q2: exact has only 2, both found.
  const SearchResults approx = rows(4, {{4, 3, 99, 1}, {1, 2, 3, 4}, {10, 9, 11}});
  const std::vector<double> per_query = recall_per_query(exact, approx, 4);
  ASSERT_EQ(per_query.size(), 3u);
  EXPECT_DOUBLE_EQ(per_query[0], 3.0 / 4.0);
  EXPECT_DOUBLE_EQ(per_query[1], 0.0);
  EXPECT_DOUBLE_EQ(per_query[2], 1.0);
  EXPECT_DOUBLE_EQ(mean_recall(exact, approx, 4), (0.75 + 0.0 + 1.0) / 3.0);
  // At k = 2 only the first two of each row count: q0 {1,2} vs {4,3} -> 0; q2 {9,10} vs {10,9}.
  EXPECT_DOUBLE_EQ(mean_recall(exact, approx, 2), (0.0 + 0.0 + 1.0) / 3.0);
}

TEST(Recall, IdenticalTopKNeedsSameIdsInSameOrder) {
  const SearchResults a = rows(3, {{1, 2, 3}, {4, 5, 6}});
  const SearchResults b = rows(3, {{1, 2, 3}, {5, 4, 6}});
  EXPECT_DOUBLE_EQ(identical_top_k_share(a, b, 3), 0.5);
  EXPECT_DOUBLE_EQ(identical_top_k_share(a, b, 1), 0.5);
  EXPECT_DOUBLE_EQ(identical_top_k_share(a, a, 3), 1.0);
}

}  // namespace
}  // namespace embeval
