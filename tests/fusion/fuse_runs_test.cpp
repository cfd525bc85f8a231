// fuse_runs on two small runs whose fused scores were computed independently (plain Python from
// the formulas in docs/fusion.md, recomputed by hand below for a few), for every method x norm.
//
//   run A, query q1: d1 4.0, d2 2.0, d3 1.0        run B, query q1: d2 0.9, d4 0.6, d1 0.3
//   candidates C = {d1, d2, d3, d4}, |C| = 4
//
// By hand, against ranx's formulas:
//   minmax (ranx min_max_norm: (s - min) / (max - min)): A d1 1, d2 1/3, d3 0; B d2 1, d4 0.5,
//     d1 0. combsum d2 = 1/3 + 1 = 4/3; combmnz d2 = 4/3 x 2 runs = 8/3; wsum 0.3/0.7 d2 =
//     0.3/3 + 0.7 = 0.8.
//   borda (ranx borda_norm: listed 1 - i/|C| with 0-based i, unlisted 0.5 - (n-1)/(2|C|)):
//     A d1 1, d2 0.75, d3 0.5, d4 0.5 - 2/8 = 0.25; B d2 1, d4 0.75, d1 0.5, d3 0.25.
//     combsum d1 = 1.5, d2 = 1.75, d3 = 0.75, d4 = 1.0; combmnz d3 = 0.75 x 1 (only A lists d3).
//   rrf k=60 (ranx rrf: sum 1/(k + rank), 1-based): d1 = 1/61 + 1/63 = 0.0322664585,
//     d2 = 1/62 + 1/61 = 0.0325224749, d3 = 1/63, d4 = 1/62.
//   sum (ranx sum_norm: (s - min) / (sum(s) - n min)): A (s - 1)/(7 - 3): d1 0.75, d2 0.25.
//   zmuv (ranx zmuv_norm: (s - mean) / std, population std): A mean 7/3, std sqrt(14)/3:
//     d1 = (5/3)/(sqrt(14)/3) = 5/sqrt(14) = 1.3363062.
#include "embeval/fusion/fuse_runs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "embeval/core/error.h"

