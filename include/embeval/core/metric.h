// Similarity metrics shared by every dense index (exact and ANN). Scores are always "larger is
// better":
//   kInnerProduct  q . b
//   kCosine        q . b / (|q| |b|), and 0 when either vector is zero (never NaN)
//   kL2            -|q - b|^2  (negated squared Euclidean distance, <= 0)
#pragma once

#include <string_view>

namespace embeval {

enum class Metric { kInnerProduct, kCosine, kL2 };

// "ip", "cos", "l2" (the CLI spellings). parse_metric throws InputError on anything else.
[[nodiscard]] Metric parse_metric(std::string_view name);
[[nodiscard]] const char* metric_name(Metric metric);

}  // namespace embeval
