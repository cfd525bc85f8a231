// How a tokenizer treats a corpus: the factors of a model that depend on the user's text
// (fertility, unknown and byte-fallback tokens, how many texts a context window cuts). Works on
// any core Tokenizer, such as a vocabulary-only GGUF file's (no weights needed). Tokenizes on all
// cores; the tokenizer must allow concurrent calls (core/tokenizer.h says it does).
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "embeval/core/tokenizer.h"

namespace embeval {

// What counts as a word, the denominator of fertility.
enum class WordRule {
  // Maximal runs of non-whitespace bytes (ASCII whitespace separates). The demo's rule.
  kWhitespace,
  // As kWhitespace, except that Japanese and Chinese, written without spaces, count one word
  // per character: each Han ideograph (U+3400-4DBF, U+4E00-9FFF, U+F900-FAFF,
  // U+20000-2FFFF), Hiragana or Katakana character (U+3040-30FF, U+31F0-31FF, U+FF66-FF9F) is a
  // word of its own, and CJK punctuation and the ideographic space (U+3000-303F, U+FF01-FF0F,
  // U+FF1A-FF20) separate words without being one. For Japanese, fertility is then tokens per
  // character. Hangul is written with spaces and keeps the whitespace rule.
  kWhitespaceAndCjkCharacters,
};

// Words in `text` under `rule`. Invalid UTF-8 bytes count as non-space, non-CJK characters.
[[nodiscard]] std::size_t count_words(std::string_view text, WordRule rule);

struct TokenizerStats {
  std::size_t texts = 0;
  std::size_t words = 0;           // words as the WordRule counts them (whitespace by default)
  std::size_t tokens = 0;          // content tokens (special tokens excluded)
  std::size_t unknown_tokens = 0;  // [UNK] / <unk> emitted
  std::size_t byte_tokens = 0;     // byte-fallback pieces (<0xNN>)
  std::size_t over_context = 0;    // texts whose tokens + specials exceed the context window
  std::size_t context_window = 0;  // 0: unknown (nothing counted as over)
  // Token lengths per text, specials included: percentiles (nearest rank) and maximum.
  std::size_t p50 = 0, p90 = 0, p99 = 0, max = 0;

  double fertility() const { return words ? double(tokens) / double(words) : 0.0; }
  double unknown_rate() const { return tokens ? double(unknown_tokens) / double(tokens) : 0.0; }
  double byte_fallback_rate() const { return tokens ? double(byte_tokens) / double(tokens) : 0.0; }
  double share_over_context() const { return texts ? double(over_context) / double(texts) : 0.0; }
};

// Tokenizes every text (on all cores) with `tokenizer`. context_window 0 uses the tokenizer's own
// (Tokenizer::context_window(); 0 there too: nothing counted as over). `word_rule` says what a
// word is (fertility's denominator).
[[nodiscard]] TokenizerStats measure_tokenizer(const Tokenizer& tokenizer,
                                               std::span<const std::string_view> texts,
                                               std::size_t context_window = 0,
                                               WordRule word_rule = WordRule::kWhitespace);

// Nearest-rank percentile (q in [0, 100]) of `sorted` (ascending). 0 for an empty input.
[[nodiscard]] std::size_t nearest_rank_percentile(std::span<const std::size_t> sorted, double q);

}  // namespace embeval
