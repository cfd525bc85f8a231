// What callers ask the registry instead of testing build macros: whether the gguf family is
// built in, and a GGUF file's tokenizer and facts without its weights; and what a GGUF encoder
// tells `inspect` through the core capabilities (model_description.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/core/model_description.h"
#include "embeval/core/model_spec.h"
#include "embeval/models/registry.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

using testing_gguf::tiny_model;

const std::filesystem::path kVocab =
    std::filesystem::path(EMBEVAL_LLAMA_SOURCE_DIR) / "models" / "ggml-vocab-bert-bge.gguf";

TEST(GgufRegistryCapabilities, TheGgufFamilyIsBuiltIn) { EXPECT_TRUE(has_encoder_family("gguf")); }

TEST(GgufRegistryCapabilities, TokenizerOfAVocabularyOnlyFile) {
  const auto tokenizer = make_tokenizer(ModelSpec::parse("gguf:" + kVocab.string()));
  ASSERT_NE(tokenizer, nullptr);
  EXPECT_EQ(tokenizer->family(), "wordpiece");
  EXPECT_EQ(tokenizer->vocabulary_size(), 30522u);
  EXPECT_EQ(tokenizer->special_tokens_per_text(), 2u);  // [CLS] ... [SEP]
  EXPECT_EQ(tokenizer->tokenize("hello world").size(), 2u);
  const auto* described = dynamic_cast<const DescribedModel*>(tokenizer.get());
  ASSERT_NE(described, nullptr);
  const ModelFileFacts facts = described->file_facts();
  EXPECT_TRUE(facts.vocabulary_only);
  EXPECT_EQ(facts.name, "bert-bge");
  EXPECT_EQ(facts.file_bytes, std::filesystem::file_size(kVocab));
  EXPECT_TRUE(described->settings().empty());
  EXPECT_EQ(described->max_tokens(), 0u);
}

TEST(GgufRegistryCapabilities, EncoderDescribesItsSettingsAndCountsItsWork) {
  const std::string path = tiny_model("tiny-bert-mean.gguf").string();
  const auto encoder =
      make_encoder(ModelSpec::parse("gguf:" + path + "?query_prefix=q:%20&document_prefix="));
  const auto* described = dynamic_cast<const DescribedModel*>(encoder.get());
  ASSERT_NE(described, nullptr);
  const ModelFileFacts facts = described->file_facts();
  EXPECT_FALSE(facts.vocabulary_only);
  EXPECT_EQ(facts.weight_type, "f32");
  EXPECT_EQ(facts.file_bytes, std::filesystem::file_size(path));
  const std::vector<ModelSetting> settings = described->settings();
  ASSERT_EQ(settings.size(), 4u);
  EXPECT_EQ(settings[0].label, "pooling");
  EXPECT_EQ(settings[0].value, "mean, L2-normalised");
  EXPECT_EQ(settings[1].label, "max tokens");
  EXPECT_EQ(settings[1].value, "64");  // the tiny model's training context
  EXPECT_EQ(settings[2].value, "\"q: \"");
  EXPECT_EQ(settings[3].value, "\"\"");
  EXPECT_EQ(described->max_tokens(), 64u);

  auto* counting = dynamic_cast<WorkCountingEncoder*>(encoder.get());
  ASSERT_NE(counting, nullptr);
  EXPECT_EQ(counting->backend(), "llama.cpp");
  const std::vector<std::string_view> texts = {"hello world", "hello"};
  (void)encoder->encode(texts, Role::kDocument);
  // [CLS] hello world [SEP] and [CLS] hello [SEP]: 7 tokens, nothing cut.
  EXPECT_EQ(counting->work().tokens, 7u);
  EXPECT_EQ(counting->work().truncated, 0u);
  EXPECT_GE(counting->work().backend_seconds, 0.0);
  counting->reset_work();
  EXPECT_EQ(counting->work().tokens, 0u);
}

}  // namespace
}  // namespace embeval
