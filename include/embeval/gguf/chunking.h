// Long-document handling for token-window encoders: which token ranges become chunks, and the
// chunk_agg spec value that says how their results combine (the gguf encoder averages or picks
// chunk vectors; ChunkMaxIndex takes the best chunk's score). Pure functions, no llama.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace embeval {

// Half-open range [begin, end) of content tokens (special tokens excluded).
struct TokenWindow {
  std::size_t begin = 0;
  std::size_t end = 0;
  bool operator==(const TokenWindow&) const = default;
};

// Windows of at most `window` tokens, starting every `stride` tokens, that together cover every
// one of `n` tokens; the last window ends at n (it may be shorter). n == 0 gives one empty
// window so every text has at least one chunk. Preconditions: window >= 1, 1 <= stride.
// A stride larger than the window would skip tokens: GgufOptions refuses it (InputError); here
// it is clamped to the window.
[[nodiscard]] std::vector<TokenWindow> plan_windows(std::size_t n, std::size_t window,
                                                    std::size_t stride);

enum class ChunkAggregation { kMax, kFirst, kMean };

// "max" | "first" | "mean"; throws InputError naming the spec key otherwise.
[[nodiscard]] ChunkAggregation parse_chunk_aggregation(std::string_view text);
std::string to_string(ChunkAggregation agg);

}  // namespace embeval
