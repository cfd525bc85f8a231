// Fusion evaluated, and tuned by cross-validation, on planted runs whose outcome is worked out
// by hand.
#include "embeval/fusion/fusion_tuning.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/eval/measures.h"
#include "embeval/eval/metrics.h"

namespace {

using embeval::FusionMethod;
using embeval::FusionOptions;
using embeval::Qrels;
using embeval::ScoreNormalization;
using embeval::TrecRun;

double mean_ndcg10(const Qrels& qrels, const TrecRun& run) {
  embeval::EvalOptions options;
  options.complete = true;
  const std::vector<std::string> names = {"ndcg_cut.10"};
  return embeval::evaluate(qrels, run, embeval::parse_measures(names), options).mean[0];
}

TEST(FusionEvaluation, RrfOfTwoRunsGivesTheHandComputedNdcg) {
  // q1: A ranks r1, x, y; B ranks x, r1, y. rrf: r1 = 1/61 + 1/62 = x: a tie, "x" > "r1" goes
  //     first, so the relevant r1 sits at rank 2: nDCG@10 = (1/log2 3) / 1 = 0.63093.
  // q2: A ranks a, b; B ranks b, c. rrf: b = 1/62 + 1/61 > a = 1/61 > c = 1/62: b (grade 2)
  //     then a (grade 1), the ideal order: nDCG@10 = 1.
  TrecRun a, b;
  a.by_query["q1"] = {{"r1", 3}, {"x", 2}, {"y", 1}};
  b.by_query["q1"] = {{"x", 3}, {"r1", 2}, {"y", 1}};
  a.by_query["q2"] = {{"a", 2}, {"b", 1}};
  b.by_query["q2"] = {{"b", 2}, {"c", 1}};
  Qrels qrels;
  qrels.judgments["q1"] = {{"r1", 1}};
  qrels.judgments["q2"] = {{"b", 2}, {"a", 1}};
  FusionOptions options;
  options.method = FusionMethod::rrf;
  const std::vector<const TrecRun*> runs = {&a, &b};
  const TrecRun fused = embeval::to_trec_run(embeval::fuse_runs(runs, options), "t");
  EXPECT_NEAR(mean_ndcg10(qrels, fused), (1.0 / std::log2(3.0) + 1.0) / 2.0, 1e-12);
}

// Planted runs (scores chosen so min-max leaves them as they are: each list holds a 0 and a 1).
// With wsum, weights (w, 1 - w) on (A, B), relevant r vs distractor x:
//   type 1: A r 1, x 0.4, z 0;  B x 1, z 0.5, r 0:  r = w, x = 1 - 0.6 w: r first iff w > 0.625
//   type 2: A x 1, r 0.6, z 0;  B r 1, z 0.5, x 0:  r = 1 - 0.4 w, x = w: r first iff w < 0.714
//   type 3: A x 1, z 0.5, r 0;  B r 1, x 0.4, z 0:  r = 1 - w, x = 0.4 + 0.6 w: iff w < 0.375
// On types 1 and 2 together only w = 0.7 (of the grid's 0, 0.1, ..., 1) puts r first everywhere.
void add_query(TrecRun& a, TrecRun& b, Qrels& qrels, const std::string& q, int type) {
  if (type == 1) {
    a.by_query[q] = {{"r", 1.0}, {"x", 0.4}, {"z", 0.0}};
    b.by_query[q] = {{"x", 1.0}, {"z", 0.5}, {"r", 0.0}};
  } else if (type == 2) {
    a.by_query[q] = {{"x", 1.0}, {"r", 0.6}, {"z", 0.0}};
    b.by_query[q] = {{"r", 1.0}, {"z", 0.5}, {"x", 0.0}};
  } else {
    a.by_query[q] = {{"x", 1.0}, {"z", 0.5}, {"r", 0.0}};
    b.by_query[q] = {{"r", 1.0}, {"x", 0.4}, {"z", 0.0}};
  }
  qrels.judgments[q] = {{"r", 1}};
}

std::vector<std::string> query_ids() {
  std::vector<std::string> ids;
  for (int i = 10; i < 30; ++i) ids.push_back("q" + std::to_string(i));  // sorted as strings
  return ids;
}

embeval::TunedFusion tune(const TrecRun& a, const TrecRun& b, const Qrels& qrels) {
  FusionOptions options;
  options.method = FusionMethod::wsum;
  options.norm = ScoreNormalization::minmax;
  const std::vector<const TrecRun*> runs = {&a, &b};
  return embeval::cross_validate_fusion(runs, qrels, options, 5, "ndcg_cut.10", "cv");
}

TEST(FusionTuning, CrossValidationFindsThePlantedWeights) {
  TrecRun a, b;
  Qrels qrels;
  const auto ids = query_ids();
  for (std::size_t i = 0; i < ids.size(); ++i) add_query(a, b, qrels, ids[i], i % 2 == 0 ? 1 : 2);
  const embeval::TunedFusion tuned = tune(a, b, qrels);
  ASSERT_EQ(tuned.folds.size(), 5u);
  for (const auto& fold : tuned.folds) {
    SCOPED_TRACE(fold.fold);
    EXPECT_EQ(fold.test_queries, 4u);
    EXPECT_EQ(fold.train_queries, 16u);
    ASSERT_EQ(fold.chosen.weights.size(), 2u);
    EXPECT_NEAR(fold.chosen.weights[0], 0.7, 1e-12);
    EXPECT_NEAR(fold.chosen.weights[1], 0.3, 1e-12);
    EXPECT_DOUBLE_EQ(fold.train_score, 1.0);
  }
  // Every query, held out, is fused with 0.7/0.3: r first everywhere.
  EXPECT_EQ(tuned.run.by_query.size(), 20u);
  EXPECT_DOUBLE_EQ(mean_ndcg10(qrels, tuned.run), 1.0);
}

TEST(FusionTuning, AFoldsChoiceDependsOnItsTrainingQueriesOnly) {
  const auto ids = query_ids();
  const std::vector<std::size_t> fold_of = embeval::assign_folds(ids, 5);
  // Baseline: types 1 and 2 alternate; every fold picks 0.7.
  // Changed test queries: fold 0's own queries become type 3 (they would want w <= 0.3). Fold 0
  // has not seen them: its choice and training score stay exactly the same.
  TrecRun a1, b1, a2, b2;
  Qrels q1, q2;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const int type = i % 2 == 0 ? 1 : 2;
    add_query(a1, b1, q1, ids[i], type);
    add_query(a2, b2, q2, ids[i], fold_of[i] == 0 ? 3 : type);
  }
  const auto base = tune(a1, b1, q1);
  const auto changed_test = tune(a2, b2, q2);
  EXPECT_EQ(changed_test.folds[0].chosen.weights, base.folds[0].chosen.weights);
  EXPECT_EQ(changed_test.folds[0].train_score, base.folds[0].train_score);
  // ...and its held-out queries now score below 1 (r is not first at w = 0.7 on type 3): the
  // held-out score is honest, not re-tuned on them.
  EXPECT_LT(mean_ndcg10(q2, changed_test.run), 1.0);

