// The terminal report `embeval ann` prints: ANN configurations against exact search, truncated
// dimensions, storage precisions, the sweep's frontier, and sparse posting statistics.
#pragma once

#include <string>

#include "embeval/pipeline/ann_evaluation.h"

namespace embeval {

[[nodiscard]] std::string format_ann_report(const AnnResults& results);

}  // namespace embeval
