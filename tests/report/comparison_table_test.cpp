// The `compare` table: the header line names test, samples, seed, p rule and correction; the
// rows print the numbers given, small p in scientific notation, "*" for significant ones.
#include "embeval/report/comparison_table.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace embeval {
namespace {

std::vector<PairComparison> one_test() {
  PairComparison c;
  c.measure = "ndcg_cut_10";
  c.a = "bm25.trec";
  c.b = "e5.trec";
  c.result.n_queries = 300;
  c.result.mean_a = 0.61234;
  c.result.mean_b = 0.6;
  c.result.diff = 0.01234;
  c.result.p = 3e-7;
  c.result.ci_low = 0.005;
  c.result.ci_high = 0.0199;
  c.result.wins = 120;
  c.result.ties = 100;
  c.result.losses = 80;
  c.p_adjusted = 0.04;
  c.significant = true;
  return {c};
}

TEST(ComparisonTable, TTestRow) {
  const std::string table = format_comparison_table(one_test(), {});
  EXPECT_EQ(table,
            "paired t test (two-sided, df = n - 1); Holm-corrected over 1 test; * = p adjusted "
            "<= 0.05\n"
            "measure      a          b        queries  mean a  mean b    a - b           95% CI"
            "        p   p adj       W/T/L  sig\n"
            "-----------  ---------  -------  -------  ------  ------  -------  ---------------"
            "  -------  ------  ----------  ---\n"
            "ndcg_cut_10  bm25.trec  e5.trec      300  0.6123  0.6000  +0.0123  +0.0050 +0.0199"
            "  3.0e-07  0.0400  120/100/80  *\n");
}

TEST(ComparisonTable, RandomTestHeaderSaysHowToReproduce) {
  CompareOptions o;
  o.test.test = SignificanceTest::kBootstrap;
  o.test.samples = 5000;
  o.test.seed = 7;
  o.test.p_rule = PValueRule::kRanx;
  o.correction = PCorrection::kNone;
  o.alpha = 0.01;
  o.complete = true;
  const std::string table = format_comparison_table(one_test(), o);
  EXPECT_EQ(table.substr(0, table.find('\n')),
            "bootstrap test, 5000 samples, seed 7, p = count/B (ranx); no correction; * = p "
            "adjusted <= 0.01; every judged query (missing = 0)");
}

}  // namespace
}  // namespace embeval