  // Changed training queries: every query outside fold 0 becomes type 3. Fold 0 now learns from
  // them: r first iff w < 0.375, the first such grid point is (0, 1).
  TrecRun a3, b3;
  Qrels q3;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    add_query(a3, b3, q3, ids[i], fold_of[i] == 0 ? (i % 2 == 0 ? 1 : 2) : 3);
  }
  const auto changed_train = tune(a3, b3, q3);
  EXPECT_NEAR(changed_train.folds[0].chosen.weights[0], 0.0, 1e-12);
  EXPECT_NEAR(changed_train.folds[0].chosen.weights[1], 1.0, 1e-12);
}

TEST(FusionTuning, GridIsRanxs) {
  // Two runs: 11 weight pairs; rrf: x 10 values of k (10..100); three runs: 66 triples.
  EXPECT_EQ(embeval::fusion_grid(FusionMethod::wsum, 2, 60).size(), 11u);
  EXPECT_EQ(embeval::fusion_grid(FusionMethod::rrf, 2, 60).size(), 110u);
  EXPECT_EQ(embeval::fusion_grid(FusionMethod::wsum, 3, 60).size(), 66u);
  const auto grid = embeval::fusion_grid(FusionMethod::rrf, 2, 60);
  EXPECT_EQ(grid.front().weights, (std::vector<double>{0.0, 1.0}));
  EXPECT_EQ(grid.front().rrf_k, 10.0);
  EXPECT_EQ(grid.back().rrf_k, 100.0);
}