namespace {

using embeval::FusedRun;
using embeval::FusionMethod;
using embeval::FusionOptions;
using embeval::ScoreNormalization;
using embeval::TrecRun;

// A few additions and divisions on values below 10: the double error is below 1e-14.
constexpr double kTolerance = 1e-12;

TrecRun make_run(const std::map<std::string, std::vector<std::pair<std::string, double>>>& lists) {
  TrecRun run;
  for (const auto& [qid, entries] : lists) {
    for (const auto& [docno, score] : entries) run.by_query[qid].push_back({docno, score});
  }
  return run;
}

TrecRun run_a() { return make_run({{"q1", {{"d1", 4.0}, {"d2", 2.0}, {"d3", 1.0}}}}); }
// Stored out of rank order on purpose: fuse_runs must rank it.
TrecRun run_b() { return make_run({{"q1", {{"d1", 0.3}, {"d2", 0.9}, {"d4", 0.6}}}}); }

FusedRun fuse(const std::vector<const TrecRun*>& runs, const FusionOptions& options) {
  return embeval::fuse_runs(runs, options);
}

struct Case {
  FusionMethod method;
  ScoreNormalization norm;
  std::vector<double> weights;
  std::map<std::string, double> expected;  // d1..d4
};

std::string name_of(const Case& c) {
  std::string name = std::string(embeval::fusion_method_name(c.method)) + "/" +
                     std::string(embeval::score_normalization_name(c.norm));
  for (const double w : c.weights) name += "/" + std::to_string(w);
  return name;
}

const std::vector<Case>& cases() {
  using M = FusionMethod;
  using N = ScoreNormalization;
  static const std::vector<Case> all = {
      // combsum, combmnz and wsum (0.3, 0.7) under every normalisation.
      {M::combsum, N::none, {}, {{"d1", 4.3}, {"d2", 2.9}, {"d3", 1.0}, {"d4", 0.6}}},
      {M::combmnz, N::none, {}, {{"d1", 8.6}, {"d2", 5.8}, {"d3", 1.0}, {"d4", 0.6}}},
      {M::wsum, N::none, {0.3, 0.7}, {{"d1", 1.41}, {"d2", 1.23}, {"d3", 0.3}, {"d4", 0.42}}},
      {M::combsum, N::minmax, {}, {{"d1", 1.0}, {"d2", 4.0 / 3}, {"d3", 0.0}, {"d4", 0.5}}},
      {M::combmnz, N::minmax, {}, {{"d1", 2.0}, {"d2", 8.0 / 3}, {"d3", 0.0}, {"d4", 0.5}}},
      {M::wsum, N::minmax, {0.3, 0.7}, {{"d1", 0.3}, {"d2", 0.8}, {"d3", 0.0}, {"d4", 0.35}}},
      {M::combsum, N::max, {}, {{"d1", 4.0 / 3}, {"d2", 1.5}, {"d3", 0.25}, {"d4", 2.0 / 3}}},
      {M::combmnz, N::max, {}, {{"d1", 8.0 / 3}, {"d2", 3.0}, {"d3", 0.25}, {"d4", 2.0 / 3}}},
      {M::wsum,
       N::max,
       {0.3, 0.7},
       {{"d1", 0.5333333333333333}, {"d2", 0.85}, {"d3", 0.075}, {"d4", 0.4666666666666666}}},
      {M::combsum,
       N::sum,
       {},
       {{"d1", 0.75}, {"d2", 0.9166666666666666}, {"d3", 0}, {"d4", 1.0 / 3}}},
      {M::combmnz,
       N::sum,
       {},
       {{"d1", 1.5}, {"d2", 1.8333333333333333}, {"d3", 0}, {"d4", 1.0 / 3}}},
      {M::wsum,
       N::sum,
       {0.3, 0.7},
       {{"d1", 0.225}, {"d2", 0.5416666666666666}, {"d3", 0.0}, {"d4", 0.23333333333333325}}},
      {M::combsum,
       N::zmuv,
       {},
       {{"d1", 0.11156133817053293},
        {"d2", 0.9574836294791647},
        {"d3", -1.0690449676496978},
        {"d4", 0.0}}},
      {M::combmnz,
       N::zmuv,
       {},
       {{"d1", 0.22312267634106586},
        {"d2", 1.9149672589583293},
        {"d3", -1.0690449676496978},
        {"d4", 0.0}}},
      {M::wsum,
       N::zmuv,
       {0.3, 0.7},
       {{"d1", -0.4564295471054757},
        {"d2", 0.7771430374003849},
        {"d3", -0.3207134902949093},
        {"d4", 0.0}}},
      {M::combsum,
       N::rank,
       {},
       {{"d1", 4.0 / 3}, {"d2", 5.0 / 3}, {"d3", 1.0 / 3}, {"d4", 2.0 / 3}}},
      {M::combmnz,
       N::rank,
       {},
       {{"d1", 8.0 / 3}, {"d2", 10.0 / 3}, {"d3", 1.0 / 3}, {"d4", 2.0 / 3}}},
      {M::wsum,
       N::rank,
       {0.3, 0.7},
       {{"d1", 0.5333333333333333}, {"d2", 0.9}, {"d3", 0.1}, {"d4", 0.4666666666666667}}},
      {M::combsum, N::borda, {}, {{"d1", 1.5}, {"d2", 1.75}, {"d3", 0.75}, {"d4", 1.0}}},
      {M::combmnz, N::borda, {}, {{"d1", 3.0}, {"d2", 3.5}, {"d3", 0.75}, {"d4", 1.0}}},
      {M::wsum, N::borda, {0.3, 0.7}, {{"d1", 0.65}, {"d2", 0.925}, {"d3", 0.325}, {"d4", 0.6}}},
      // rrf (k = 60, norm ignored: minmax given here changes nothing).
      {M::rrf,
       N::minmax,
       {},
       {{"d1", 1.0 / 61 + 1.0 / 63},
        {"d2", 1.0 / 62 + 1.0 / 61},
        {"d3", 1.0 / 63},
        {"d4", 1.0 / 62}}},
      // dbsf-mteb: A mean 7/3, population std sqrt(14)/3; B mean 0.6, std sqrt(0.06).
      {M::dbsf_mteb,
       N::minmax,
       {},
       {{"d1", 1.0185935563617554},
        {"d2", 1.1595806049131943},
        {"d3", 0.3218258387250504},
        {"d4", 0.5}}},
      {M::dbsf_mteb,
       N::minmax,
       {0.3, 0.7},
       {{"d1", 0.423928408815754},
        {"d2", 0.6295238395667309},
        {"d3", 0.09654775161751511},
        {"d4", 0.35}}},
      // dbsf-qdrant: sample std; B: std 0.3, lo = -0.3, hi = 1.5: d2 = 1.2/1.8 = 2/3.
      {M::dbsf_qdrant,
       N::minmax,
       {},
       {{"d1", 1.0151815751966604},
        {"d2", 1.1302970182940013},
        {"d3", 0.3545214065093384},
        {"d4", 0.5}}},
      {M::dbsf_qdrant,
       N::minmax,
       {0.3, 0.7},
       {{"d1", 0.43788780589233145},
        {"d2", 0.605755772154867},
        {"d3", 0.10635642195280151},
        {"d4", 0.35}}},
      {M::rsf, N::none, {}, {{"d1", 1.0}, {"d2", 4.0 / 3}, {"d3", 0.0}, {"d4", 0.5}}},
      {M::rsf, N::none, {0.3, 0.7}, {{"d1", 0.3}, {"d2", 0.8}, {"d3", 0.0}, {"d4", 0.35}}},
  };
  return all;
}

// The expected order: fused score descending (as float), ties by docno descending.
std::vector<std::string> expected_order(const std::map<std::string, double>& scores) {
  std::vector<std::string> order;
  for (const auto& [d, s] : scores) order.push_back(d);
  std::sort(order.begin(), order.end(), [&](const std::string& a, const std::string& b) {
    const float sa = static_cast<float>(scores.at(a));
    const float sb = static_cast<float>(scores.at(b));
    return sa != sb ? sa > sb : a > b;
  });
  return order;
}

TEST(FuseRuns, EveryMethodAndNormalisationMatchesTheHandComputedScores) {
  const TrecRun a = run_a();
  const TrecRun b = run_b();
  for (const Case& c : cases()) {
    SCOPED_TRACE(name_of(c));
    FusionOptions options;
    options.method = c.method;
    options.norm = c.norm;
    options.weights = c.weights;
    const FusedRun fused = fuse({&a, &b}, options);
    ASSERT_EQ(fused.query_ids.size(), 1u);
    EXPECT_EQ(fused.query_ids[0], "q1");
    const auto list = fused.query(0);
    ASSERT_EQ(list.size(), 4u);
    const std::vector<std::string> order = expected_order(c.expected);
    for (std::size_t r = 0; r < list.size(); ++r) {
      EXPECT_EQ(list[r].docno, order[r]) << "rank " << r + 1;
      EXPECT_NEAR(list[r].score, c.expected.at(std::string(list[r].docno)), kTolerance);
    }
  }
}

TEST(FuseRuns, RrfWeightsAndK) {
  // k = 1, weights 2 and 1: d1 = 2/2 + 1/4 = 1.25, d2 = 2/3 + 1/2, d3 = 2/4, d4 = 1/3.
  const TrecRun a = run_a();
  const TrecRun b = run_b();
  FusionOptions options;
  options.method = FusionMethod::rrf;
  options.rrf_k = 1.0;
  options.weights = {2.0, 1.0};
  const FusedRun list_run = fuse({&a, &b}, options);
  const auto list = list_run.query(0);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].docno, "d1");
  EXPECT_NEAR(list[0].score, 1.25, kTolerance);
  EXPECT_EQ(list[1].docno, "d2");
  EXPECT_NEAR(list[1].score, 2.0 / 3 + 0.5, kTolerance);
  EXPECT_EQ(list[2].docno, "d3");
  EXPECT_NEAR(list[2].score, 0.5, kTolerance);
  EXPECT_EQ(list[3].docno, "d4");
  EXPECT_NEAR(list[3].score, 1.0 / 3, kTolerance);
}

