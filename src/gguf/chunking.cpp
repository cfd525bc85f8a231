#include "embeval/gguf/chunking.h"

#include <algorithm>

#include "embeval/core/error.h"

namespace embeval {

std::vector<TokenWindow> plan_windows(std::size_t n, std::size_t window, std::size_t stride) {
  EMBEVAL_CHECK(window >= 1 && stride >= 1, "plan_windows needs window >= 1 and stride >= 1");
  stride = std::min(stride, window);
  std::vector<TokenWindow> out;
  if (n == 0) return {TokenWindow{0, 0}};
  for (std::size_t begin = 0;; begin += stride) {
    const std::size_t end = std::min(n, begin + window);
    out.push_back({begin, end});
    if (end == n) break;
  }
  return out;
}

ChunkAggregation parse_chunk_aggregation(std::string_view text) {
  if (text == "max") return ChunkAggregation::kMax;
  if (text == "first") return ChunkAggregation::kFirst;
  if (text == "mean") return ChunkAggregation::kMean;
  throw InputError("chunk_agg must be max, first or mean, not '" + std::string(text) + "'", "", 0,
                   "e.g. gguf:model.gguf?window=256&stride=128&chunk_agg=max");
}

std::string to_string(ChunkAggregation agg) {
  switch (agg) {
    case ChunkAggregation::kMax:
      return "max";
    case ChunkAggregation::kFirst:
      return "first";
    case ChunkAggregation::kMean:
      return "mean";
  }
  return "?";
}

}  // namespace embeval
