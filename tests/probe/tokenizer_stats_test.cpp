// The tokenizer probe's arithmetic on a tokenizer whose output is known by construction: one
// token per character but spaces and newlines, '?' unknown, '#' a byte-fallback piece, two special
// tokens per text.
#include "embeval/probe/tokenizer_stats.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace embeval {
namespace {

class CharacterTokenizer : public Tokenizer {
 public:
  explicit CharacterTokenizer(std::size_t context) : context_(context) {}
  std::vector<std::int32_t> tokenize(std::string_view text) const override {
    std::vector<std::int32_t> ids;
    for (const char c : text) {
      if (c != ' ' && c != '\n') ids.push_back(static_cast<unsigned char>(c));
    }
    return ids;
  }
  std::size_t special_tokens_per_text() const override { return 2; }
  bool is_unknown_token(std::int32_t id) const override { return id == '?'; }
  bool is_byte_token(std::int32_t id) const override { return id == '#'; }
  std::size_t vocabulary_size() const override { return 256; }
  std::string family() const override { return "character"; }
  std::size_t context_window() const override { return context_; }

 private:
  std::size_t context_;
};

TEST(NearestRank, HandComputed) {
  const std::vector<std::size_t> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(nearest_rank_percentile(v, 50), 5u);
  EXPECT_EQ(nearest_rank_percentile(v, 90), 9u);
  EXPECT_EQ(nearest_rank_percentile(v, 99), 10u);
  EXPECT_EQ(nearest_rank_percentile(v, 0), 1u);
  EXPECT_EQ(nearest_rank_percentile(v, 100), 10u);
  EXPECT_EQ(nearest_rank_percentile(std::vector<std::size_t>{}, 50), 0u);
}

TEST(TokenizerStats, CountsWordsTokensAndSpecialPieces) {
  const CharacterTokenizer tokenizer(/*context=*/6);
  // Tokens: 2, 4 (ab, cd), 3 (?#x), 0; lengths with 2 specials: 4, 6, 5, 2.
  const std::vector<std::string_view> texts = {"ab", "ab cd", " ?#x\n", ""};
  const TokenizerStats s = measure_tokenizer(tokenizer, texts);
  EXPECT_EQ(s.texts, 4u);
  EXPECT_EQ(s.words, 4u);  // "ab", "ab", "cd", "?#x"
  EXPECT_EQ(s.tokens, 9u);
  EXPECT_EQ(s.unknown_tokens, 1u);
  EXPECT_EQ(s.byte_tokens, 1u);
  EXPECT_DOUBLE_EQ(s.fertility(), 9.0 / 4.0);
  EXPECT_DOUBLE_EQ(s.unknown_rate(), 1.0 / 9.0);
  EXPECT_DOUBLE_EQ(s.byte_fallback_rate(), 1.0 / 9.0);
  EXPECT_EQ(s.context_window, 6u);  // the tokenizer's own
  EXPECT_EQ(s.over_context, 0u);    // 6 is not over 6
  // Sorted lengths 2, 4, 5, 6: nearest rank p50 = 2nd, p90 = p99 = 4th.
  EXPECT_EQ(s.p50, 4u);
  EXPECT_EQ(s.p90, 6u);
  EXPECT_EQ(s.p99, 6u);
  EXPECT_EQ(s.max, 6u);
}

TEST(TokenizerStats, AGivenWindowOverridesTheTokenizers) {
  const CharacterTokenizer tokenizer(/*context=*/6);
  const std::vector<std::string_view> texts = {"ab", "ab cd", " ?#x\n", ""};
  const TokenizerStats s = measure_tokenizer(tokenizer, texts, /*context_window=*/4);
  EXPECT_EQ(s.context_window, 4u);
  EXPECT_EQ(s.over_context, 2u);  // lengths 6 and 5
  EXPECT_DOUBLE_EQ(s.share_over_context(), 0.5);
}

TEST(TokenizerStats, UnknownWindowCountsNothingAsOver) {
  const CharacterTokenizer tokenizer(/*context=*/0);
  const std::vector<std::string_view> texts = {"a long text of many characters"};
  const TokenizerStats s = measure_tokenizer(tokenizer, texts);
  EXPECT_EQ(s.context_window, 0u);
  EXPECT_EQ(s.over_context, 0u);
}

TEST(TokenizerStats, ManyTextsGiveTheSameCountsOnEveryThread) {
  // More texts than cores: the per-thread partial sums must add up exactly.
  const CharacterTokenizer tokenizer(/*context=*/8);
  std::vector<std::string> owned;
  for (std::size_t i = 0; i < 1000; ++i) owned.push_back(std::string(i % 10, 'a') + " ?");
  const std::vector<std::string_view> texts(owned.begin(), owned.end());
  const TokenizerStats s = measure_tokenizer(tokenizer, texts);
  // Each text: (i % 10) 'a's and '?': tokens 1 + i % 10, summed over 100 rounds of 0..9.
  EXPECT_EQ(s.tokens, 100u * (10 + 45));
  EXPECT_EQ(s.unknown_tokens, 1000u);
  EXPECT_EQ(s.words, 1000u + 900u);  // "?" always, the a-run in 9 of 10 texts
  // Lengths 3..12, 100 each: over 8 are lengths 9..12.
  EXPECT_EQ(s.over_context, 400u);
  EXPECT_EQ(s.p50, 7u);  // rank 500 of 1000: lengths 3..7 fill ranks 1..500
  EXPECT_EQ(s.max, 12u);
}

}  // namespace
}  // namespace embeval

