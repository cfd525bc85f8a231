// eval --tune-on SPLIT (tune=SPLIT): a hybrid's weights chosen on another split's qrels, then
// evaluated on the evaluated split. The dataset is built so the choice is known by hand:
//
//   corpus: a_rel "runs runs", z_dis "running fast track", apple "apple", ...
//   bm25 (english analyzer, Porter: runs, running -> run) lists a_rel first (tf 2, shorter), then
//   z_dis: min-max 1 and 0. bm25 standard (no stemming) lists z_dis alone: min-max of one score
//   is 0 (ranx: (s - min) / max(max - min, 1e-9)). So wsum gives a_rel = w1, z_dis = 0.
//   dev judges q_dev ("running") -> a_rel: weights (0, 1) leave a tie at 0, broken by document
//   id descending (z_dis first: nDCG 1/log2 3); (0.1, 0.9) is the first grid point that puts
//   a_rel first (nDCG 1): the choice. Tuned on test instead (q_test "running" -> z_dis) the
//   choice would have been (0, 1): dev and test disagree, so the choice shows which split tuned.
//   q_both ("apple" -> apple) is judged in both splits: reported as leakage; a one-document list
//   ranks apple first whatever the weights (nDCG 1), so it does not move the choice.
//   Evaluated on test with (0.1, 0.9): q_test has z_dis second (1/log2 3), q_both 1.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/fusion/hybrid_spec.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/pipeline/results_json.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

constexpr const char* kBm25 = "bm25?analyzer=english&b=0.4&k1=0.9";
constexpr const char* kBm25Standard = "bm25?analyzer=standard&b=0.4&k1=0.9";

std::filesystem::path write_dataset(const testing::TempDir& dir) {
  const std::filesystem::path root = dir / "data";
  std::filesystem::create_directories(root / "qrels");
  dir.write("data/corpus.jsonl",
            "{\"_id\": \"a_rel\", \"title\": \"\", \"text\": \"runs runs\"}\n"
            "{\"_id\": \"z_dis\", \"title\": \"\", \"text\": \"running fast track\"}\n"
            "{\"_id\": \"apple\", \"title\": \"\", \"text\": \"apple\"}\n"
            "{\"_id\": \"b1\", \"title\": \"\", \"text\": \"banana cherry\"}\n"
            "{\"_id\": \"b2\", \"title\": \"\", \"text\": \"grape melon\"}\n");
  dir.write("data/queries.jsonl",
            "{\"_id\": \"q_dev\", \"text\": \"running\"}\n"
            "{\"_id\": \"q_test\", \"text\": \"running\"}\n"
            "{\"_id\": \"q_both\", \"text\": \"apple\"}\n");
  dir.write("data/qrels/dev.tsv",
            "query-id\tcorpus-id\tscore\nq_dev\ta_rel\t1\nq_both\tapple\t1\n");
  dir.write("data/qrels/test.tsv",
            "query-id\tcorpus-id\tscore\nq_test\tz_dis\t1\nq_both\tapple\t1\n");
  return root;
}

double mean_of(const ModelResult& m, const std::string& name) {
  for (std::size_t i = 0; i < m.metrics.measure_names.size(); ++i) {
    if (m.metrics.measure_names[i] == name) return m.metrics.mean[i];
  }
  ADD_FAILURE() << "no measure " << name;
  return NAN;
}

