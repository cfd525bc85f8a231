// The terminal table `eval` and `demo` print: one row per model, quality with the 95% bootstrap
// confidence interval results.json records (eval/statistics.h), then cost (speed, index size,
// memory).
#pragma once

#include <string>

#include "embeval/pipeline/evaluation.h"

namespace embeval {

// Quality columns are labelled with the cutoffs the measures really have (min(10, k) and
// min(100, k)). The interval beside nDCG is the model's headline_interval, the one results.json
// records; a result without one (read from a version 2 file) gets bootstrap_interval() of its
// per-query values, as run_evaluation() would have recorded. A legend says what each cost column
// covers. Ends with format_length_notes() and a line for results reused from an earlier run.
[[nodiscard]] std::string format_results_table(const EvaluationResults& results);

// With results.comparisons, the model column starts with a letter per model (a, b, ...) and a
// quality value ends in "^" and the letters of the models it is significantly better than on that
// measure (TREC papers' superscripts); format_significance_legend() under the table says so.
// With a cost for some model (cost_model.h), format_cost_table() follows, with the price table's
// source and date for every hosted estimate.

// Two lines: what the letters and marks mean, which test and correction; empty without tests.
[[nodiscard]] std::string format_significance_legend(const EvaluationResults& results);

// The cost table (USD per corpus, per million documents, per million queries; storage per
// month), the flags' prices and the price rows' sources; empty when no model has a cost figure.
[[nodiscard]] std::string format_cost_table(const EvaluationResults& results);

// One line per model and role whose texts were truncated or split by the context window
// ("gguf-bge: 312 of 18057 documents (1.7%) truncated (context window 512 tokens)"); empty when
// nothing was. Truncation is never silent.
[[nodiscard]] std::string format_length_notes(const EvaluationResults& results);

}  // namespace embeval
