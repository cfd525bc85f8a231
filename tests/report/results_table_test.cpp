#include "embeval/report/results_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/eval/statistics.h"
#include "embeval/pipeline/results_json.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

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

// The "(low-high)" after the nDCG value in the row of `label`, or "" when there is none.
// The row starts with the label, or with the model's letter and the label when the models were
// tested for significance ("a bm25_b-0").
bool starts_row(const std::string& table, std::size_t at) {
  if (at == 0 || table[at - 1] == '\n') return true;
  return at >= 3 && table[at - 1] == ' ' &&
         std::isalpha(static_cast<unsigned char>(table[at - 2])) && table[at - 3] == '\n';
}

std::string printed_interval(const std::string& table, const std::string& label) {
  std::size_t row = 0;
  while ((row = table.find(label + " ", row)) != std::string::npos && !starts_row(table, row)) {
    ++row;
  }
  if (row == std::string::npos) return "";
  const std::size_t open = table.find('(', row);
  const std::size_t close = table.find(')', open);
  const std::size_t end_of_row = table.find('\n', row);
  if (open == std::string::npos || close == std::string::npos || close > end_of_row) return "";
  return table.substr(open, close - open + 1);
}

TEST(ResultsTable, PrintsTheRecordedInterval) {
  EvaluationResults r;
  ModelResult m = model_with({"ndcg_cut_10"}, {0.5});
  m.headline_interval = MeasureInterval{"ndcg_cut_10", "test", 0.95, 0.111, 0.999, 1, 1};
  r.models.push_back(m);
  EXPECT_EQ(printed_interval(format_results_table(r), "m"), "(0.111-0.999)");
}

TEST(ResultsTable, ResultsJsonRecordsTheIntervalTheTablePrints) {
  // End to end, with no setting asking for it: for every model, the interval in results.json is
  // bootstrap_interval() of its per-query nDCG@10, and the table `eval` prints shows it.
  const testing::TempDir dir("embeval-table-ci");
  Dataset d;
  d.name = "ci";
  for (int i = 0; i < 20; ++i) {
    const std::string n = std::to_string(i);
    // "common" and "filler" counts vary apart, so length normalisation (b) changes the ranking.
    std::string text = "word" + n;
    for (int c = 0; c <= i % 3; ++c) text += " common";
    for (int f = 0; f < (i * 7) % 5 * 3; ++f) text += " filler";
    d.corpus.push_back({"d" + n, "", text});
    d.queries.push_back({"q" + n, (i % 3 == 0 ? "word" : "common word") + n});
    d.qrels.judgments["q" + n] = {{"d" + n, 1}, {"d" + std::to_string((i + 1) % 20), 1}};
  }
  EvaluationConfig config;
  config.model_specs = {"bm25?b=0", "bm25?b=1&k1=2"};
  config.out_dir = dir;
  const EvaluationResults results = run_evaluation(d, dir, config);
  const EvaluationResults on_disk = read_results_json(dir / "results.json");
  const std::string table = format_results_table(results);
  ASSERT_EQ(on_disk.models.size(), 2u);
  for (const ModelResult& m : on_disk.models) {
    ASSERT_TRUE(m.headline_interval.has_value()) << m.label;
    const MeasureInterval& recorded = *m.headline_interval;
    EXPECT_EQ(recorded.measure, "ndcg_cut_10");
    EXPECT_EQ(recorded.method, "percentile bootstrap over queries");
    EXPECT_EQ(recorded.level, 0.95);
    EXPECT_EQ(recorded.resamples, 1000);
    EXPECT_EQ(recorded.seed, 42u);
    const std::optional<MeasureInterval> expected = bootstrap_interval(m.metrics, "ndcg_cut_10");
    ASSERT_TRUE(expected.has_value());
    EXPECT_EQ(recorded.low, expected->low) << m.label;
    EXPECT_EQ(recorded.high, expected->high) << m.label;
    EXPECT_LT(recorded.low, recorded.high) << m.label;  // the data vary: a real interval
    char cell[64];
    std::snprintf(cell, sizeof cell, "(%.3f-%.3f)", recorded.low, recorded.high);
    EXPECT_EQ(printed_interval(table, m.label), cell) << table;
  }
  // Two models whose intervals differ, so a table printing one model's interval on every row
  // would fail above.
  EXPECT_NE(printed_interval(table, on_disk.models[0].label),
            printed_interval(table, on_disk.models[1].label))
      << table;
}

}  // namespace
}  // namespace embeval
