// Tuning a fusion's weights (and RRF's k) without leakage: k-fold cross-validation over queries.
// Every query falls in one fold (a seeded shuffle of the sorted query ids, the same on every
// machine); for each fold the grid point with the best mean measure over the OTHER folds' judged
// queries is chosen, and the fold's own queries are fused with it. The fused run thus scores
// every query with settings chosen without it: what it reports is held-out quality only.
// The grid is ranx's (optimize_fusion): weights in steps of 0.1 summing to 1, and for rrf k in
// 10, 20, ..., 100. Ties between grid points go to the first in grid order (weights ascending
// lexicographically, then k). tune_fusion is the same grid search on another split's queries
// (all of them train, none is scored). Stateless; thread-safe on shared const inputs.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"
#include "embeval/fusion/fuse_runs.h"

namespace embeval {

struct FusionGridPoint {
  std::vector<double> weights;  // one per run, summing to 1
  double rrf_k = 60.0;
};

// The grid for `method` over `run_count` runs (rrf: x k in 10..100; other methods keep `k`).
[[nodiscard]] std::vector<FusionGridPoint> fusion_grid(FusionMethod method, std::size_t run_count,
                                                       double k);

// fold_of[i] in [0, folds) for each of `query_ids` (sorted, distinct): a seeded shuffle dealt
// round-robin, so fold sizes differ by at most one. Precondition: folds >= 2.
[[nodiscard]] std::vector<std::size_t> assign_folds(const std::vector<std::string>& query_ids,
                                                    std::size_t folds);

struct FoldChoice {
  std::size_t fold = 0;
  std::size_t train_queries = 0;  // judged queries the choice was made on (the other folds)
  std::size_t test_queries = 0;   // judged queries fused with it (this fold)
  FusionGridPoint chosen;
  double train_score = 0.0;  // mean of the measure over the training queries
};

struct TunedFusion {
  TrecRun run;                    // every query fused with its own fold's choice
  std::vector<FoldChoice> folds;  // in fold order
  std::string measure;            // trec_eval name optimised, e.g. "ndcg_cut.10"
};

// Cross-validates `base` (method, norm, depth, top; its weights and k are what is tuned) over
// `folds` folds of the queries of `runs` and `qrels`, maximising `measure` (a trec_eval name,
// complete mode: a judged query missing from a run counts 0). Throws InputError for options
// check_fusion_options() refuses, an unknown measure, fewer judged queries than folds, or a
// method with nothing to tune (combsum, combmnz).
[[nodiscard]] TunedFusion cross_validate_fusion(std::span<const TrecRun* const> runs,
                                                const Qrels& qrels, const FusionOptions& base,
                                                std::size_t folds, const std::string& measure,
                                                std::string tag);

// Tunes `base` on a separate split (eval --tune-on): the grid point with the best mean `measure`
// over every judged query of `qrels` (complete mode), ties to the first in grid order. `runs` are
// the components' runs on that split's queries. Returns the choice as a FoldChoice with fold 0,
// train_queries = the judged queries it was chosen on, test_queries 0 (the caller's to fill).
// Throws InputError like cross_validate_fusion, or when `qrels` judges no query.
[[nodiscard]] FoldChoice tune_fusion(std::span<const TrecRun* const> runs, const Qrels& qrels,
                                     const FusionOptions& base, const std::string& measure);

}  // namespace embeval
