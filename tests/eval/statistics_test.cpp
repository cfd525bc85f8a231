#include "embeval/eval/statistics.h"

#include <gtest/gtest.h>

#include <vector>

namespace embeval {
namespace {

TEST(BootstrapCi, ConstantValuesGiveAPointInterval) {
  const std::vector<double> v(50, 0.25);
  const auto ci = bootstrap_mean_ci(v);
  EXPECT_DOUBLE_EQ(ci.low, 0.25);
  EXPECT_DOUBLE_EQ(ci.high, 0.25);
}

TEST(BootstrapCi, BracketsTheMeanAndIsReproducible) {
  std::vector<double> v;
  for (int i = 0; i < 200; ++i) v.push_back(i % 2);  // mean 0.5, sd 0.5
  const auto a = bootstrap_mean_ci(v, 2000);
  const auto b = bootstrap_mean_ci(v, 2000);
  EXPECT_EQ(a.low, b.low);
  EXPECT_EQ(a.high, b.high);
  EXPECT_LT(a.low, 0.5);
  EXPECT_GT(a.high, 0.5);
  // Normal approximation: half-width 1.96 * 0.5 / sqrt(200) = 0.0693; allow bootstrap noise.
  EXPECT_NEAR(a.high - a.low, 2 * 0.0693, 0.02);
}

TEST(BootstrapCi, BoundsAreQuantilesOfTheResampledMeans) {
  // Two values: a resampled mean is 0 (p 1/4), 0.5 (p 1/2) or 1 (p 1/4). The 2.5% and 97.5%
  // quantiles of 1000 such means are 0 and 1, and the median (level 0) is 0.5; each would need
  // hundreds of draws to go against a probability of 1/4 or 1/2 to come out otherwise.
  const std::vector<double> v = {0.0, 1.0};
  const auto wide = bootstrap_mean_ci(v);
  EXPECT_EQ(wide.low, 0.0);
  EXPECT_EQ(wide.high, 1.0);
  const auto median = bootstrap_mean_ci(v, 1000, 0.0);
  EXPECT_EQ(median.low, 0.5);
  EXPECT_EQ(median.high, 0.5);
}

TEST(BootstrapCi, EmptyInputOrNoResamplesGiveZero) {
  const auto empty = bootstrap_mean_ci({});
  EXPECT_EQ(empty.low, 0);
  EXPECT_EQ(empty.high, 0);
  const std::vector<double> v = {0.5, 1.0};
  const auto none = bootstrap_mean_ci(v, 0);
  EXPECT_EQ(none.low, 0);
  EXPECT_EQ(none.high, 0);
}

TEST(BootstrapInterval, RecordsTheDefaultSettings) {
  const std::vector<double> v = {0.1, 0.9, 0.4, 0.7, 0.2};
  const MeasureInterval i = bootstrap_interval("ndcg_cut_10", v);
  const ConfidenceInterval ci = bootstrap_mean_ci(v);
  EXPECT_EQ(i.measure, "ndcg_cut_10");
  EXPECT_EQ(i.method, "percentile bootstrap over queries");
  EXPECT_EQ(i.level, 0.95);
  EXPECT_EQ(i.resamples, 1000);
  EXPECT_EQ(i.seed, 42u);
  EXPECT_EQ(i.low, ci.low);
  EXPECT_EQ(i.high, ci.high);
  EXPECT_LT(i.low, i.high);
}

TEST(BootstrapInterval, TakesTheMeasuresColumnOfEveryQueryInQidOrder) {
  EvalResult r;
  r.measure_names = {"P_10", "ndcg_cut_10"};
  // strcmp order: q1, q10, q2, q3, q4.
  r.per_query = {{"q2", {0.0, 0.9}},
                 {"q10", {0.0, 0.1}},
                 {"q1", {1.0, 0.6}},
                 {"q3", {0.0, 0.0}},
                 {"q4", {0.5, 0.35}}};
  const std::vector<double> column = {0.6, 0.1, 0.9, 0.0, 0.35};
  const auto i = bootstrap_interval(r, "ndcg_cut_10");
  ASSERT_TRUE(i.has_value());
  const MeasureInterval expected = bootstrap_interval("ndcg_cut_10", column);
  EXPECT_EQ(i->low, expected.low);
  EXPECT_EQ(i->high, expected.high);
  EXPECT_EQ(i->measure, "ndcg_cut_10");
  EXPECT_FALSE(bootstrap_interval(r, "ndcg_cut_100").has_value());
}

}  // namespace
}  // namespace embeval
