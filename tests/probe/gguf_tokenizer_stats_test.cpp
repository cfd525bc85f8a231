// The tokenizer probe on real vocabularies that ship with llama.cpp, counted by hand.
#include <gtest/gtest.h>

#include <filesystem>
#include <string_view>
#include <vector>

#include "embeval/gguf/gguf_tokenizer.h"
#include "embeval/probe/tokenizer_stats.h"

namespace embeval {
namespace {

const std::filesystem::path kModels = std::filesystem::path(EMBEVAL_LLAMA_SOURCE_DIR) / "models";

TEST(TokenizerStats, BertWordPieceHandCounted) {
  const GgufTokenizer bert(kModels / "ggml-vocab-bert-bge.gguf");
  // "hello world" -> hello, world (2 tokens, 2 words); "Hello World" lowercases the same.
  // "🦙" is not in the WordPiece vocabulary -> [UNK].
  const std::vector<std::string_view> texts = {"hello world", "Hello World", "\xF0\x9F\xA6\x99"};
  const TokenizerStats s = measure_tokenizer(bert, texts, /*context_window=*/3);
  EXPECT_EQ(s.texts, 3u);
  EXPECT_EQ(s.words, 5u);
  EXPECT_EQ(s.tokens, 5u);
  EXPECT_EQ(s.unknown_tokens, 1u);
  EXPECT_EQ(s.byte_tokens, 0u);
  EXPECT_DOUBLE_EQ(s.fertility(), 1.0);
  EXPECT_DOUBLE_EQ(s.unknown_rate(), 0.2);
  // Lengths with [CLS]/[SEP]: 4, 4, 3 -> two over a window of 3.
  EXPECT_EQ(s.over_context, 2u);
  EXPECT_NEAR(s.share_over_context(), 2.0 / 3.0, 1e-12);
  EXPECT_EQ(s.p50, 4u);
  EXPECT_EQ(s.max, 4u);
}

TEST(TokenizerStats, SpmByteFallbackCounted) {
  const GgufTokenizer spm(kModels / "ggml-vocab-llama-spm.gguf");
  const std::vector<std::string_view> texts = {"\xF0\x9F\xA6\x99"};
  const TokenizerStats s = measure_tokenizer(spm, texts);
  EXPECT_EQ(s.unknown_tokens, 0u);
  EXPECT_EQ(s.byte_tokens, 4u);        // the four UTF-8 bytes of U+1F999
  EXPECT_EQ(s.context_window, 4096u);  // llama.context_length in the vocabulary file
  EXPECT_EQ(s.over_context, 0u);
}

TEST(TokenizerStats, EmptyInput) {
  const GgufTokenizer bert(kModels / "ggml-vocab-bert-bge.gguf");
  const TokenizerStats s = measure_tokenizer(bert, {}, 512);
  EXPECT_EQ(s.texts, 0u);
  EXPECT_EQ(s.fertility(), 0.0);
  EXPECT_EQ(s.max, 0u);
}

}  // namespace
}  // namespace embeval
