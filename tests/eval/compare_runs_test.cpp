// compare_runs() and comparison_json() on three small runs whose per-query values are known by
// construction. Five queries q1..q5, one relevant document each (dN, grade 1); each run puts
// it at a chosen rank among three non-relevant documents:
//   rank of dN     q1 q2 q3 q4 q5     recip_rank                 P_1
//   A              1  1  2  1  1      1   1   1/2 1   1          1 1 0 1 1
//   B              2  1  3  2  2      1/2 1   1/3 1/2 1/2        0 1 0 0 0
//   C              1  2  1  3  1      1   1/2 1   1/3 1          1 0 1 0 1
// Paired t p values (mpmath 1.3, 30 digits, betainc(2, 1/2, 0, 4 / (4 + t^2), regularized)):
//   recip_rank A-B: d = 1/2 0 1/6 1/2 1/2, t = sqrt(10)        p = 0.034109423167409626
//   recip_rank A-C: d = 0 1/2 -1/2 2/3 0,  t = 0.64465837       p = 0.55425799471694
//   recip_rank B-C: d = -1/2 1/2 -2/3 1/6 -1/2, t = -0.88465174 p = 0.42631720794036855
//   P_1 A-B: d = 1 0 0 1 1, t = 2.4494897 (sqrt(6))             p = 0.070483996910219968
//   P_1 A-C: d = 0 1 -1 1 0, t = 0.53452248                     p = 0.62130829503749701
//   P_1 B-C: d = -1 1 -1 0 -1, t = -1                           p = 0.37390096630005884
// Holm over the six: sorted 0.0341 0.0705 0.3739 0.4263 0.5543 0.6213 -> 6 * 0.0341 =
// 0.20465653900445775, 5 * 0.0705 = 0.35241998455109984, then 4 * 0.3739 > 1: the rest are 1.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/eval/significance.h"

