// The short probes table `eval --probes` and `demo` print under the results table: per model, the
// nDCG@10 change under each perturbation family, the tokenizer factors on the document sample
// and the hubness of the sample's k-NN graph (probe/model_probes.h, docs/probes.md). Pure
// formatting of ModelResult::probes; thread-safe.
#pragma once

#include <string>

#include "embeval/pipeline/evaluation.h"

namespace embeval {

// Empty when no model of `results` carries probes. Otherwise a title line (seed, rate, sample),
// one row per model with probes ("-" where a probe did not run), a legend, and one line per
// skipped probe with its reason.
[[nodiscard]] std::string format_probes_table(const EvaluationResults& results);

}  // namespace embeval
