// cross_validate_fusion: every grid point is fused and evaluated once over all queries (a
// query's fused list depends on that query's runs only), then each fold picks its point from
// the per-query values of its training queries. Cost: one fusion + evaluation per grid point,
// whatever the number of folds.
#include "embeval/fusion/fusion_tuning.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>

#include "embeval/core/error.h"
#include "embeval/eval/measures.h"
#include "embeval/eval/metrics.h"

namespace embeval {
namespace {

// splitmix64: a tiny generator whose sequence is fixed by its definition (std::shuffle's use of
// a generator is not), so folds are the same on every machine.
std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kFoldSeed = 20261202;

void weight_tuples(std::size_t runs_left, int tenths_left, std::vector<int>& current,
                   std::vector<std::vector<int>>& out) {
  if (runs_left == 1) {
    current.push_back(tenths_left);
    out.push_back(current);
    current.pop_back();
    return;
  }
  for (int t = 0; t <= tenths_left; ++t) {
    current.push_back(t);
    weight_tuples(runs_left - 1, tenths_left - t, current, out);
    current.pop_back();
  }
}

}  // namespace

std::vector<FusionGridPoint> fusion_grid(FusionMethod method, std::size_t run_count, double k) {
  EMBEVAL_CHECK(run_count >= 1, "fusion_grid: no runs");
  std::vector<std::vector<int>> tuples;
  std::vector<int> current;
  weight_tuples(run_count, 10, current, tuples);
  std::vector<FusionGridPoint> grid;
  for (const auto& tuple : tuples) {
    std::vector<double> weights;
    for (const int t : tuple) weights.push_back(static_cast<double>(t) / 10.0);
    if (method == FusionMethod::rrf) {
      for (int kk = 10; kk <= 100; kk += 10) grid.push_back({weights, static_cast<double>(kk)});
    } else {
      grid.push_back({weights, k});
    }
  }
  return grid;
}

std::vector<std::size_t> assign_folds(const std::vector<std::string>& query_ids,
                                      std::size_t folds) {
  EMBEVAL_CHECK(folds >= 2, "assign_folds: fewer than 2 folds");
  std::vector<std::size_t> order(query_ids.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::uint64_t state = kFoldSeed;
  for (std::size_t i = order.size(); i > 1; --i) {  // Fisher-Yates
    const std::size_t j = static_cast<std::size_t>(splitmix64(state) % i);
    std::swap(order[i - 1], order[j]);
  }
  std::vector<std::size_t> fold_of(query_ids.size());
  for (std::size_t pos = 0; pos < order.size(); ++pos) fold_of[order[pos]] = pos % folds;
  return fold_of;
}

TunedFusion cross_validate_fusion(std::span<const TrecRun* const> runs, const Qrels& qrels,
                                  const FusionOptions& base, std::size_t folds,
                                  const std::string& measure, std::string tag) {
  check_fusion_options(base, runs.size());
  if (!fusion_method_uses_weights(base.method)) {
    throw InputError(std::string(fusion_method_name(base.method)) + " has nothing to tune", {}, 0,
                     "tune wsum, rrf, dbsf-mteb, dbsf-qdrant or rsf");
  }
  if (folds < 2) throw InputError("cross-validation needs at least 2 folds");
  const std::vector<std::string> names = {measure};
  const MeasureSet set = parse_measures(names);
  std::vector<std::string> judged;
  for (const auto& [qid, docs] : qrels.judgments) judged.push_back(qid);
  if (judged.size() < folds) {
    throw InputError(std::to_string(judged.size()) + " judged queries cannot make " +
                     std::to_string(folds) + " folds");
  }
  // Folds over every query: judged ones and those only the runs hold (they are fused with their
  // fold's choice too, and never count in a score).
  std::set<std::string> all(judged.begin(), judged.end());
  for (const TrecRun* run : runs) {
    for (const auto& [qid, entries] : run->by_query) all.insert(qid);
  }
  const std::vector<std::string> query_ids(all.begin(), all.end());
  const std::vector<std::size_t> fold_of_all = assign_folds(query_ids, folds);
  std::map<std::string, std::size_t> fold_of;
  for (std::size_t i = 0; i < query_ids.size(); ++i) fold_of[query_ids[i]] = fold_of_all[i];

  const std::vector<FusionGridPoint> grid = fusion_grid(base.method, runs.size(), base.rrf_k);
  // value[g][j]: the measure of judged query j fused with grid point g.
  std::vector<std::vector<double>> value(grid.size(), std::vector<double>(judged.size(), 0.0));
  EvalOptions eval_options;
  eval_options.complete = true;
  for (std::size_t g = 0; g < grid.size(); ++g) {
    FusionOptions options = base;
    options.weights = grid[g].weights;
    options.rrf_k = grid[g].rrf_k;
    const TrecRun fused = to_trec_run(fuse_runs(runs, options), tag);
    const EvalResult result = evaluate(qrels, fused, set, eval_options);
    for (std::size_t j = 0; j < judged.size(); ++j) {
      const auto it = result.per_query.find(judged[j]);
      EMBEVAL_CHECK(it != result.per_query.end(), "complete mode lists every judged query");
      value[g][j] = it->second[0];
    }
  }

  TunedFusion tuned;
  tuned.measure = measure;
  tuned.run.tag = tag;
  for (std::size_t f = 0; f < folds; ++f) {
    FoldChoice choice;
    choice.fold = f;
    for (const auto& q : judged) (fold_of[q] == f ? choice.test_queries : choice.train_queries)++;
    std::size_t best = 0;
    double best_score = -1.0;
    for (std::size_t g = 0; g < grid.size(); ++g) {
      double total = 0.0;
      for (std::size_t j = 0; j < judged.size(); ++j) {
        if (fold_of[judged[j]] != f) total += value[g][j];
      }
      const double mean = total / static_cast<double>(choice.train_queries);
      if (mean > best_score) {  // strict: ties keep the first grid point
        best_score = mean;
        best = g;
      }
    }
    choice.chosen = grid[best];
    choice.train_score = best_score;
    FusionOptions options = base;
    options.weights = grid[best].weights;
    options.rrf_k = grid[best].rrf_k;
    const FusedRun fused = fuse_runs(runs, options);
    for (std::size_t q = 0; q < fused.query_ids.size(); ++q) {
      const std::string qid(fused.query_ids[q]);
      if (fold_of[qid] != f) continue;
      auto& entries = tuned.run.by_query[qid];
      for (const FusedEntry& e : fused.query(q)) entries.push_back({std::string(e.docno), e.score});
    }
    tuned.folds.push_back(std::move(choice));
  }
  return tuned;
}

FoldChoice tune_fusion(std::span<const TrecRun* const> runs, const Qrels& qrels,
                       const FusionOptions& base, const std::string& measure) {
  check_fusion_options(base, runs.size());
  if (!fusion_method_uses_weights(base.method)) {
    throw InputError(std::string(fusion_method_name(base.method)) + " has nothing to tune", {}, 0,
                     "tune wsum, rrf, dbsf-mteb, dbsf-qdrant or rsf");
  }
  if (qrels.judgments.empty()) {
    throw InputError("the tuning split judges no query", {}, 0,
                     "tune on a split whose qrels judge queries of the dataset");
  }
  const std::vector<std::string> names = {measure};
  const MeasureSet set = parse_measures(names);
  EvalOptions eval_options;
  eval_options.complete = true;
  const std::vector<FusionGridPoint> grid = fusion_grid(base.method, runs.size(), base.rrf_k);
  FoldChoice choice;
  choice.train_queries = qrels.judgments.size();
  double best_score = -1.0;
  for (const FusionGridPoint& point : grid) {
    FusionOptions options = base;
    options.weights = point.weights;
    options.rrf_k = point.rrf_k;
    const EvalResult result =
        evaluate(qrels, to_trec_run(fuse_runs(runs, options), "tune"), set, eval_options);
    double total = 0.0;  // in query-id order, as cross-validation sums
    for (const auto& [qid, docs] : qrels.judgments) {
      const auto it = result.per_query.find(qid);
      EMBEVAL_CHECK(it != result.per_query.end(), "complete mode lists every judged query");
      total += it->second[0];
    }
    const double mean = total / static_cast<double>(choice.train_queries);
    if (mean > best_score) {  // strict: ties keep the first grid point
      best_score = mean;
      choice.chosen = point;
    }
  }
  choice.train_score = best_score;
  return choice;
}

}  // namespace embeval
