// Paired significance (eval/significance.h) against values computed independently:
//  * Student t: mpmath 1.3 (python3, 30 digits), betainc(df/2, 1/2, 0, df/(df+t^2),
//    regularized=True) for the two-sided p and findroot on it for quantiles; the df = 4 values
//    also follow from the closed form p = 1 - (3/2) u + (1/2) u^3, u = t / sqrt(4 + t^2), and the
//    df = 2 one from p = 1 - t / sqrt(2 + t^2). Table values: t(0.975, 9) = 2.262157,
//    t(0.975, 1) = 12.706205.
//  * xoshiro256**: the published test vector (state {1, 2, 3, 4}) and, for seed 42, a python3
//    implementation written from the algorithm's definition (integers mod 2^64).
//  * fisher and bootstrap for seed 42: that python3 implementation of the same draws (Python
//    floats are IEEE doubles summed in the same order, so the values agree to the last bit).
#include "embeval/eval/significance.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

#include "embeval/core/error.h"

namespace embeval {
namespace {

TEST(StudentT, QuantilesMatchTables) {
  EXPECT_NEAR(student_t_quantile(0.975, 9), 2.2621571627982055, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 1), 12.706204736174705, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 4), 2.7764451051977944, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.975, 30), 2.0422724563012383, 1e-9);
  EXPECT_NEAR(student_t_quantile(0.025, 9), -2.2621571627982055, 1e-9);
  EXPECT_EQ(student_t_quantile(0.5, 7), 0);
}

TEST(StudentT, CdfAndTwoSidedPMatchMpmath) {
  EXPECT_NEAR(student_t_cdf(1.5, 3), 0.88470806737758847, 1e-12);
  EXPECT_NEAR(student_t_cdf(-1.5, 3), 1 - 0.88470806737758847, 1e-12);
  EXPECT_NEAR(student_t_cdf(0, 5), 0.5, 1e-15);
  // df = 2: 1 - 40 / sqrt(1602).
  EXPECT_NEAR(student_t_two_sided_p(40, 2), 0.00062441467218474064, 1e-15);
  // df = 4, t = 1: 1 - 1.5 / sqrt(5) + 0.5 / 5^1.5.
  EXPECT_NEAR(student_t_two_sided_p(1, 4), 0.37390096630005884, 1e-12);
  EXPECT_EQ(student_t_two_sided_p(0, 4), 1);
}

TEST(Xoshiro, MatchesThePublishedVectorForState1234) {
  Xoshiro256StarStar random = Xoshiro256StarStar::from_state({1, 2, 3, 4});
  const std::array<std::uint64_t, 10> expected = {11520ULL,
                                                  0ULL,
                                                  1509978240ULL,
                                                  1215971899390074240ULL,
                                                  1216172134540287360ULL,
                                                  607988272756665600ULL,
                                                  16172922978634559625ULL,
                                                  8476171486693032832ULL,
                                                  10595114339597558777ULL,
                                                  2904607092377533576ULL};
  for (const std::uint64_t value : expected) EXPECT_EQ(random.next(), value);
}

TEST(Xoshiro, SeedIsExpandedBySplitmix64) {
  // python3: state = the first four splitmix64 outputs from 42, then xoshiro256**.
  Xoshiro256StarStar random(42);
  EXPECT_EQ(random.next(), 1546998764402558742ULL);
  EXPECT_EQ(random.next(), 6990951692964543102ULL);
  EXPECT_EQ(random.next(), 12544586762248559009ULL);
}

TEST(Xoshiro, BelowStaysInRange) {
  Xoshiro256StarStar random(7);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(random.below(1), 0u);
  std::array<int, 3> seen{};
  for (int i = 0; i < 3000; ++i) {
    const std::uint64_t v = random.below(3);
    ASSERT_LT(v, 3u);
    ++seen[v];
  }
  for (const int count : seen) EXPECT_GT(count, 800);  // 1000 expected, sd 26
}

// The worked example of docs/compare.md: five queries, a - b = d.
//   a = 0.5 0.8 0.3  0.9 0.6   (mean 0.62)
//   b = 0.4 0.6 0.35 0.7 0.5   (mean 0.51)
//   d = 0.1 0.2 -0.05 0.2 0.1  mean 0.11; squared deviations 0.0001 0.0081 0.0256 0.0081 0.0001
//   sum 0.042, sd = sqrt(0.042 / 4) = 0.10247, se = sd / sqrt(5) = 0.045826,
//   t = 0.11 / 0.045826 = 2.4003968, df 4: p = 0.074324335 (closed form above);
//   interval 0.11 -+ 2.7764451 * 0.045826 = [-0.0172327, 0.2372327].
const std::vector<double> kA = {0.5, 0.8, 0.3, 0.9, 0.6};
const std::vector<double> kB = {0.4, 0.6, 0.35, 0.7, 0.5};

