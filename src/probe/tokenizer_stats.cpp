#include "embeval/probe/tokenizer_stats.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "embeval/util/parallel_for.h"
#include "embeval/util/progress.h"

namespace embeval {
namespace {

std::size_t count_words(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (const char c : text) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

}  // namespace

std::size_t nearest_rank_percentile(std::span<const std::size_t> sorted, double q) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(q / 100.0 * static_cast<double>(sorted.size()));
  const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

TokenizerStats measure_tokenizer(const Tokenizer& tokenizer,
                                 std::span<const std::string_view> texts,
                                 std::size_t context_window) {
  TokenizerStats total;
  total.texts = texts.size();
  total.context_window = context_window ? context_window : tokenizer.context_window();
  const std::size_t specials = tokenizer.special_tokens_per_text();
  std::vector<std::size_t> lengths(texts.size());
  constexpr std::size_t kAllCores = 0;
  std::vector<TokenizerStats> partial(parallel_workers(texts.size(), kAllCores));
  Progress progress("tokenize", texts.size(), "texts", texts.size() >= 10000);
  parallel_for(texts.size(), kAllCores, [&](std::size_t i, std::size_t worker) {
    TokenizerStats& s = partial[worker];
    const auto ids = tokenizer.tokenize(texts[i]);
    s.words += count_words(texts[i]);
    s.tokens += ids.size();
    for (const auto id : ids) {
      if (tokenizer.is_unknown_token(id)) ++s.unknown_tokens;
      if (tokenizer.is_byte_token(id)) ++s.byte_tokens;
    }
    lengths[i] = ids.size() + specials;
  });
  progress.add(texts.size());
  for (const TokenizerStats& s : partial) {
    total.words += s.words;
    total.tokens += s.tokens;
    total.unknown_tokens += s.unknown_tokens;
    total.byte_tokens += s.byte_tokens;
  }
  if (total.context_window > 0) {
    total.over_context = static_cast<std::size_t>(std::count_if(
        lengths.begin(), lengths.end(), [&](std::size_t n) { return n > total.context_window; }));
  }
  std::sort(lengths.begin(), lengths.end());
  total.p50 = nearest_rank_percentile(lengths, 50);
  total.p90 = nearest_rank_percentile(lengths, 90);
  total.p99 = nearest_rank_percentile(lengths, 99);
  total.max = lengths.empty() ? 0 : lengths.back();
  return total;
}

}  // namespace embeval
