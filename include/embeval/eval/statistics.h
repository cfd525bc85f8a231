// Confidence intervals on a measure's mean over queries: the interval `eval` and `demo` print
// beside nDCG@10 and results.json records (ModelResult::headline_interval), computed here, below
// both, so the file and the table hold the same numbers.
//
// A percentile bootstrap with a fixed seed: the same per-query values always give the same
// interval. The draws go through std::uniform_int_distribution, whose algorithm the standard
// leaves to the library, so the interval is reproducible for one standard library (libstdc++,
// the one the build uses), not across libraries. Pure functions, no shared state: thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "embeval/eval/metrics.h"

namespace embeval {

// The settings of the interval the results table prints and results.json records.
inline constexpr int kBootstrapResamples = 1000;
inline constexpr double kBootstrapLevel = 0.95;
inline constexpr std::uint64_t kBootstrapSeed = 42;

struct ConfidenceInterval {
  double low = 0;
  double high = 0;
};

// Percentile bootstrap of the mean over `values` (one per query): `resamples` means of
// values.size() draws with replacement, seeded with `seed`; the bounds are the (1 - level) / 2
// and (1 + level) / 2 quantiles of those means (nearest rank). Empty input or resamples <= 0:
// {0, 0}.
[[nodiscard]] ConfidenceInterval bootstrap_mean_ci(std::span<const double> values,
                                                   int resamples = kBootstrapResamples,
                                                   double level = kBootstrapLevel,
                                                   std::uint64_t seed = kBootstrapSeed);

// A confidence interval on the mean of one measure over queries, with what it took to compute
// it, as results.json records it.
struct MeasureInterval {
  std::string measure;  // trec_eval output name, e.g. "ndcg_cut_10"
  std::string method;   // e.g. "percentile bootstrap over queries"
  double level = 0.95;
  double low = 0;
  double high = 0;
  int resamples = 0;
  std::uint64_t seed = 0;
};

// bootstrap_mean_ci() with the default settings over `values`, labelled `measure`.
[[nodiscard]] MeasureInterval bootstrap_interval(const std::string& measure,
                                                 std::span<const double> values);

// bootstrap_interval() over the per-query values `metrics` holds for `measure` (every query of
// per_query, in qid order). nullopt when `metrics` lacks the measure.
[[nodiscard]] std::optional<MeasureInterval> bootstrap_interval(const EvalResult& metrics,
                                                                const std::string& measure);

}  // namespace embeval