TEST(FuseRuns, InputTiesRankByDocumentIdDescendingAndOutputTiesToo) {
  // Run A scores x and y equally: trec_eval ranks "y" (larger id) first, so rrf gives y 1/61 and
  // x 1/62. Run B lists x then y, the other way round: both sum to 1/61 + 1/62, a tie that
  // falls to the document id: "y" first. "d9" > "d10" in byte order.
  const TrecRun a = make_run({{"q", {{"x", 1.0}, {"y", 1.0}, {"d10", 0.5}, {"d9", 0.5}}}});
  const TrecRun b = make_run({{"q", {{"x", 3.0}, {"y", 2.0}}}});
  FusionOptions options;
  options.method = FusionMethod::rrf;
  const FusedRun list_run = fuse({&a, &b}, options);
  const auto list = list_run.query(0);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_EQ(list[0].docno, "y");
  EXPECT_EQ(list[1].docno, "x");
  EXPECT_DOUBLE_EQ(list[0].score, 1.0 / 61 + 1.0 / 62);
  EXPECT_EQ(list[2].docno, "d9");  // rank 3 in A: 1/63
  EXPECT_DOUBLE_EQ(list[2].score, 1.0 / 63);
  EXPECT_EQ(list[3].docno, "d10");
  EXPECT_DOUBLE_EQ(list[3].score, 1.0 / 64);
}

