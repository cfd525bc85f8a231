// The terminal table `eval` and `demo` print: one row per model, quality with 95% bootstrap
// confidence intervals, then cost (speed, index size, memory).
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "embeval/pipeline/evaluation.h"

namespace embeval {

struct ConfidenceInterval {
  double low = 0;
  double high = 0;
};

// Percentile bootstrap of the mean over `values` (per-query scores): `resamples` draws with a
// fixed seed, so the same data always prints the same interval. Empty input: {0, 0}.
[[nodiscard]] ConfidenceInterval bootstrap_mean_ci(std::span<const double> values,
                                                   int resamples = 1000, double level = 0.95,
                                                   std::uint64_t seed = 42);

// bootstrap_mean_ci() with the defaults the table uses, as results.json records it
// (EvaluationConfig::interval).
[[nodiscard]] MeasureInterval bootstrap_interval(const std::string& measure,
                                                 std::span<const double> values);

// Quality columns are labelled with the cutoffs the measures really have (min(10, k) and
// min(100, k)); the headline interval is the model's recorded one when it has it. A legend says
// what each cost column covers. Ends with format_length_notes() and a line for results reused from
// an earlier run.
[[nodiscard]] std::string format_results_table(const EvaluationResults& results);

// One line per model and role whose texts were truncated or split by the context window
// ("gguf-bge: 312 of 18057 documents (1.7%) truncated (context window 512 tokens)"); empty when
// nothing was. Truncation is never silent.
[[nodiscard]] std::string format_length_notes(const EvaluationResults& results);

}  // namespace embeval
