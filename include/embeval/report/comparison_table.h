// The terminal table `embeval compare` prints: one row per paired test (compare_runs() order:
// measure, then pair), the means, the difference with its 95% interval, p and the corrected p,
// wins/ties/losses and a "*" when significant, under a line saying which test, how many
// samples, which seed and which correction produced it.
#pragma once

#include <span>
#include <string>

#include "embeval/eval/significance.h"

namespace embeval {

[[nodiscard]] std::string format_comparison_table(std::span<const PairComparison> tests,
                                                  const CompareOptions& options);

}  // namespace embeval