TEST(FuseRuns, SumsEqualButForTheLastBitsOfADoubleStillTie) {
  // Three runs rank u, v, w in rotated orders: every document sums 1/61 + 1/62 + 1/63, added in
  // a different order, so the doubles may differ in the last bit; compared as floats they tie
  // and fall to the id: w, v, u.
  const TrecRun r1 = make_run({{"q", {{"u", 3}, {"v", 2}, {"w", 1}}}});
  const TrecRun r2 = make_run({{"q", {{"v", 3}, {"w", 2}, {"u", 1}}}});
  const TrecRun r3 = make_run({{"q", {{"w", 3}, {"u", 2}, {"v", 1}}}});
  FusionOptions options;
  options.method = FusionMethod::rrf;
  const FusedRun list_run = fuse({&r1, &r2, &r3}, options);
  const auto list = list_run.query(0);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].docno, "w");
  EXPECT_EQ(list[1].docno, "v");
  EXPECT_EQ(list[2].docno, "u");
}

TEST(FuseRuns, DepthCutsEachListBeforeNormalising) {
  // depth 2: A keeps d1 4, d2 2 (minmax d1 1, d2 0); B keeps d2 0.9, d4 0.6 (d2 1, d4 0).
  // combsum: d1 1, d2 1, d4 0: d1 and d2 tie, "d2" first. d3 is gone.
  const TrecRun a = run_a();
  const TrecRun b = run_b();
  FusionOptions options;
  options.method = FusionMethod::combsum;
  options.norm = ScoreNormalization::minmax;
  options.depth = 2;
  const FusedRun list_run = fuse({&a, &b}, options);
  const auto list = list_run.query(0);
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].docno, "d2");
  EXPECT_DOUBLE_EQ(list[0].score, 1.0);
  EXPECT_EQ(list[1].docno, "d1");
  EXPECT_DOUBLE_EQ(list[1].score, 1.0);
  EXPECT_EQ(list[2].docno, "d4");
  EXPECT_DOUBLE_EQ(list[2].score, 0.0);
  // rank under depth 2: n = 2, so A d1 1, d2 0.5 and B d2 1, d4 0.5: d2 1.5, d1 1, d4 0.5.
  options.norm = ScoreNormalization::rank;
  const FusedRun ranked_run = fuse({&a, &b}, options);
  const auto ranked = ranked_run.query(0);
  ASSERT_EQ(ranked.size(), 3u);
  EXPECT_DOUBLE_EQ(ranked[0].score, 1.5);
  EXPECT_DOUBLE_EQ(ranked[1].score, 1.0);
  EXPECT_DOUBLE_EQ(ranked[2].score, 0.5);
}

TEST(FuseRuns, TopKeepsTheBestDocumentsPerQuery) {
  const TrecRun a = run_a();
  const TrecRun b = run_b();
  FusionOptions options;
  options.method = FusionMethod::rrf;
  options.top = 2;
  const FusedRun list_run = fuse({&a, &b}, options);
  const auto list = list_run.query(0);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].docno, "d2");
  EXPECT_EQ(list[1].docno, "d1");
}