TEST(FusionTuning, FoldsAreBalancedAndStable) {
  const auto ids = query_ids();
  const auto folds = embeval::assign_folds(ids, 3);
  std::vector<int> sizes(3, 0);
  for (const auto f : folds) ++sizes[f];
  EXPECT_EQ(sizes, (std::vector<int>{7, 7, 6}));
  EXPECT_EQ(embeval::assign_folds(ids, 3), folds);
}

TEST(FusionTuning, NothingToTuneIsAnInputError) {
  TrecRun a, b;
  Qrels qrels;
  add_query(a, b, qrels, "q1", 1);
  add_query(a, b, qrels, "q2", 2);
  FusionOptions options;
  options.method = FusionMethod::combsum;
  const std::vector<const TrecRun*> runs = {&a, &b};
  EXPECT_THROW((void)embeval::cross_validate_fusion(runs, qrels, options, 2, "ndcg_cut.10", "t"),
               embeval::InputError);
  options.method = FusionMethod::wsum;
  EXPECT_THROW((void)embeval::cross_validate_fusion(runs, qrels, options, 3, "ndcg_cut.10", "t"),
               embeval::InputError);  // 2 judged queries, 3 folds
}

}  // namespace

// tune_fusion (eval --tune-on): the same planted queries as one tuning split find (0.7, 0.3);
// queries of type 3 only (r first iff w < 0.375) find (0, 1), the first grid point there.
TEST(FusionTuning, TuningOnASplitFindsThePlantedWeights) {
  FusionOptions options;
  options.method = FusionMethod::wsum;
  options.norm = ScoreNormalization::minmax;
  TrecRun a, b;
  Qrels qrels;
  const auto ids = query_ids();
  for (std::size_t i = 0; i < ids.size(); ++i) add_query(a, b, qrels, ids[i], i % 2 == 0 ? 1 : 2);
  const std::vector<const TrecRun*> runs = {&a, &b};
  const embeval::FoldChoice choice = embeval::tune_fusion(runs, qrels, options, "ndcg_cut.10");
  ASSERT_EQ(choice.chosen.weights.size(), 2u);
  EXPECT_NEAR(choice.chosen.weights[0], 0.7, 1e-12);
  EXPECT_NEAR(choice.chosen.weights[1], 0.3, 1e-12);
  EXPECT_EQ(choice.train_queries, 20u);
  EXPECT_DOUBLE_EQ(choice.train_score, 1.0);

  TrecRun c, d;
  Qrels other;
  for (const auto& q : ids) add_query(c, d, other, q, 3);
  const std::vector<const TrecRun*> type3 = {&c, &d};
  const embeval::FoldChoice first = embeval::tune_fusion(type3, other, options, "ndcg_cut.10");
  EXPECT_NEAR(first.chosen.weights[0], 0.0, 1e-12);
  EXPECT_NEAR(first.chosen.weights[1], 1.0, 1e-12);
  EXPECT_THROW((void)embeval::tune_fusion(runs, Qrels{}, options, "ndcg_cut.10"),
               embeval::InputError);
}
