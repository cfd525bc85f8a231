#include "embeval/pipeline/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "embeval/core/error.h"
#include "embeval/eval/run.h"
#include "embeval/pipeline/results_json.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// Three documents; each query shares exactly one distinctive word with exactly one document, so
// BM25 must rank that document first and nothing else matches.
Dataset tiny_dataset() {
  Dataset d;
  d.name = "tiny";
  d.corpus = {{"d1", "", "zebra stripes savanna"},
              {"d2", "", "volcano lava eruption"},
              {"d3", "", "glacier ice mountain"}};
  d.queries = {{"q1", "zebra"}, {"q2", "lava"}, {"q3", "nothingmatches"}};
  d.qrels.judgments["q1"] = {{"d1", 1}};
  d.qrels.judgments["q2"] = {{"d2", 1}, {"d3", 1}};
  d.qrels.judgments["q3"] = {{"d3", 1}};
  return d;
}

double mean_of(const ModelResult& m, const std::string& name) {
  for (std::size_t i = 0; i < m.metrics.measure_names.size(); ++i) {
    if (m.metrics.measure_names[i] == name) return m.metrics.mean[i];
  }
  ADD_FAILURE() << "no measure " << name;
  return NAN;
}

TEST(Evaluation, Bm25OnTinyDatasetGivesHandComputedMetrics) {
  const testing::TempDir dir("embeval-eval-tiny");
  EvaluationConfig config;
  config.model_specs = {"bm25"};
  config.out_dir = dir;
  const Dataset dataset = tiny_dataset();
  const EvaluationResults r = run_evaluation(dataset, dir / "in", config);
  ASSERT_EQ(r.models.size(), 1u);
  const ModelResult& m = r.models[0];
  EXPECT_EQ(m.spec, "bm25?analyzer=english&b=0.4&k1=0.9");
  // q1: d1 at rank 1, its only relevant doc -> nDCG@10 = 1.
  // q2: d2 at rank 1 of 2 relevant (d3 never retrieved): DCG = 1, IDCG = 1 + 1/log2(3).
  // q3: nothing retrieved; complete mode counts it as 0.
  const double q2 = 1.0 / (1.0 + 1.0 / std::log2(3.0));
  EXPECT_NEAR(mean_of(m, "ndcg_cut_10"), (1.0 + q2 + 0.0) / 3.0, 1e-12);
  EXPECT_NEAR(mean_of(m, "recall_100"), (1.0 + 0.5 + 0.0) / 3.0, 1e-12);
  EXPECT_NEAR(mean_of(m, "mrr_cut_10"), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(m.metrics.num_queries, 3u);

  // The run file holds exactly the two hits, and evaluates identically when read back.
  const TrecRun run = read_run(m.run_file);
  ASSERT_EQ(run.by_query.size(), 2u);
  EXPECT_EQ(run.by_query.at("q1").size(), 1u);
  EXPECT_EQ(run.by_query.at("q1")[0].docno, "d1");
  EXPECT_TRUE(std::filesystem::exists(dir / "results.json"));
  const EvaluationResults back = read_results_json(dir / "results.json");
  ASSERT_EQ(back.models.size(), 1u);
  EXPECT_EQ(back.models[0].metrics.mean, m.metrics.mean);
  EXPECT_EQ(back.dataset_fingerprint, r.dataset_fingerprint);
}

TEST(Evaluation, IgnoreIdenticalIdsDropsSelfMatches) {
  const testing::TempDir dir("embeval-eval-self");
  Dataset d;
  d.name = "self";
  d.corpus = {{"a", "", "apple banana"}, {"b", "", "apple cherry"}};
  d.queries = {{"a", "apple banana"}};
  d.qrels.judgments["a"] = {{"b", 1}};
  EvaluationConfig config;
  config.model_specs = {"bm25"};
  config.out_dir = dir;
  config.ignore_identical_ids = true;
  const auto r = run_evaluation(d, dir, config);
  const TrecRun run = read_run(r.models[0].run_file);
  ASSERT_EQ(run.by_query.at("a").size(), 1u);
  EXPECT_EQ(run.by_query.at("a")[0].docno, "b");
  EXPECT_DOUBLE_EQ(mean_of(r.models[0], "recip_rank"), 1.0);
}

TEST(Evaluation, ResumesSavedResultsAndRecomputesDamagedOnes) {
  const testing::TempDir dir("embeval-eval-resume");
  EvaluationConfig config;
  config.model_specs = {"bm25", "bm25?k1=1.2"};
  config.out_dir = dir;
  const Dataset dataset = tiny_dataset();
  const auto first = run_evaluation(dataset, dir, config);
  ASSERT_EQ(first.models.size(), 2u);
  EXPECT_FALSE(first.models[0].resumed);

  // Damage the second model's saved result: it must be recomputed, the first reused.
  const auto saved = dir / "models" / (first.models[1].label + ".json");
  ASSERT_TRUE(std::filesystem::exists(saved));
  std::ofstream(saved) << "{ not json";
  const auto second = run_evaluation(dataset, dir, config);
  EXPECT_TRUE(second.models[0].resumed);
  EXPECT_FALSE(second.models[1].resumed);
  EXPECT_EQ(second.models[0].metrics.mean, first.models[0].metrics.mean);
  EXPECT_EQ(second.models[1].metrics.mean, first.models[1].metrics.mean);

  // A changed dataset invalidates every saved result.
  Dataset changed = dataset;
  changed.corpus[0].text += " extra";
  const auto third = run_evaluation(changed, dir, config);
  EXPECT_FALSE(third.models[0].resumed);
  EXPECT_NE(third.dataset_fingerprint, first.dataset_fingerprint);
}

TEST(Evaluation, RejectsBadSpecsBeforeDoingWork) {
  const testing::TempDir dir("embeval-eval-bad");
  EvaluationConfig config;
  config.model_specs = {"bm25", "nosuchmodel"};
  config.out_dir = dir;
  EXPECT_THROW((void)run_evaluation(tiny_dataset(), dir, config), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir / "runs"));
  config.model_specs = {"bm25?k1=abc"};
  EXPECT_THROW((void)run_evaluation(tiny_dataset(), dir, config), InputError);
}

TEST(Evaluation, EqualCanonicalSpecsAreEvaluatedOnceWithANote) {
  const testing::TempDir dir("embeval-eval-dup");
  EvaluationConfig config;
  // bm25's defaults are k1=0.9 b=0.4 analyzer=english: all three are one model.
  config.model_specs = {"bm25", "bm25?k1=0.9", "bm25?b=0.4&analyzer=english", "bm25?k1=1.2"};
  config.out_dir = dir;
  const auto r = run_evaluation(tiny_dataset(), dir, config);
  ASSERT_EQ(r.models.size(), 2u);
  EXPECT_EQ(r.models[0].label, "bm25");
  EXPECT_EQ(r.models[1].label, "bm25_k1-1.2");
  std::size_t duplicate_notes = 0;
  for (const auto& n : r.notes) duplicate_notes += n.find("evaluated once") != std::string::npos;
  EXPECT_EQ(duplicate_notes, 2u);
  EXPECT_FALSE(std::filesystem::exists(dir / "runs" / "bm25_k1-0.9.trec"));
}

TEST(DatasetFingerprint, ChangesWithAnyJudgment) {
  Dataset a = tiny_dataset();
  Dataset b = a;
  EXPECT_EQ(dataset_fingerprint(a), dataset_fingerprint(b));
  b.qrels.judgments["q1"]["d1"] = 2;
  EXPECT_NE(dataset_fingerprint(a), dataset_fingerprint(b));
}

}  // namespace
}  // namespace embeval