TEST(FuseRuns, DisjointQueriesAreAllKept) {
  // q1 only in A, q2 only in B, q3 in both: the union, in id order; a query in one run keeps
  // that run's normalised scores (minmax: 1, 0.5, 0).
  const TrecRun a = make_run({{"q1", {{"a", 3}, {"b", 2}, {"c", 1}}}, {"q3", {{"x", 1}}}});
  const TrecRun b = make_run({{"q2", {{"e", 9}, {"f", 8}, {"g", 7}}}, {"q3", {{"y", 1}}}});
  FusionOptions options;
  options.method = FusionMethod::combsum;
  const FusedRun fused = fuse({&a, &b}, options);
  ASSERT_EQ(fused.query_ids.size(), 3u);
  EXPECT_EQ(fused.query_ids[0], "q1");
  EXPECT_EQ(fused.query_ids[1], "q2");
  EXPECT_EQ(fused.query_ids[2], "q3");
  ASSERT_EQ(fused.query(1).size(), 3u);
  EXPECT_EQ(fused.query(1)[0].docno, "e");
  EXPECT_DOUBLE_EQ(fused.query(1)[0].score, 1.0);
  EXPECT_DOUBLE_EQ(fused.query(1)[1].score, 0.5);
  EXPECT_DOUBLE_EQ(fused.query(1)[2].score, 0.0);
  ASSERT_EQ(fused.query(2).size(), 2u);  // one-document lists: minmax gives 0 (guard 1e-9)
  EXPECT_EQ(fused.query(2)[0].docno, "y");
  EXPECT_DOUBLE_EQ(fused.query(2)[0].score, 0.0);
}

TEST(FuseRuns, BordaCountsARunWithoutTheQueryAsAnEmptyList) {
  // q2 only in B (e, f): |C| = 2. B: e 1, f 0.5; A lists nothing, n = 0: unlisted value
  // 0.5 - (0 - 1)/(2 x 2) = 0.75 for both. combsum: e 1.75, f 1.25.
  const TrecRun a = make_run({{"q1", {{"a", 1}}}});
  const TrecRun b = make_run({{"q2", {{"e", 9}, {"f", 8}}}});
  FusionOptions options;
  options.method = FusionMethod::combsum;
  options.norm = ScoreNormalization::borda;
  const FusedRun fused = fuse({&a, &b}, options);
  ASSERT_EQ(fused.query_ids.size(), 2u);
  const auto list = fused.query(1);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_DOUBLE_EQ(list[0].score, 1.75);
  EXPECT_DOUBLE_EQ(list[1].score, 1.25);
}

TEST(FuseRuns, WrongOptionsAreInputErrors) {
  const TrecRun a = run_a();
  const TrecRun b = run_b();
  FusionOptions options;
  options.method = FusionMethod::wsum;
  options.weights = {0.5, 0.3, 0.2};  // three weights, two runs
  EXPECT_THROW((void)fuse({&a, &b}, options), embeval::InputError);
  options.weights = {1.0, NAN};
  EXPECT_THROW((void)fuse({&a, &b}, options), embeval::InputError);
  options.method = FusionMethod::combsum;
  options.weights = {0.5, 0.5};  // combsum is unweighted
  EXPECT_THROW((void)fuse({&a, &b}, options), embeval::InputError);
  options = FusionOptions{};
  options.rrf_k = 0.0;
  EXPECT_THROW((void)fuse({&a, &b}, options), embeval::InputError);
  EXPECT_THROW((void)fuse({&a}, FusionOptions{}), embeval::InputError);
  EXPECT_THROW((void)embeval::parse_fusion_method("borda"), embeval::InputError);
  EXPECT_THROW((void)embeval::parse_score_normalization("min-max"), embeval::InputError);
}

TEST(FuseRuns, ADocumentListedTwiceInOneRunIsAnInputError) {
  const TrecRun a = make_run({{"q", {{"x", 1.0}, {"x", 0.5}}}});
  const TrecRun b = run_b();
  EXPECT_THROW((void)fuse({&a, &b}, FusionOptions{}), embeval::InputError);
}

TEST(FuseRuns, ToTrecRunCopiesTheFusedLists) {
  const TrecRun a = run_a();
  const TrecRun b = run_b();
  const TrecRun run = embeval::to_trec_run(fuse({&a, &b}, FusionOptions{}), "tag");
  EXPECT_EQ(run.tag, "tag");
  ASSERT_EQ(run.by_query.at("q1").size(), 4u);
  EXPECT_EQ(run.by_query.at("q1")[0].docno, "d2");
}

}  // namespace
