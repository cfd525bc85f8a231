// Hubness on hand-made neighbour lists (k-occurrence, skewness and the antihub share worked out
// in the comments) and on a planted hub: vectors where one point is every other point's nearest.
#include "embeval/probe/hubness.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "embeval/core/dense_rows.h"
#include "embeval/probe/neighbour_space.h"

namespace embeval {
namespace {

SearchResults lists(std::size_t k, const std::vector<std::vector<std::int64_t>>& rows) {
  SearchResults r(rows.size(), k);
  for (std::size_t q = 0; q < rows.size(); ++q) {
    for (std::size_t j = 0; j < rows[q].size(); ++j) r.ids[q * k + j] = rows[q][j];
  }
  return r;
}

TEST(Hubness, KOccurrenceAndSkewnessByHand) {
  // p0 -> {1, 2}, p1 -> {0, 2}, p2 -> {0, 1}, p3 -> {0, 2}: N_2 = (3, 2, 3, 0), mean 2 = k.
  // Deviations (1, 0, 1, -2): m2 = 6/4 = 1.5, m3 = (1 + 1 - 8)/4 = -1.5,
  // skewness = -1.5 / 1.5^1.5 = -0.8164966 (= -sqrt(2/3)).
  const SearchResults g = lists(2, {{1, 2}, {0, 2}, {0, 1}, {0, 2}});
  EXPECT_EQ(k_occurrence(g), (std::vector<std::size_t>{3, 2, 3, 0}));
  const Hubness h = hubness(g, 3);
  EXPECT_EQ(h.points, 4u);
  EXPECT_DOUBLE_EQ(h.mean_occurrence, 2.0);
  EXPECT_NEAR(h.skewness, -std::sqrt(2.0 / 3.0), 1e-12);
  EXPECT_DOUBLE_EQ(h.antihub_share, 0.25);
  EXPECT_EQ(h.max_occurrence, 3u);
  ASSERT_EQ(h.hubs.size(), 3u);  // ties to the smaller id: p0 before p2
  EXPECT_EQ(h.hubs[0], (std::pair<std::int64_t, std::size_t>{0, 3}));
  EXPECT_EQ(h.hubs[1], (std::pair<std::int64_t, std::size_t>{2, 3}));
  EXPECT_EQ(h.hubs[2], (std::pair<std::int64_t, std::size_t>{1, 2}));
}

TEST(Hubness, ShortListsAndEqualCounts) {
  // Missing neighbours (-1) count for nobody; equal counts have skewness 0, not NaN.
  const SearchResults g = lists(2, {{1}, {0}});
  EXPECT_EQ(k_occurrence(g), (std::vector<std::size_t>{1, 1}));
  const Hubness h = hubness(g);
  EXPECT_DOUBLE_EQ(h.mean_occurrence, 1.0);
  EXPECT_EQ(h.skewness, 0.0);
  EXPECT_EQ(h.antihub_share, 0.0);
  EXPECT_EQ(skewness({}), 0.0);
  EXPECT_EQ(skewness({7}), 0.0);
}

TEST(Hubness, APlantedHubIsEveryonesNearest) {
  // x_i = e_i + 0.3 * (1,...,1) for i = 1..4, x_0 = e_0 + 0.4 * (1,...,1), h = (1,...,1), d = 5
  // (rows normalised). cos(x_i, h) = 2.5 / sqrt(2.05 * 5) = 0.781 beats cos(x_i, x_j) <= 0.563,
  // and h's nearest is x_0 (0.832 against 0.781). With k = 1: N_1 = (1, 0, 0, 0, 0, 5), mean 1;
  // deviations (0, -1, -1, -1, -1, 4): m2 = 20/6, m3 = 60/6 = 10, skewness = 10 * 0.3^1.5.
  DenseMatrix v(6, 5);
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t c = 0; c < 5; ++c) v.row(i)[c] = (i == 0 ? 0.4f : 0.3f) + (c == i ? 1 : 0);
  }
  for (std::size_t c = 0; c < 5; ++c) v.row(5)[c] = 1.0f;
  normalize_rows(v);
  const SearchResults g = nearest_candidates(v, {0, 1, 2, 3, 4, 5}, 1);
  EXPECT_EQ(k_occurrence(g), (std::vector<std::size_t>{1, 0, 0, 0, 0, 5}));
  const Hubness h = hubness(g, 1);
  EXPECT_NEAR(h.skewness, 10 * std::pow(0.3, 1.5), 1e-12);
  EXPECT_NEAR(h.antihub_share, 4.0 / 6.0, 1e-15);
  ASSERT_EQ(h.hubs.size(), 1u);
  EXPECT_EQ(h.hubs[0].first, 5);
}

}  // namespace
}  // namespace embeval