namespace embeval {
namespace {

TEST(CountWords, WhitespaceRuleCountsRunsOfNonSpace) {
  EXPECT_EQ(count_words("  list  directory\tcontents\n", WordRule::kWhitespace), 3u);
  EXPECT_EQ(count_words("", WordRule::kWhitespace), 0u);
  // Japanese has no spaces: one "word" under the whitespace rule.
  EXPECT_EQ(count_words("\xE5\x86\x85\xE5\xAE\xB9\xE3\x82\x92", WordRule::kWhitespace), 1u);
}

TEST(CountWords, CjkRuleCountsEachHanAndKanaCharacter) {
  const WordRule rule = WordRule::kWhitespaceAndCjkCharacters;
  // "ディレクトリの内容をリスト表示する" (ls(1)'s Japanese NAME line): 17 characters, all
  // Katakana (ディレクトリ 6, リスト 3, with the long-vowel mark U+30FC inside the block),
  // Hiragana (の, を, する) and Han (内容, 表示).
  EXPECT_EQ(count_words("\xE3\x83\x87\xE3\x82\xA3\xE3\x83\xAC\xE3\x82\xAF\xE3\x83\x88\xE3\x83\xAA"
                        "\xE3\x81\xAE\xE5\x86\x85\xE5\xAE\xB9\xE3\x82\x92\xE3\x83\xAA\xE3\x82\xB9"
                        "\xE3\x83\x88\xE8\xA1\xA8\xE7\xA4\xBA\xE3\x81\x99\xE3\x82\x8B",
                        rule),
            17u);
  // Latin words keep the whitespace rule; a Han character ends the Latin word before it;
  // the ideographic full stop U+3002 and space U+3000 separate without counting.
  EXPECT_EQ(count_words("ls\xE3\x81\xAE\xE5\x87\xBA\xE5\x8A\x9B\xE3\x80\x82ok", rule),
            5u);  // ls, の, 出, 力, ok
  EXPECT_EQ(count_words("a\xE3\x80\x80"
                        "b",
                        rule),
            2u);
  EXPECT_EQ(count_words("\xC3\xA4pfel \xC3\xBC"
                        "ber",
                        rule),
            2u);                                   // Latin letters: no change
  EXPECT_EQ(count_words("\xFF\xFE x", rule), 2u);  // invalid bytes belong to a word
}

}  // namespace
}  // namespace embeval