namespace embeval {
namespace {

Qrels five_queries(int count = 5) {
  Qrels q;
  for (int i = 1; i <= count; ++i) {
    q.judgments[std::string("q") + std::to_string(i)][std::string("d") + std::to_string(i)] = 1;
  }
  return q;
}

TrecRun ranks(const std::vector<int>& rank_of_relevant) {
  TrecRun run;
  for (std::size_t i = 0; i < rank_of_relevant.size(); ++i) {
    const std::string q = std::to_string(i + 1);
    std::vector<std::string> docs = {"x0", "x1", "x2"};
    docs.insert(docs.begin() + (rank_of_relevant[i] - 1), std::string("d") + q);
    auto& entries = run.by_query[std::string("q") + q];
    for (std::size_t r = 0; r < docs.size(); ++r) {
      entries.push_back({docs[r], 10.0 - static_cast<double>(r)});
    }
  }
  return run;
}

std::vector<NamedRun> three_runs() {
  return {
      {"A", ranks({1, 1, 2, 1, 1})}, {"B", ranks({2, 1, 3, 2, 2})}, {"C", ranks({1, 2, 1, 3, 1})}};
}

const std::vector<std::string> kMeasures = {"recip_rank", "P.1"};

TEST(CompareRuns, OrderValuesAndHolmOverTheFamily) {
  const auto runs = three_runs();
  const std::vector<PairComparison> tests = compare_runs(five_queries(), runs, kMeasures, {});
  ASSERT_EQ(tests.size(), 6u);
  const char* measure[] = {"recip_rank", "recip_rank", "recip_rank", "P_1", "P_1", "P_1"};
  const char* a[] = {"A", "A", "B", "A", "A", "B"};
  const char* b[] = {"B", "C", "C", "B", "C", "C"};
  const double p[] = {0.034109423167409626, 0.55425799471694,    0.42631720794036855,
                      0.070483996910219968, 0.62130829503749701, 0.37390096630005884};
  const double adjusted[] = {0.20465653900445775, 1, 1, 0.35241998455109984, 1, 1};
  for (std::size_t k = 0; k < 6; ++k) {
    SCOPED_TRACE(k);
    EXPECT_EQ(tests[k].measure, measure[k]);
    EXPECT_EQ(tests[k].a, a[k]);
    EXPECT_EQ(tests[k].b, b[k]);
    EXPECT_EQ(tests[k].result.n_queries, 5u);
    EXPECT_NEAR(tests[k].result.p, p[k], 1e-12);
    EXPECT_NEAR(tests[k].p_adjusted, adjusted[k], 1e-12);
    EXPECT_FALSE(tests[k].significant);
  }
  EXPECT_NEAR(tests[0].result.mean_a, 0.9, 1e-15);
  EXPECT_NEAR(tests[0].result.mean_b, 17.0 / 30, 1e-15);
  EXPECT_EQ(tests[0].result.wins, 4u);
  EXPECT_EQ(tests[0].result.ties, 1u);
  EXPECT_EQ(tests[2].result.losses, 3u);
}

TEST(CompareRuns, NoCorrectionAndAlpha) {
  CompareOptions o;
  o.correction = PCorrection::kNone;
  const auto runs = three_runs();
  const std::vector<PairComparison> tests = compare_runs(five_queries(), runs, kMeasures, o);
  EXPECT_EQ(tests[0].p_adjusted, tests[0].result.p);
  EXPECT_TRUE(tests[0].significant);   // 0.0341 <= 0.05
  EXPECT_FALSE(tests[3].significant);  // 0.0705
  o.alpha = 0.1;
  EXPECT_TRUE(compare_runs(five_queries(), runs, kMeasures, o)[3].significant);
}

TEST(CompareRuns, ResultsDoNotDependOnThreadsOrOtherRuns) {
  CompareOptions o;
  o.test.test = SignificanceTest::kBootstrap;
  o.test.samples = 2000;
  o.threads = 1;
  const auto runs = three_runs();
  const auto one = compare_runs(five_queries(), runs, kMeasures, o);
  o.threads = 2;
  const auto two = compare_runs(five_queries(), runs, kMeasures, o);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t k = 0; k < one.size(); ++k) {
    EXPECT_EQ(one[k].result.p, two[k].result.p);
    EXPECT_EQ(one[k].result.ci_low, two[k].result.ci_low);
    EXPECT_EQ(one[k].result.ci_high, two[k].result.ci_high);
    EXPECT_EQ(one[k].p_adjusted, two[k].p_adjusted);
  }
  // A and B alone: the same p for that pair (each test draws from its own seeded generator).
  const std::vector<NamedRun> pair = {runs[0], runs[1]};
  const auto alone = compare_runs(five_queries(), pair, kMeasures, o);
  EXPECT_EQ(alone[0].result.p, one[0].result.p);
  EXPECT_EQ(alone[0].result.ci_low, one[0].result.ci_low);
}

// q6 is judged; A finds d6 at rank 1, B does not answer q6. Without --complete the pair is
// compared on q1..q5; with it on q1..q6, B scoring 0 on q6: mean_b = (17/6) / 6 = 17/36.
TEST(CompareRuns, CompleteCountsMissingQueriesAsZero) {
  std::vector<NamedRun> runs = {{"A", ranks({1, 1, 2, 1, 1, 1})}, {"B", ranks({2, 1, 3, 2, 2})}};
  const std::vector<std::string> rr = {"recip_rank"};
  const auto common = compare_runs(five_queries(6), runs, rr, {});
  EXPECT_EQ(common[0].result.n_queries, 5u);
  EXPECT_NEAR(common[0].result.mean_b, 17.0 / 30, 1e-15);
  CompareOptions o;
  o.complete = true;
  const auto complete = compare_runs(five_queries(6), runs, rr, o);
  EXPECT_EQ(complete[0].result.n_queries, 6u);
  EXPECT_NEAR(complete[0].result.mean_a, 5.5 / 6, 1e-15);
  EXPECT_NEAR(complete[0].result.mean_b, 17.0 / 36, 1e-15);
  EXPECT_EQ(complete[0].result.wins, 5u);
}

TEST(CompareRuns, MeasuresKeepTheOrderGivenWithoutDuplicates) {
  const auto runs = three_runs();
  const std::vector<std::string> measures = {"P.5,1", "recip_rank", "P.1"};
  const auto tests = compare_runs(five_queries(), runs, measures, {});
  ASSERT_EQ(tests.size(), 9u);  // P_1, P_5 (trec_eval order inside one -m), recip_rank
  EXPECT_EQ(tests[0].measure, "P_1");
  EXPECT_EQ(tests[3].measure, "P_5");
  EXPECT_EQ(tests[6].measure, "recip_rank");
}

TEST(CompareRuns, RefusesBadInput) {
  const auto runs = three_runs();
  const std::vector<NamedRun> one = {runs[0]};
  EXPECT_THROW((void)compare_runs(five_queries(), one, kMeasures, {}), InputError);
  const std::vector<std::string> counting = {"num_ret"};
  EXPECT_THROW((void)compare_runs(five_queries(), runs, counting, {}), InputError);
  const std::vector<std::string> unknown = {"bogus"};
  EXPECT_THROW((void)compare_runs(five_queries(), runs, unknown, {}), InputError);
  // One shared query is no basis for a test.
  const std::vector<NamedRun> disjoint = {{"A", ranks({1})}, {"B", ranks({1})}};
  EXPECT_THROW((void)compare_runs(five_queries(), disjoint, kMeasures, {}), InputError);
}

TEST(ComparisonJson, KeysInTheDocumentedOrder) {
  const auto runs = three_runs();
  CompareOptions o;
  const auto tests = compare_runs(five_queries(), runs, kMeasures, o);
  const auto json = nlohmann::ordered_json::parse(comparison_json(tests, o));
  ASSERT_EQ(json.begin().key(), "tests");
  ASSERT_EQ(json["tests"].size(), 6u);
  std::vector<std::string> keys;
  for (const auto& [key, value] : json["tests"][0].items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"measure", "a", "b", "n_queries", "mean_a", "mean_b",
                                            "diff", "p", "p_adjusted", "ci_low", "ci_high", "wins",
                                            "ties", "losses", "significant"}));
  EXPECT_EQ(json["tests"][3]["measure"], "P_1");
  EXPECT_NEAR(json["tests"][0]["p"].get<double>(), 0.034109423167409626, 1e-12);
  EXPECT_EQ(json["tests"][0]["wins"], 4);
  EXPECT_EQ(json["settings"]["test"], "t");
  EXPECT_EQ(json["settings"]["correction"], "holm");
}

}  // namespace
}  // namespace embeval
