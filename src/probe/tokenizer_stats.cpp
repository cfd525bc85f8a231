#include "embeval/probe/tokenizer_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "embeval/util/parallel_for.h"
#include "embeval/util/progress.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

bool is_ascii_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_cjk_character(std::uint32_t c) {
  return (c >= 0x3040 && c <= 0x30FF) || (c >= 0x31F0 && c <= 0x31FF) ||
         (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFF66 && c <= 0xFF9F) ||
         (c >= 0x20000 && c <= 0x2FFFF);
}

bool is_cjk_separator(std::uint32_t c) {
  return (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF0F) ||
         (c >= 0xFF1A && c <= 0xFF20);
}

}  // namespace

std::size_t count_words(std::string_view text, WordRule rule) {
  std::size_t words = 0;
  bool in_word = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte < 0x80 || rule == WordRule::kWhitespace) {
      const bool space = is_ascii_space(byte);
      if (!space && !in_word) ++words;
      in_word = !space;
      ++pos;
      continue;
    }
    std::uint32_t code_point = 0;
    const std::size_t length = decode_utf8(text, pos, code_point);
    if (length == 0) {  // an invalid byte: part of a word
      if (!in_word) ++words;
      in_word = true;
      ++pos;
      continue;
    }
    pos += length;
    if (is_cjk_character(code_point)) {
      ++words;
      in_word = false;  // the next character starts a word of its own
    } else if (is_cjk_separator(code_point)) {
      in_word = false;
    } else {
      if (!in_word) ++words;
      in_word = true;
    }
  }
  return words;
}

std::size_t nearest_rank_percentile(std::span<const std::size_t> sorted, double q) {
  if (sorted.empty()) return 0;
  const double rank = std::ceil(q / 100.0 * static_cast<double>(sorted.size()));
  const std::size_t index = rank < 1 ? 0 : static_cast<std::size_t>(rank) - 1;
  return sorted[std::min(index, sorted.size() - 1)];
}

TokenizerStats measure_tokenizer(const Tokenizer& tokenizer,
                                 std::span<const std::string_view> texts,
                                 std::size_t context_window, WordRule word_rule) {
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
    s.words += count_words(texts[i], word_rule);
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
