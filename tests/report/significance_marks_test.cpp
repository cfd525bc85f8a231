// The table's significance marks on runs built so the differences are known: ten queries with one
// relevant document each; A finds it first in all ten (nDCG@10 1), B in nine, C in two.
//   A-B: d = 1 on one query:   t = 1,        p = 0.3434364 (not significant)
//   A-C: d = 1 on eight:       t = 6,        p = 0.00020249933
//   B-C: d = 1 on seven:       t = 4.5825757, p = 0.0013229506
// (two-sided Student t, df 9, by numerical integration of the density in numpy). Holm over the
// three: A-C 3p = 0.000607498, B-C 2p = 0.0026459, A-B 0.3434364; so A and B are significantly
// better than C ("^c") and A is not significantly better than B.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "embeval/eval/qrels.h"
#include "embeval/pipeline/model_comparisons.h"
#include "embeval/report/results_table.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// The table line that starts with `start`, "" when none does.
std::string row(const std::string& table, const std::string& start) {
  std::size_t at = 0;
  while (at < table.size()) {
    const std::size_t end = table.find('\n', at);
    const std::string line = table.substr(at, end - at);
    if (line.rfind(start, 0) == 0) return line;
    if (end == std::string::npos) break;
    at = end + 1;
  }
  return {};
}

class SignificanceMarks : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string qrels;
    std::string a;
    std::string b;
    std::string c;
    for (int i = 0; i < 10; ++i) {
      const std::string q = "q" + std::to_string(i);
      const std::string hit = q + " Q0 d" + std::to_string(i) + " 1 2.0 t\n";
      const std::string miss = q + " Q0 x" + std::to_string(i) + " 1 2.0 t\n";
      qrels += q + " 0 d" + std::to_string(i) + " 1\n";
      a += hit;
      b += i < 9 ? hit : miss;
      c += i < 2 ? hit : miss;
    }
    dir_.write("qrels.txt", qrels);
    results_.num_queries = 10;
    results_.config.k = 100;
    const std::pair<const char*, std::string> runs[] = {{"A", a}, {"B", b}, {"C", c}};
    const double ndcg[] = {1.0, 0.9, 0.2};
    for (std::size_t i = 0; i < 3; ++i) {
      ModelResult m;
      m.label = runs[i].first;
      m.run_file = dir_.write(m.label + ".trec", runs[i].second);
      m.metrics.measure_names = {"ndcg_cut_10"};
      m.metrics.mean = {ndcg[i]};
      m.headline_interval = MeasureInterval{"ndcg_cut_10", "test", 0.95, 0.0, 1.0, 1, 1};
      results_.models.push_back(std::move(m));
    }
  }
  testing::TempDir dir_{"embeval-marks"};
  EvaluationResults results_;
};

TEST_F(SignificanceMarks, HolmDecidesWhichPairsAreMarked) {
  const std::vector<std::string> measures = {"ndcg_cut.10"};
  CompareOptions options;
  options.complete = true;
  const ModelComparisons c =
      compare_models(read_qrels(dir_ / "qrels.txt"), results_.models, measures, options);
  ASSERT_EQ(c.tests.size(), 3u);
  // compare_runs() order: (A,B), (A,C), (B,C).
  EXPECT_EQ(c.tests[0].a, "A");
  EXPECT_EQ(c.tests[0].b, "B");
  EXPECT_NEAR(c.tests[0].result.p, 0.3434364, 1e-6);
  EXPECT_NEAR(c.tests[0].p_adjusted, 0.3434364, 1e-6);
  EXPECT_FALSE(c.tests[0].significant);
  EXPECT_NEAR(c.tests[1].result.p, 0.00020249933, 1e-9);
  EXPECT_NEAR(c.tests[1].p_adjusted, 3 * 0.00020249933, 3e-9);
  EXPECT_TRUE(c.tests[1].significant);
  EXPECT_NEAR(c.tests[2].result.p, 0.0013229506, 1e-9);
  EXPECT_NEAR(c.tests[2].p_adjusted, 2 * 0.0013229506, 2e-9);
  EXPECT_TRUE(c.tests[2].significant);
  EXPECT_DOUBLE_EQ(c.tests[1].result.diff, 0.8);

  EXPECT_EQ(significantly_better_than(c, "ndcg_cut_10", "A"), std::vector<std::string>{"C"});
  EXPECT_EQ(significantly_better_than(c, "ndcg_cut_10", "B"), std::vector<std::string>{"C"});
  EXPECT_TRUE(significantly_better_than(c, "ndcg_cut_10", "C").empty());

  results_.comparisons = c;
  const std::string table = format_results_table(results_);
  EXPECT_NE(row(table, "a A ").find(" 1.0000 (0.000-1.000)^c "), std::string::npos) << table;
  EXPECT_NE(row(table, "b B ").find(" 0.9000 (0.000-1.000)^c "), std::string::npos) << table;
  EXPECT_NE(row(table, "c C ").find(" 0.2000 (0.000-1.000) "), std::string::npos) << table;
  EXPECT_EQ(row(table, "c C ").find('^'), std::string::npos) << table;
  EXPECT_NE(table.find("(paired t test, Holm over 3 tests, alpha 0.05;"), std::string::npos)
      << table;
}

TEST_F(SignificanceMarks, WithoutCorrectionTheSamePValuesMarkTheSamePairs) {
  // Uncorrected, A-B stays at p = 0.34: the marks do not change, the legend says so.
  const std::vector<std::string> measures = {"ndcg_cut.10"};
  CompareOptions options;
  options.complete = true;
  options.correction = PCorrection::kNone;
  results_.comparisons =
      compare_models(read_qrels(dir_ / "qrels.txt"), results_.models, measures, options);
  const std::string table = format_results_table(results_);
  EXPECT_NE(table.find("(paired t test, no correction over 3 tests"), std::string::npos) << table;
  EXPECT_EQ(table.find("^b"), std::string::npos) << table;
}

TEST_F(SignificanceMarks, NoComparisonsNoLettersNoLegend) {
  const std::string table = format_results_table(results_);
  EXPECT_EQ(table.find("a A"), std::string::npos) << table;
  EXPECT_EQ(table.find("letters:"), std::string::npos) << table;
}

}  // namespace
}  // namespace embeval
