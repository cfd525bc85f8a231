// The tokenizer-across-languages probe on a two-language man page tree and a real llama.cpp
// vocabulary (BERT WordPiece, bge). The expected token counts are llama.cpp's own reference
// tokenizations (models/ggml-vocab-bert-bge.gguf.out, made with Hugging Face tokenizers):
// "Hello world" -> 7592 2088; "Hello, y'all! How are you 😁 ?我想在apple工作1314151天～" -> 22 ids,
// five of them [UNK] (100). WordPiece splits on any whitespace, so a line break tokenizes as the
// space of the reference text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "embeval/core/error.h"
#include "embeval/probe/tokenizer_languages.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
const fs::path kModels = fs::path(EMBEVAL_LLAMA_SOURCE_DIR) / "models";

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

class TokenizerLanguages : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path man = dir_ / "man";
    // Bodies are "<heading>\n<text>\n": the heading is part of the text measured.
    write(man / "man1" / "a.1", ".TH A 1\n.SH NAME\na \\- x\n.SH Hello\nworld\n");
    write(man / "man1" / "b.1", ".TH B 1\n.SH NAME\nb \\- x\n.SH Only\nin English\n");
    write(man / "ja" / "man1" / "a.1",
          ".TH A 1\n.SH NAME\na \\- x\n.SH Hello,\n"
          "y'all! How are you \xF0\x9F\x98\x81 ?\xE6\x88\x91\xE6\x83\xB3\xE5\x9C\xA8"
          "apple\xE5\xB7\xA5\xE4\xBD\x9C"
          "1314151\xE5\xA4\xA9\xEF\xBD\x9E\n");
    fs::create_directories(dir_ / "vocab");
    fs::create_symlink(kModels / "ggml-vocab-bert-bge.gguf",
                       dir_ / "vocab" / "ggml-vocab-bert-bge.gguf");
    write(dir_ / "vocab" / "ggml-vocab-broken.gguf", "not a gguf file");
  }
  LanguageTokenizerOptions options() const {
    LanguageTokenizerOptions o;
    o.man_dir = dir_ / "man";
    o.langs = {"en", "ja"};
    o.sections = {"1"};
    o.vocabulary_dir = dir_ / "vocab";
    o.window = 10;
    o.show_progress = false;
    return o;
  }
  testing::TempDir dir_{"embeval-tokenizer-languages"};
};

TEST_F(TokenizerLanguages, ParallelPagesCountedAgainstTheReference) {
  const LanguageTokenizerTable t = measure_tokenizers_by_language(options());
  EXPECT_EQ(t.page_ids, (std::vector<std::string>{"a.1"}));  // b.1 has no Japanese page
  ASSERT_EQ(t.rows.size(), 2u);
  ASSERT_EQ(t.skipped.size(), 1u);  // the broken file, named
  EXPECT_EQ(t.skipped[0].rfind("ggml-vocab-broken.gguf: ", 0), 0u) << t.skipped[0];

  const LanguageTokenizerRow& en = t.rows[0];
  EXPECT_EQ(en.vocabulary, "ggml-vocab-bert-bge.gguf");
  EXPECT_EQ(en.lang, "en");
  EXPECT_EQ(en.family, "wordpiece");
  EXPECT_EQ(en.vocabulary_size, 30522u);
  EXPECT_EQ(en.stats.words, 2u);
  EXPECT_EQ(en.stats.tokens, 2u);
  EXPECT_EQ(en.stats.unknown_tokens, 0u);
  EXPECT_EQ(en.stats.over_context, 0u);  // 2 + [CLS] [SEP] = 4 <= 10
  EXPECT_DOUBLE_EQ(en.tokens_vs_first, 1.0);

  const LanguageTokenizerRow& ja = t.rows[1];
  EXPECT_EQ(ja.lang, "ja");
  // Words: Hello, y'all! How are you 😁 ? 我 想 在 apple 工 作 1314151 天 ～ = 16 (one per Han
  // character; the full-width tilde U+FF5E is an ordinary character).
  EXPECT_EQ(ja.stats.words, 16u);
  EXPECT_EQ(ja.stats.tokens, 22u);
  EXPECT_EQ(ja.stats.unknown_tokens, 5u);
  EXPECT_EQ(ja.stats.byte_tokens, 0u);
  EXPECT_DOUBLE_EQ(ja.stats.fertility(), 22.0 / 16.0);
  EXPECT_EQ(ja.stats.over_context, 1u);  // 24 > 10
  EXPECT_EQ(ja.stats.p50, 24u);
  EXPECT_DOUBLE_EQ(ja.tokens_vs_first, 11.0);

  const auto j = nlohmann::json::parse(language_tokenizer_json(t));
  EXPECT_EQ(j["pages"], 1);
  EXPECT_EQ(j["rows"][1]["tokens"], 22);
  EXPECT_EQ(j["rows"][1]["words"], 16);
  const std::string table = language_tokenizer_table(t);
  EXPECT_NE(table.find("bert-bge.gguf"), std::string::npos) << table;
}

TEST_F(TokenizerLanguages, NoSharedPageIsAnInputError) {
  LanguageTokenizerOptions o = options();
  fs::remove(dir_ / "man" / "ja" / "man1" / "a.1");
  write(dir_ / "man" / "ja" / "man1" / "c.1", ".TH C 1\n.SH NAME\nc \\- x\n.SH X\ny\n");
  EXPECT_THROW((void)measure_tokenizers_by_language(o), InputError);
}

TEST_F(TokenizerLanguages, EmptyVocabularyFolderIsAnInputError) {
  LanguageTokenizerOptions o = options();
  o.vocabulary_dir = dir_ / "man";
  EXPECT_THROW((void)measure_tokenizers_by_language(o), InputError);
}

}  // namespace
}  // namespace embeval
