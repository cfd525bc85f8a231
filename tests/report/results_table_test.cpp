#include "embeval/report/results_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "embeval/pipeline/results_json.h"
#include "support/temp_dir.h"

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

namespace embeval {
namespace {

ModelResult model_with(const std::vector<std::string>& names, const std::vector<double>& mean) {
  ModelResult m;
  m.label = "m";
  m.metrics.measure_names = names;
  m.metrics.mean = mean;
  m.metrics.per_query = {{"q1", mean}};
  return m;
}

TEST(ResultsTable, LabelsColumnsWithTheCutoffsTheRunHas) {
  EvaluationResults r;
  r.config.k = 10;
  r.models.push_back(model_with({"ndcg_cut_10", "recall_10", "mrr_cut_10", "map_cut_10"},
                                {0.5, 0.25, 0.125, 0.0625}));
  const std::string table = format_results_table(r);
  EXPECT_NE(table.find("R@10 "), std::string::npos) << table;
  EXPECT_NE(table.find("MAP@10 "), std::string::npos) << table;
  EXPECT_EQ(table.find("@100"), std::string::npos) << table;
  EXPECT_NE(table.find("0.2500"), std::string::npos) << table;  // recall_10 found, not "-"
  EXPECT_NE(table.find("0.0625"), std::string::npos) << table;

  r.config.k = 5;
  r.models[0] = model_with({"ndcg_cut_5", "recall_5"}, {0.5, 0.75});
  const std::string five = format_results_table(r);
  EXPECT_NE(five.find("nDCG@5 (95% CI)"), std::string::npos) << five;
  EXPECT_NE(five.find("0.7500"), std::string::npos) << five;
}

TEST(ResultsTable, TimeIncludesLoadAndFitAndALegendSaysSo) {
  EvaluationResults r;
  ModelResult m = model_with({"ndcg_cut_10"}, {0.5});
  m.timings.load_s = 2;
  m.timings.fit_s = 1;
  m.timings.encode_documents_s = 0.25;
  m.timings.search_s = 0.25;
  r.models.push_back(m);
  const std::string table = format_results_table(r);
  EXPECT_NE(table.find("load+fit"), std::string::npos) << table;
  EXPECT_NE(table.find("3.00s"), std::string::npos) << table;  // load + fit
  EXPECT_NE(table.find("3.50s"), std::string::npos) << table;  // everything
  EXPECT_NE(table.find("time: all of it, load to run"), std::string::npos) << table;
}

TEST(ResultsTable, PrintsTheRecordedIntervalAndResultsJsonRecordsTheTablesInterval) {
  EvaluationResults r;
  ModelResult m = model_with({"ndcg_cut_10"}, {0.5});
  m.headline_interval = MeasureInterval{"ndcg_cut_10", "test", 0.95, 0.111, 0.999, 1, 1};
  r.models.push_back(m);
  EXPECT_NE(format_results_table(r).find("0.5000 (0.111-0.999)"), std::string::npos);

  // End to end: the interval in results.json is bootstrap_mean_ci of the per-query values, and
  // the one the table prints.
  const testing::TempDir dir("embeval-table-ci");
  Dataset d;
  d.name = "ci";
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    d.corpus.push_back({"d" + n, "", "word" + n + " common"});
    d.queries.push_back({"q" + n, (i % 3 == 0 ? "word" : "common word") + n});
    d.qrels.judgments["q" + n] = {{"d" + n, 1}, {"d" + std::to_string((i + 1) % 20), 1}};
  }
  EvaluationConfig config;
  config.model_specs = {"bm25"};
  config.out_dir = dir;
  config.interval = bootstrap_interval;
  const EvaluationResults results = run_evaluation(d, dir, config);
  const EvaluationResults on_disk = read_results_json(dir / "results.json");
  ASSERT_TRUE(on_disk.models.at(0).headline_interval.has_value());
  const MeasureInterval& recorded = *on_disk.models[0].headline_interval;
  EXPECT_EQ(recorded.measure, "ndcg_cut_10");
  std::vector<double> values;
  const auto& names = on_disk.models[0].metrics.measure_names;
  const auto column = static_cast<std::size_t>(
      std::find(names.begin(), names.end(), "ndcg_cut_10") - names.begin());
  for (const auto& [qid, row] : on_disk.models[0].metrics.per_query) values.push_back(row[column]);
  const ConfidenceInterval expected = bootstrap_mean_ci(values);
  EXPECT_EQ(recorded.low, expected.low);
  EXPECT_EQ(recorded.high, expected.high);
  EXPECT_LT(recorded.low, recorded.high);  // the data vary: a real interval
  char cell[64];
  std::snprintf(cell, sizeof cell, "(%.3f-%.3f)", expected.low, expected.high);
  EXPECT_NE(format_results_table(results).find(cell), std::string::npos);
}

}  // namespace
}  // namespace embeval
