#include "embeval/core/metric.h"

#include <string>

#include "embeval/core/error.h"

namespace embeval {

Metric parse_metric(std::string_view name) {
  if (name == "ip") return Metric::kInnerProduct;
  if (name == "cos") return Metric::kCosine;
  if (name == "l2") return Metric::kL2;
  throw InputError("unknown metric '" + std::string(name) + "'", {}, 0,
                   "use ip (inner product), cos (cosine) or l2 (Euclidean)");
}

const char* metric_name(Metric metric) {
  switch (metric) {
    case Metric::kInnerProduct:
      return "ip";
    case Metric::kCosine:
      return "cos";
    case Metric::kL2:
      return "l2";
  }
  return "?";
}

}  // namespace embeval
