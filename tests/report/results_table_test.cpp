#include "embeval/results_table.h"

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

TEST(BootstrapCi, EmptyInput) {
  const auto ci = bootstrap_mean_ci({});
  EXPECT_EQ(ci.low, 0);
  EXPECT_EQ(ci.high, 0);
}

TEST(ResultsTable, ShowsOneRowPerModelWithFormattedMeasures) {
  EvaluationResults r;
  r.dataset_name = "toy";
  r.num_documents = 3;
  r.num_queries = 2;
  r.num_judgments = 2;
  ModelResult m;
  m.label = "bm25";
  m.metrics.measure_names = {"ndcg_cut_10", "recall_100", "mrr_cut_10", "map_cut_100"};
  m.metrics.mean = {0.5, 1.0, 0.75, 0.125};
  m.metrics.per_query = {{"q1", {1.0, 1.0, 1.0, 0.25}}, {"q2", {0.0, 1.0, 0.5, 0.0}}};
  m.index_bytes = 2048;
  m.timings.documents_per_s = 12345;
  m.timings.queries_per_s = 50;
  r.models.push_back(m);
  const std::string table = format_results_table(r);
  EXPECT_NE(table.find("dataset toy: 3 documents, 2 queries, 2 judgments"), std::string::npos);
  EXPECT_NE(table.find("0.5000 (0.000-1.000)"), std::string::npos) << table;
  EXPECT_NE(table.find("1.0000"), std::string::npos);
  EXPECT_NE(table.find("0.7500"), std::string::npos);
  EXPECT_NE(table.find("0.1250"), std::string::npos);
  EXPECT_NE(table.find("12.3k"), std::string::npos);
  EXPECT_NE(table.find("2.0 KiB"), std::string::npos);
}

}  // namespace
}  // namespace embeval