TEST(PairedTest, TTestOnTheWorkedExample) {
  const PairedTestResult r = paired_test(kA, kB, {});
  EXPECT_EQ(r.n_queries, 5u);
  EXPECT_NEAR(r.mean_a, 0.62, 1e-15);
  EXPECT_NEAR(r.mean_b, 0.51, 1e-15);
  EXPECT_NEAR(r.diff, 0.11, 1e-15);
  EXPECT_NEAR(r.p, 0.074324334826368792, 1e-12);
  EXPECT_NEAR(r.ci_low, -0.017232698574585228, 1e-12);
  EXPECT_NEAR(r.ci_high, 0.23723269857458523, 1e-12);
  EXPECT_EQ(r.wins, 4u);
  EXPECT_EQ(r.ties, 0u);
  EXPECT_EQ(r.losses, 1u);
}

TEST(PairedTest, ZeroSpreadFollowsTheRule) {
  const std::vector<double> a = {0.3, 0.5, 0.7};
  const PairedTestResult same = paired_test(a, a, {});
  EXPECT_EQ(same.p, 1);
  EXPECT_EQ(same.ties, 3u);
  EXPECT_EQ(same.ci_low, 0);
  EXPECT_EQ(same.ci_high, 0);
  const std::vector<double> b = {0.25, 0.45, 0.65};  // d = 0.05 (up to rounding) everywhere
  const std::vector<double> a2 = {0.5, 0.5, 0.5};
  const std::vector<double> b2 = {0.25, 0.25, 0.25};  // d = 0.25 exactly everywhere
  const PairedTestResult shifted = paired_test(a2, b2, {});
  EXPECT_EQ(shifted.p, 0);
  EXPECT_EQ(shifted.ci_low, 0.25);
  EXPECT_EQ(shifted.ci_high, 0.25);
  EXPECT_EQ(shifted.wins, 3u);
  // Differences equal only up to rounding have a tiny spread, and a tiny p all the same.
  EXPECT_LT(paired_test(a, b, {}).p, 1e-6);
}

TEST(PairedTest, TiesUseTheTolerance) {
  const std::vector<double> a = {0.5, 0.5 + 1e-13, 0.5 + 1e-11, 0.4};
  const std::vector<double> b = {0.5, 0.5, 0.5, 0.5};
  const PairedTestResult r = paired_test(a, b, {});
  EXPECT_EQ(r.wins, 1u);
  EXPECT_EQ(r.ties, 2u);
  EXPECT_EQ(r.losses, 1u);
}

PairedTestOptions random_test(SignificanceTest test, int samples,
                              PValueRule rule = PValueRule::kPlusOne) {
  PairedTestOptions o;
  o.test = test;
  o.samples = samples;
  o.seed = 42;
  o.p_rule = rule;
  return o;
}

// python3, B = 1000, seed 42: 9 resamples have |mean* - 0.11| >= 0.11, p = 10 / 1001; the sorted
// means at indices 24 and 974 are 0.009999999999999998 and 0.18000000000000005.
TEST(PairedTest, BootstrapForSeed42) {
  const PairedTestResult r = paired_test(kA, kB, random_test(SignificanceTest::kBootstrap, 1000));
  EXPECT_EQ(r.p, 10.0 / 1001);
  EXPECT_EQ(r.ci_low, 0.009999999999999998);
  EXPECT_EQ(r.ci_high, 0.18000000000000005);
  const PairedTestResult ranx =
      paired_test(kA, kB, random_test(SignificanceTest::kBootstrap, 1000, PValueRule::kRanx));
  EXPECT_EQ(ranx.p, 9.0 / 1000);
}

// python3, B = 1000, seed 42: 125 sign patterns reach |mean| >= 0.11, p = 126 / 1001. The exact
// permutation p is 4 / 32 = 0.125 (both signs of all five, or of d with only -0.05 flipped).
// The interval is the bootstrap's for the same B and seed.
TEST(PairedTest, FisherForSeed42) {
  const PairedTestResult r = paired_test(kA, kB, random_test(SignificanceTest::kFisher, 1000));
  EXPECT_EQ(r.p, 126.0 / 1001);
  EXPECT_EQ(r.ci_low, 0.009999999999999998);
  EXPECT_EQ(r.ci_high, 0.18000000000000005);
  const PairedTestResult ranx =
      paired_test(kA, kB, random_test(SignificanceTest::kFisher, 1000, PValueRule::kRanx));
  EXPECT_EQ(ranx.p, 125.0 / 1000);
}

