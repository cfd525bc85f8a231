// Hybrid models in the eval pipeline: components evaluated once and first, their runs fused,
// one row and one record with a spec that round-trips, cross-validation recorded.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "embeval/eval/measures.h"
#include "embeval/eval/run.h"
#include "embeval/fusion/fuse_runs.h"
#include "embeval/fusion/hybrid_spec.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/pipeline/results_json.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// evaluation_test.cpp's dataset: each query shares one distinctive word with one document.
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

constexpr const char* kBm25 = "bm25?analyzer=english&b=0.4&k1=0.9";
constexpr const char* kBm25Standard = "bm25?analyzer=standard&b=0.4&k1=0.9";

TEST(HybridEvaluation, ComponentsFirstThenTheirRunsFused) {
  const testing::TempDir dir("embeval-hybrid-eval");
  EvaluationConfig config;
  config.model_specs = {"hybrid:rrf(bm25,bm25?analyzer=standard)", "bm25"};
  config.out_dir = dir;
  const Dataset dataset = tiny_dataset();
  const EvaluationResults r = run_evaluation(dataset, dir / "in", config);
  ASSERT_EQ(r.models.size(), 3u);  // "bm25" again is the component: evaluated once
  EXPECT_EQ(r.models[0].spec, kBm25);
  EXPECT_EQ(r.models[1].spec, kBm25Standard);
  const ModelResult& h = r.models[2];
  EXPECT_EQ(h.spec, std::string("hybrid:rrf(") + kBm25 + "," + kBm25Standard + ")?k=60");
  EXPECT_EQ(HybridSpec::parse(h.spec).to_string(), h.spec);
  ASSERT_TRUE(h.hybrid.has_value());
  EXPECT_EQ(h.hybrid->component_labels,
            (std::vector<std::string>{r.models[0].label, r.models[1].label}));
  EXPECT_EQ(h.card.family, "hybrid");

  // By hand: both components put d1 alone for q1 and d2 alone for q2 (q3 matches nothing), so
  // rrf keeps those lists: nDCG@10 = (1 + 1/(1 + 1/log2 3) + 0) / 3, as for bm25 alone.
  const double q2 = 1.0 / (1.0 + 1.0 / std::log2(3.0));
  EXPECT_NEAR(mean_of(h, "ndcg_cut_10"), (1.0 + q2) / 3.0, 1e-12);
  // And the run on disk is the fusion of the components' run files.
  const TrecRun a = read_run(r.models[0].run_file);
  const TrecRun b = read_run(r.models[1].run_file);
  const std::vector<const TrecRun*> runs = {&a, &b};
  FusionOptions options;
  options.top = 100;
  const TrecRun expected = to_trec_run(fuse_runs(runs, options), h.label);
  const TrecRun written = read_run(h.run_file);
  ASSERT_EQ(written.by_query.size(), expected.by_query.size());
  for (const auto& [qid, entries] : expected.by_query) {
    ASSERT_EQ(written.by_query.at(qid).size(), entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
      EXPECT_EQ(written.by_query.at(qid)[i].docno, entries[i].docno);
      EXPECT_EQ(written.by_query.at(qid)[i].score, entries[i].score);
    }
  }

  // results.json keeps the record; the recorded spec, given back to eval, is the same model.
  const EvaluationResults back = read_results_json(dir / "results.json");
  ASSERT_EQ(back.models.size(), 3u);
  ASSERT_TRUE(back.models[2].hybrid.has_value());
  EXPECT_EQ(back.models[2].hybrid->component_labels, h.hybrid->component_labels);
  EvaluationConfig again = config;
  again.model_specs = {h.spec};
  const EvaluationResults r2 = run_evaluation(dataset, dir / "in", again);
  ASSERT_EQ(r2.models.size(), 3u);
  EXPECT_EQ(r2.models[2].label, h.label);
  EXPECT_TRUE(r2.models[0].resumed);  // the components' runs are reused, not encoded again
  EXPECT_EQ(r2.models[2].metrics.mean, h.metrics.mean);
}

TEST(HybridEvaluation, CrossValidatedWeightsAreRecordedPerFold) {
  const testing::TempDir dir("embeval-hybrid-cv");
  EvaluationConfig config;
  config.model_specs = {"hybrid:wsum(bm25,bm25?analyzer=standard)?cv=3"};
  config.out_dir = dir;
  const EvaluationResults r = run_evaluation(tiny_dataset(), dir / "in", config);
  ASSERT_EQ(r.models.size(), 3u);
  const ModelResult& h = r.models[2];
  ASSERT_TRUE(h.hybrid.has_value());
  EXPECT_EQ(h.hybrid->tuned_measure, "ndcg_cut.10");
  ASSERT_EQ(h.hybrid->folds.size(), 3u);
  for (const FoldChoice& f : h.hybrid->folds) {
    EXPECT_EQ(f.test_queries, 1u);
    EXPECT_EQ(f.train_queries, 2u);
    ASSERT_EQ(f.chosen.weights.size(), 2u);
    EXPECT_NEAR(f.chosen.weights[0] + f.chosen.weights[1], 1.0, 1e-12);
  }
  const EvaluationResults back = read_results_json(dir / "results.json");
  ASSERT_TRUE(back.models[2].hybrid.has_value());
  ASSERT_EQ(back.models[2].hybrid->folds.size(), 3u);
  EXPECT_EQ(back.models[2].hybrid->folds[1].chosen.weights, h.hybrid->folds[1].chosen.weights);
}

}  // namespace
}  // namespace embeval
