// Tokenizer parity: every vocabulary file that ships with the pinned llama.cpp source
// (models/ggml-vocab-*.gguf) must reproduce its reference tokenizations (*.inp / *.out, produced
// by the original Hugging Face tokenizers), through embeval's GgufModel.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/gguf/gguf_model.h"
#include "gguf/tiny_model_fixture.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

const fs::path kModels = fs::path(EMBEVAL_LLAMA_SOURCE_DIR) / "models";

std::vector<std::string> vocab_files_with_references() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(kModels)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with("ggml-vocab-") && name.ends_with(".gguf") &&
        fs::exists(e.path().string() + ".inp") && fs::exists(e.path().string() + ".out")) {
      out.push_back(name);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The .inp format: texts separated by "\n__ggml_vocab_test__\n"; .out: one line of ids per text.
std::vector<std::string> split_inputs(const std::string& raw) {
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < raw.size()) {
    const std::size_t next = raw.find(sep, pos);
    if (next == std::string::npos) {
      out.push_back(raw.substr(pos));
      break;
    }
    out.push_back(raw.substr(pos, next - pos));
    pos = next + sep.size();
  }
  return out;
}

std::vector<std::vector<std::int32_t>> read_outputs(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::vector<std::int32_t>> out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream s(line);
    std::vector<std::int32_t> ids;
    for (std::int32_t id; s >> id;) ids.push_back(id);
    out.push_back(ids);
  }
  return out;
}

class TokenizerParity : public ::testing::TestWithParam<std::string> {};

TEST_P(TokenizerParity, MatchesReferenceTokenization) {
  const fs::path vocab = kModels / GetParam();
  const GgufModel model(vocab, /*vocab_only=*/true);
  EXPECT_TRUE(model.vocab_only());
  EXPECT_GT(model.vocabulary_size(), 1000u);
  const auto inputs = split_inputs(read_file(vocab.string() + ".inp"));
  const auto expected = read_outputs(vocab.string() + ".out");
  ASSERT_EQ(inputs.size(), expected.size());
  ASSERT_GT(inputs.size(), 10u);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const auto got = model.tokenize(inputs[i], /*add_special=*/false);
    if (got != expected[i]) {
      ++mismatches;
      ADD_FAILURE() << GetParam() << " text #" << i << " '" << inputs[i] << "'";
    }
    // add_special must equal leading specials + plain tokens + trailing specials, which is
    // what GgufEncoder relies on when it truncates and splits.
    std::vector<std::int32_t> composed = model.leading_special();
    composed.insert(composed.end(), got.begin(), got.end());
    composed.insert(composed.end(), model.trailing_special().begin(),
                    model.trailing_special().end());
    EXPECT_EQ(model.tokenize(inputs[i], /*add_special=*/true), composed)
        << GetParam() << " text #" << i;
  }
  EXPECT_EQ(mismatches, 0u);
}

INSTANTIATE_TEST_SUITE_P(ShippedVocabularies, TokenizerParity,
                         ::testing::ValuesIn(vocab_files_with_references()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string n = info.param.substr(11, info.param.size() - 16);
                           for (char& c : n) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return n;
                         });

TEST(TokenizerFacts, BertBgeIsWordPieceWithClsAndSep) {
  const GgufModel model(kModels / "ggml-vocab-bert-bge.gguf", true);
  EXPECT_EQ(model.tokenizer_family(), "wordpiece");
  EXPECT_EQ(model.vocabulary_size(), 30522u);
  EXPECT_EQ(model.leading_special(), (std::vector<std::int32_t>{101}));   // [CLS]
  EXPECT_EQ(model.trailing_special(), (std::vector<std::int32_t>{102}));  // [SEP]
  EXPECT_EQ(model.unknown_token(), 100);                                  // [UNK]
  EXPECT_EQ(model.info().tensor_count, 0u);
  EXPECT_EQ(model.card().tokenizer, "wordpiece");
}

TEST(TokenizerFacts, LlamaSpmHasByteFallbackPieces) {
  const GgufModel model(kModels / "ggml-vocab-llama-spm.gguf", true);
  EXPECT_EQ(model.tokenizer_family(), "spm");
  EXPECT_EQ(model.vocabulary_size(), 32000u);
  // Ids 3..258 are <0x00>..<0xFF>.
  EXPECT_TRUE(model.is_byte_token(3));
  EXPECT_TRUE(model.is_byte_token(258));
  EXPECT_FALSE(model.is_byte_token(259));
  // A character outside the vocabulary falls back to its UTF-8 bytes.
  const auto ids = model.tokenize("\xF0\x9F\xA6\x99", false);  // U+1F999 llama emoji
  ASSERT_FALSE(ids.empty());
  EXPECT_TRUE(
      std::all_of(ids.begin() + 1, ids.end(), [&](auto id) { return model.is_byte_token(id); }));
}

TEST(TokenizerFacts, Qwen2IsBpeWithoutSpecials) {
  const GgufModel model(kModels / "ggml-vocab-qwen2.gguf", true);
  EXPECT_EQ(model.tokenizer_family(), "bpe");
  EXPECT_TRUE(model.leading_special().empty());
}

TEST(BadFiles, MissingFileIsInputError) {
  EXPECT_THROW(GgufModel("/nonexistent/model.gguf", true), InputError);
}

TEST(BadFiles, NotGgufIsInputError) {
  const testing::TempDir dir("embeval-gguf-bad");
  const fs::path p = dir / "garbage.gguf";
  std::ofstream(p) << "this is not a gguf file at all, just some text\n";
  try {
    GgufModel m(p, true);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), p.string());
    EXPECT_NE(std::string(e.what()).find("GGUF"), std::string::npos);
  }
}

TEST(BadFiles, TruncatedGgufIsInputError) {
  const testing::TempDir d("embeval-gguf-bad");
  const std::string bytes = read_file(kModels / "ggml-vocab-bert-bge.gguf");
  std::ofstream(d / "cut.gguf", std::ios::binary).write(bytes.data(), 5000);
  EXPECT_THROW(GgufModel(d / "cut.gguf", true), InputError);
}

TEST(BadFiles, VocabularyOnlyFileCannotEncode) {
  try {
    GgufModel m(kModels / "ggml-vocab-bert-bge.gguf", /*vocab_only=*/false);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("vocabulary only"), std::string::npos);
  }
}

}  // namespace
}  // namespace embeval