// 70 queries, so a sample's signs span two generator outputs. a_i = ((37 i) mod 101) / 100,
// b_i = ((53 i) mod 97) / 100 + 0.05 (the same doubles in python3); mean(d) = -0.014.
// python3, B = 2000, seed 9: fisher count 1501; bootstrap count 1471, interval
// [-0.09957142857142857, 0.07071428571428569].
TEST(PairedTest, SeventyQueriesForSeed9) {
  std::vector<double> a;
  std::vector<double> b;
  for (int i = 0; i < 70; ++i) {
    a.push_back(((i * 37) % 101) / 100.0);
    b.push_back(((i * 53) % 97) / 100.0 + 0.05);
  }
  PairedTestOptions o = random_test(SignificanceTest::kFisher, 2000);
  o.seed = 9;
  EXPECT_EQ(paired_test(a, b, o).p, 1502.0 / 2001);
  o.test = SignificanceTest::kBootstrap;
  const PairedTestResult r = paired_test(a, b, o);
  EXPECT_EQ(r.p, 1472.0 / 2001);
  EXPECT_EQ(r.ci_low, -0.09957142857142857);
  EXPECT_EQ(r.ci_high, 0.07071428571428569);
}

TEST(PairedTest, FisherApproachesTheExactPermutationP) {
  // 40000 flips: sd of the estimate sqrt(0.125 * 0.875 / 40000) = 0.0017; 0.008 is 4.8 sd.
  const PairedTestResult r = paired_test(kA, kB, random_test(SignificanceTest::kFisher, 40000));
  EXPECT_NEAR(r.p, 0.125, 0.008);
}

TEST(PairedTest, RandomTestsAreReproducibleAndSeedDependent) {
  PairedTestOptions o = random_test(SignificanceTest::kBootstrap, 500);
  const PairedTestResult first = paired_test(kA, kB, o);
  const PairedTestResult again = paired_test(kA, kB, o);
  EXPECT_EQ(first.p, again.p);
  EXPECT_EQ(first.ci_low, again.ci_low);
  EXPECT_EQ(first.ci_high, again.ci_high);
  o.seed = 43;
  const PairedTestResult other = paired_test(kA, kB, o);
  EXPECT_TRUE(other.p != first.p || other.ci_low != first.ci_low || other.ci_high != first.ci_high);
}

TEST(PairedTest, ZeroMeanGivesPOne) {
  const std::vector<double> a = {0.2, 0.4};
  const std::vector<double> b = {0.4, 0.2};
  EXPECT_EQ(paired_test(a, b, random_test(SignificanceTest::kFisher, 100)).p, 1);
  EXPECT_EQ(paired_test(a, b, random_test(SignificanceTest::kBootstrap, 100)).p, 1);
  EXPECT_EQ(paired_test(a, b, {}).p, 1);
}

TEST(PairedTest, RefusesTooFewQueriesAndNoSamples) {
  const std::vector<double> one = {0.5};
  EXPECT_THROW((void)paired_test(one, one, {}), InputError);
  EXPECT_THROW((void)paired_test(kA, one, {}), InputError);
  EXPECT_THROW((void)paired_test(kA, kB, random_test(SignificanceTest::kFisher, 0)), InputError);
}

TEST(Holm, AdjustsAKnownFamily) {
  // Sorted: 0.005 0.01 0.03 0.04 -> 4*0.005 = 0.02, 3*0.01 = 0.03, 2*0.03 = 0.06,
  // max(0.06, 1*0.04) = 0.06; back in input order.
  const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
  const std::vector<double> adjusted = holm_adjust(p);
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
}

TEST(Holm, CapsAtOneAndKeepsSingletons) {
  const std::vector<double> p = {0.6, 0.9};
  EXPECT_EQ(holm_adjust(p), (std::vector<double>{1, 1}));
  const std::vector<double> single = {0.3};
  EXPECT_EQ(holm_adjust(single), (std::vector<double>{0.3}));
  EXPECT_TRUE(holm_adjust({}).empty());
}

TEST(ParseNames, KnownAndUnknown) {
  EXPECT_EQ(parse_significance_test("fisher"), SignificanceTest::kFisher);
  EXPECT_EQ(parse_p_correction("none"), PCorrection::kNone);
  EXPECT_THROW((void)parse_significance_test("wilcoxon"), InputError);
  EXPECT_THROW((void)parse_p_correction("bonferroni"), InputError);
}

}  // namespace
}  // namespace embeval
