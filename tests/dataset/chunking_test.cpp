// chunk_text: exact passage boundaries, computed by hand from the byte offsets written under
// each text, for every unit, packing and section mode, with overlap edge cases.
#include "embeval/dataset/chunking.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "embeval/core/error.h"

namespace embeval {
namespace {

// One token per Unicode character: token counts can be done by hand.
class CharTokenizer : public Tokenizer {
 public:
  std::vector<std::int32_t> tokenize(std::string_view text) const override {
    std::vector<std::int32_t> ids;
    for (unsigned char c : text) {
      if ((c & 0xc0) != 0x80) ids.push_back(c);
    }
    return ids;
  }
  std::size_t special_tokens_per_text() const override { return 0; }
  bool is_unknown_token(std::int32_t) const override { return false; }
  bool is_byte_token(std::int32_t) const override { return false; }
  std::size_t vocabulary_size() const override { return 256; }
  std::string family() const override { return "char"; }
  std::size_t context_window() const override { return 0; }
};

using Span = std::pair<std::size_t, std::size_t>;

std::vector<Span> spans(const std::vector<TextChunk>& chunks) {
  std::vector<Span> out;
  for (const auto& c : chunks) out.emplace_back(c.begin, c.end);
  return out;
}
std::vector<std::size_t> units(const std::vector<TextChunk>& chunks) {
  std::vector<std::size_t> out;
  for (const auto& c : chunks) out.push_back(c.units);
  return out;
}

ChunkOptions words(std::size_t size, std::size_t overlap,
                   ChunkPacking packing = ChunkPacking::kNone) {
  ChunkOptions o;
  o.size = size;
  o.overlap = overlap;
  o.packing = packing;
  return o;
}

// "a b c d e f g h i j": word k at byte 2k.
TEST(ChunkText, WordWindowsWithOverlap) {
  const std::string text = "a b c d e f g h i j";
  const auto c = chunk_text(text, words(4, 1));
  EXPECT_EQ(spans(c), (std::vector<Span>{{0, 7}, {6, 13}, {12, 19}}));  // a-d, d-g, g-j
  EXPECT_EQ(units(c), (std::vector<std::size_t>{4, 4, 4}));
  // Nine words: the last window is short.
  EXPECT_EQ(spans(chunk_text("a b c d e f g h i", words(4, 1))),
            (std::vector<Span>{{0, 7}, {6, 13}, {12, 17}}));
  EXPECT_EQ(spans(chunk_text("a b c d e f g", words(3, 0))),
            (std::vector<Span>{{0, 5}, {6, 11}, {12, 13}}));
}

TEST(ChunkText, LargestOverlapMovesOneWordAtATime) {
  EXPECT_EQ(spans(chunk_text("a b c", words(2, 1))), (std::vector<Span>{{0, 3}, {2, 5}}));
}

TEST(ChunkText, OverlapNotSmallerThanSizeIsAnInputError) {
  EXPECT_THROW((void)chunk_text("a b", words(4, 4)), InputError);
  EXPECT_THROW((void)chunk_text("a b", words(4, 9)), InputError);
  EXPECT_THROW((void)chunk_text("a b", words(0, 0)), InputError);
  ChunkOptions tokens = words(4, 0);
  tokens.unit = ChunkUnit::kTokens;  // no tokenizer
  EXPECT_THROW((void)chunk_text("a b", tokens), InputError);
}

TEST(ChunkText, EmptyAndShortTexts) {
  EXPECT_TRUE(chunk_text("", words(4, 1)).empty());
  EXPECT_TRUE(chunk_text(" \n\t \n", words(4, 1)).empty());
  const auto c = chunk_text("  one two\n", words(10, 3));
  EXPECT_EQ(spans(c), (std::vector<Span>{{2, 9}}));
  EXPECT_EQ(units(c), (std::vector<std::size_t>{2}));
}

// "One two three. Four five. Six." sentences of 3, 2 and 1 words;
// One 0-3, two 4-7, three. 8-14, Four 15-19, five. 20-25, Six. 26-30.
TEST(ChunkText, SentencePackingNeverCutsASentenceThatFits) {
  const std::string text = "One two three. Four five. Six.";
  EXPECT_EQ(spans(chunk_text(text, words(5, 0, ChunkPacking::kSentence))),
            (std::vector<Span>{{0, 25}, {26, 30}}));
  // Size 4: three words, then two + one (without packing: "One two three. Four").
  EXPECT_EQ(spans(chunk_text(text, words(4, 0, ChunkPacking::kSentence))),
            (std::vector<Span>{{0, 14}, {15, 30}}));
  EXPECT_EQ(spans(chunk_text(text, words(4, 0))), (std::vector<Span>{{0, 19}, {20, 30}}));
}

// "A b. C d. E f. G h.": four sentences of two words at bytes 0, 5, 10, 15 (each 4 bytes).
TEST(ChunkText, SentenceOverlapIsWholeSentences) {
  EXPECT_EQ(spans(chunk_text("A b. C d. E f. G h.", words(4, 2, ChunkPacking::kSentence))),
            (std::vector<Span>{{0, 9}, {5, 14}, {10, 19}}));
  // Overlap 1 cannot hold a two-word sentence: no overlap.
  EXPECT_EQ(spans(chunk_text("A b. C d. E f. G h.", words(4, 1, ChunkPacking::kSentence))),
            (std::vector<Span>{{0, 9}, {10, 19}}));
}

// One 0-3, two 4-7, three 8-13, four 14-18, five. 19-24, Six. 25-29.
TEST(ChunkText, SentenceLongerThanTheWindowIsCutByWords) {
  const std::string text = "One two three four five. Six.";
  EXPECT_EQ(spans(chunk_text(text, words(3, 0, ChunkPacking::kSentence))),
            (std::vector<Span>{{0, 13}, {14, 24}, {25, 29}}));
  EXPECT_EQ(spans(chunk_text(text, words(3, 1, ChunkPacking::kSentence))),
            (std::vector<Span>{{0, 13}, {8, 24}, {25, 29}}));
}

// "e.g." before a lower-case word ends no sentence: See 0-3, e.g. 4-8, this. 9-14, Next 15-19.
TEST(ChunkText, AbbreviationBeforeLowerCaseDoesNotEndASentence) {
  EXPECT_EQ(spans(chunk_text("See e.g. this. Next", words(3, 0, ChunkPacking::kSentence))),
            (std::vector<Span>{{0, 14}, {15, 19}}));
}

// Paragraphs "a b", "c d e", "f": a0 b2, c5 d7 e9, f13 (the second gap holds a space).
TEST(ChunkText, ParagraphPacking) {
  const std::string text = "a b\n\nc d e\n \nf";
  EXPECT_EQ(spans(chunk_text(text, words(4, 0, ChunkPacking::kParagraph))),
            (std::vector<Span>{{0, 3}, {5, 14}}));
  // A single line break does not end a paragraph.
  EXPECT_EQ(spans(chunk_text("a b\nc d\n\ne", words(4, 0, ChunkPacking::kParagraph))),
            (std::vector<Span>{{0, 7}, {9, 10}}));
}

// "Alpha beta. Gamma delta epsilon. Zeta": Alpha 0-5, beta. 6-11, Gamma 12-17, delta 18-23,
// epsilon. 24-32, Zeta 33-37.
TEST(ChunkText, SectionsAreNeverCrossed) {
  const std::string text = "Alpha beta. Gamma delta epsilon. Zeta";
  const std::vector<TextSection> sections = {{12, 32, {"Guide", "Install"}}, {33, 37, {"Usage"}}};
  ChunkOptions o = words(2, 1);
  EXPECT_EQ(spans(chunk_text(text, o, sections)),
            (std::vector<Span>{{0, 11}, {6, 17}, {12, 23}, {18, 32}, {24, 37}}));
  o.sections = true;
  const auto c = chunk_text(text, o, sections);
  EXPECT_EQ(spans(c), (std::vector<Span>{{0, 11}, {12, 23}, {18, 32}, {33, 37}}));
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(c[0].section, kNoSection);
  EXPECT_EQ(c[1].section, 0u);
  EXPECT_EQ(c[2].section, 0u);
  EXPECT_EQ(c[3].section, 1u);
}

TEST(ChunkText, NestedSectionsBelongToTheInnermost) {
  const std::string text = "Alpha beta. Gamma delta epsilon. Zeta";
  const std::vector<TextSection> sections = {{0, 37, {"A"}}, {12, 32, {"A", "B"}}};
  ChunkOptions o = words(10, 0);
  o.sections = true;
  const auto c = chunk_text(text, o, sections);
  EXPECT_EQ(spans(c), (std::vector<Span>{{0, 11}, {12, 32}, {33, 37}}));
  EXPECT_EQ(c[0].section, 0u);
  EXPECT_EQ(c[1].section, 1u);
  EXPECT_EQ(c[2].section, 0u);
}

// One token per character. "héllo wörld ab": héllo 0-6 (é is 2 bytes), wörld 7-13, ab 14-16.
TEST(ChunkText, TokenWindowsWithUnicode) {
  const CharTokenizer tokenizer;
  ChunkOptions o = words(6, 0);
  o.unit = ChunkUnit::kTokens;
  o.tokenizer = &tokenizer;
  const std::string text = "héllo wörld ab";
  auto c = chunk_text(text, o);
  EXPECT_EQ(spans(c), (std::vector<Span>{{0, 6}, {7, 13}, {14, 16}}));
  EXPECT_EQ(units(c), (std::vector<std::size_t>{5, 5, 2}));
  o.size = 7;  // wörld + ab = 7 tokens
  EXPECT_EQ(spans(chunk_text(text, o)), (std::vector<Span>{{0, 6}, {7, 16}}));
  // Size 3: words over the window are cut between characters: "hél" 0-4, "lo" 4-6, "wör" 7-11,
  // "ld" 11-13.
  o.size = 3;
  c = chunk_text(text, o);
  EXPECT_EQ(spans(c), (std::vector<Span>{{0, 4}, {4, 6}, {7, 11}, {11, 13}, {14, 16}}));
  EXPECT_EQ(units(c), (std::vector<std::size_t>{3, 2, 3, 2, 2}));
}

// No spaces: 13 characters of 3 bytes each, cut at 5 characters, never inside one.
TEST(ChunkText, TextWithoutSpacesIsCutBetweenCharacters) {
  const CharTokenizer tokenizer;
  ChunkOptions o = words(5, 0);
  o.unit = ChunkUnit::kTokens;
  o.tokenizer = &tokenizer;
  const std::string text = "日本語の文章です。次の文。";
  ASSERT_EQ(text.size(), 39u);
  const auto c = chunk_text(text, o);
  EXPECT_EQ(spans(c), (std::vector<Span>{{0, 15}, {15, 30}, {30, 39}}));
  EXPECT_EQ(units(c), (std::vector<std::size_t>{5, 5, 3}));
}

TEST(ChunkText, TokenOverlap) {
  const CharTokenizer tokenizer;
  ChunkOptions o = words(5, 2);
  o.unit = ChunkUnit::kTokens;
  o.tokenizer = &tokenizer;
  // ab 0-2, cd 3-5, e 6-7, fg 8-10: weights 2, 2, 1, 2. Windows: ab cd e (5); overlap keeps
  // "e" (1) and "cd" would make 3 > 2: next starts at e: e fg (3).
  EXPECT_EQ(spans(chunk_text("ab cd e fg", o)), (std::vector<Span>{{0, 7}, {6, 10}}));
}

}  // namespace
}  // namespace embeval
