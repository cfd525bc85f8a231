// Paired significance between the models of an evaluation: `embeval eval` runs compare's tests
// (eval/significance.h, docs/compare.md) on every pair of its models after the last one has run,
// and records them in results.json under "comparisons" with exactly `embeval compare --json`'s
// fields. The runs are read back from their files (OUT/runs/<label>.trec) and judged against the
// qrels the models were scored with, in complete mode as eval's own measures are, so the block
// equals `embeval compare --complete --json` on the same run files (labels aside: eval names a
// run by its model's label, compare by its path).
//
// Pure functions apart from reading the run files; thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "embeval/eval/qrels.h"
#include "embeval/eval/significance.h"

namespace embeval {

struct ModelResult;

// What `eval --significance*` asks for. `options.complete` is always true inside eval.
struct SignificanceSettings {
  bool enabled = true;  // --no-significance turns it off
  // trec_eval -m arguments; empty: significance_measures(k).
  std::vector<std::string> measures;
  CompareOptions options;
};

// The table's quality columns, the measures eval tests by default: nDCG, recall and MAP at
// min(100, k) or min(10, k) as eval_measures() lowers them, in the table's order:
// "ndcg_cut.10", "recall.100", "mrr_cut.10", "map_cut.100" at k >= 100.
[[nodiscard]] std::vector<std::string> significance_measures(std::size_t k);

// The tests and how they were run: results.json's "comparisons".
struct ModelComparisons {
  CompareOptions options;
  std::vector<PairComparison> tests;  // compare_runs() order: measure, then pair (i < j)
};

// Every pair of `models`, in their order (a = the earlier), on `measure_args`, Holm over the
// whole family. Each model's run is read from its run_file and labelled with its label.
// InputError as compare_runs(): fewer than two models or two queries, a counting measure.
[[nodiscard]] ModelComparisons compare_models(const Qrels& qrels,
                                              std::span<const ModelResult> models,
                                              std::span<const std::string> measure_args,
                                              const CompareOptions& options);

// The test of `measure` between the models labelled `x` and `y` in either order, or nullptr.
[[nodiscard]] const PairComparison* find_comparison(const ModelComparisons& comparisons,
                                                    const std::string& measure,
                                                    const std::string& x, const std::string& y);

// The labels of the models `label` is significantly better than on `measure` (significant and
// its mean larger), in the order the tests name them: the table's significance marks.
[[nodiscard]] std::vector<std::string> significantly_better_than(
    const ModelComparisons& comparisons, const std::string& measure, const std::string& label);

}  // namespace embeval
