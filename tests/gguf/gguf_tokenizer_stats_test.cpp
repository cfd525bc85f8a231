#include "embeval/gguf/tokenizer_stats.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string_view>
#include <vector>

#include "embeval/gguf/gguf_model.h"

namespace embeval {
namespace {

const std::filesystem::path kModels = std::filesystem::path(EMBEVAL_LLAMA_SOURCE_DIR) / "models";

TEST(NearestRank, HandComputed) {
  const std::vector<std::size_t> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(nearest_rank_percentile(v, 50), 5u);
  EXPECT_EQ(nearest_rank_percentile(v, 90), 9u);
  EXPECT_EQ(nearest_rank_percentile(v, 99), 10u);
  EXPECT_EQ(nearest_rank_percentile(v, 0), 1u);
  EXPECT_EQ(nearest_rank_percentile(std::vector<std::size_t>{}, 50), 0u);
}

TEST(TokenizerStats, BertWordPieceHandCounted) {
  const GgufModel bert(kModels / "ggml-vocab-bert-bge.gguf", true);
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
  const GgufModel spm(kModels / "ggml-vocab-llama-spm.gguf", true);
  const std::vector<std::string_view> texts = {"\xF0\x9F\xA6\x99"};
  const TokenizerStats s = measure_tokenizer(spm, texts);
  EXPECT_EQ(s.unknown_tokens, 0u);
  EXPECT_EQ(s.byte_tokens, 4u);        // the four UTF-8 bytes of U+1F999
  EXPECT_EQ(s.context_window, 4096u);  // llama.context_length in the vocabulary file
  EXPECT_EQ(s.over_context, 0u);
}

TEST(TokenizerStats, EmptyInput) {
  const GgufModel bert(kModels / "ggml-vocab-bert-bge.gguf", true);
  const TokenizerStats s = measure_tokenizer(bert, {}, 512);
  EXPECT_EQ(s.texts, 0u);
  EXPECT_EQ(s.fertility(), 0.0);
  EXPECT_EQ(s.max, 0u);
}

}  // namespace
}  // namespace embeval
