// What `embeval parity` prints: the dataset and both models, one row of cosine figures per role
// (documents, queries; "-" when the dimensions differ), the top-10 overlap and the nDCG@10 of
// each model with the paired difference and its 95% interval, then the notes. Definitions:
// embeval/pipeline/parity.h and docs/parity.md.
#pragma once

#include <string>

#include "embeval/pipeline/parity.h"

namespace embeval {

[[nodiscard]] std::string format_parity_table(const ParityResult& result);

}  // namespace embeval