TEST(HybridTuneOn, WeightsChosenOnDevEvaluatedOnTestLeakageReported) {
  const testing::TempDir dir("embeval-tune-on");
  const std::filesystem::path data = write_dataset(dir);
  EvaluationConfig config;
  config.model_specs = {"hybrid:wsum(bm25,bm25?analyzer=standard)"};
  config.out_dir = dir / "out";
  config.split = "test";
  config.tune_split = "dev";
  BeirLoadOptions load;
  load.split = "test";
  const Dataset dataset = load_beir(data, load);
  const EvaluationResults r = run_evaluation(dataset, data, config);
  ASSERT_EQ(r.models.size(), 3u);
  const ModelResult& h = r.models[2];
  EXPECT_EQ(h.spec,
            std::string("hybrid:wsum(") + kBm25 + "," + kBm25Standard + ")?norm=minmax&tune=dev");
  EXPECT_EQ(HybridSpec::parse(h.spec).to_string(), h.spec);
  ASSERT_TRUE(h.hybrid.has_value());
  EXPECT_EQ(h.hybrid->tune_split, "dev");
  EXPECT_EQ(h.hybrid->tuned_measure, "ndcg_cut.10");
  ASSERT_EQ(h.hybrid->folds.size(), 1u);
  const FoldChoice& choice = h.hybrid->folds[0];
  ASSERT_EQ(choice.chosen.weights.size(), 2u);
  EXPECT_NEAR(choice.chosen.weights[0], 0.1, 1e-12);
  EXPECT_NEAR(choice.chosen.weights[1], 0.9, 1e-12);
  EXPECT_EQ(choice.train_queries, 2u);  // q_dev, q_both
  EXPECT_EQ(choice.test_queries, 2u);   // q_test, q_both
  EXPECT_NEAR(choice.train_score, 1.0, 1e-12);
  EXPECT_EQ(h.hybrid->queries_in_both_splits, (std::vector<std::string>{"q_both"}));
  const double second = 1.0 / std::log2(3.0);
  EXPECT_NEAR(mean_of(h, "ndcg_cut_10"), (second + 1.0) / 2.0, 1e-12);
  // The components ran on dev's queries in their own results folder.
  EXPECT_TRUE(std::filesystem::exists(dir / "out" / "tune-dev" / "results.json"));
  bool leakage_noted = false;
  for (const std::string& n : r.notes) {
    if (n.find("judged in both 'dev' and 'test'") != std::string::npos &&
        n.find("q_both") != std::string::npos) {
      leakage_noted = true;
    }
  }
  EXPECT_TRUE(leakage_noted);
  // results.json keeps the split, the choice and the leakage.
  const EvaluationResults back = read_results_json(dir / "out" / "results.json");
  ASSERT_EQ(back.models.size(), 3u);
  ASSERT_TRUE(back.models[2].hybrid.has_value());
  EXPECT_EQ(back.models[2].hybrid->tune_split, "dev");
  EXPECT_EQ(back.models[2].hybrid->queries_in_both_splits, (std::vector<std::string>{"q_both"}));
  EXPECT_NEAR(back.models[2].hybrid->folds.at(0).chosen.weights.at(0), 0.1, 1e-12);
}

TEST(HybridTuneOn, TuningOnTheEvaluatedSplitIsRefused) {
  const testing::TempDir dir("embeval-tune-on");
  const std::filesystem::path data = write_dataset(dir);
  BeirLoadOptions load;
  load.split = "test";
  const Dataset dataset = load_beir(data, load);
  EvaluationConfig config;
  config.model_specs = {"hybrid:wsum(bm25,bm25?analyzer=standard)"};
  config.out_dir = dir / "out";
  config.split = "test";
  config.tune_split = "test";
  EXPECT_THROW((void)run_evaluation(dataset, data, config), InputError);
  config.tune_split.clear();
  config.model_specs = {"hybrid:wsum(bm25,bm25?analyzer=standard)?tune=test"};
  EXPECT_THROW((void)run_evaluation(dataset, data, config), InputError);
}

TEST(HybridTuneOn, FixedWeightsAndCvAreNotTuned) {
  const testing::TempDir dir("embeval-tune-on");
  const std::filesystem::path data = write_dataset(dir);
  EvaluationConfig config;
  config.model_specs = {"hybrid:wsum(bm25,bm25?analyzer=standard)?weights=0.5,0.5"};
  config.out_dir = dir / "out";
  config.split = "test";
  config.tune_split = "dev";
  const EvaluationPlan plan = plan_evaluation(config);
  ASSERT_EQ(plan.models.size(), 3u);
  ASSERT_TRUE(plan.models[2].hybrid.has_value());
  EXPECT_TRUE(plan.models[2].hybrid->tune_split.empty());
  ASSERT_FALSE(plan.notes.empty());
  EXPECT_NE(plan.notes.back().find("--tune-on dev: no hybrid to tune"), std::string::npos);
  EXPECT_THROW((void)HybridSpec::parse("hybrid:wsum(bm25,bm25)?tune=dev&cv=3"), InputError);
  EXPECT_THROW((void)HybridSpec::parse("hybrid:rrf(bm25,bm25)?tune=dev&k=10"), InputError);
  EXPECT_THROW((void)HybridSpec::parse("hybrid:wsum(bm25,bm25)?tune=../x"), InputError);
}

}  // namespace
}  // namespace embeval
