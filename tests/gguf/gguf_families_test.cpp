// GgufEncoder on two more encoder families, each a tiny random-weight model written as a Hugging
// Face checkpoint, converted to GGUF the way convert_hf_to_gguf.py converts the real one, and
// checked against an independent numpy forward pass of the checkpoint (tests/gguf/tiny_models.py):
//  * XLM-RoBERTa (bge-m3 pools CLS, multilingual-e5 pools mean): llama.cpp arch "bert" with the
//    XLM-R SentencePiece unigram tokenizer; Hugging Face numbers positions from pad_token_id + 1
//    = 2, the converter drops those two rows of the table and llama.cpp counts from 0.
//  * nomic-bert (nomic-embed-text-v1/v1.5, mean pooling): rotary embeddings (base 1000), fused
//    QKV, SwiGLU, no position table, post-norm.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/gguf/gguf_encoder.h"
#include "embeval/core/model_spec.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

using testing_gguf::batch_tolerance;
using testing_gguf::cosine;
using testing_gguf::family_model;
using testing_gguf::hf_reference_embeddings;
using testing_gguf::kNormTolerance;
using testing_gguf::max_abs_diff;
using testing_gguf::parity_tolerance;

constexpr std::size_t kDim = 32;
constexpr std::size_t kContext = 64;

// The last text is longer than the 64-token context in both tokenizers, so it is truncated and
// its tokens reach the last row of the position table (llama.cpp position 63, Hugging Face 65).
const std::vector<std::string> kTexts = {
    "Hello world",
    "",
    "the quick brown fox jumps over the lazy dog",
    "Retrieval-augmented generation needs good embeddings.",
    "a",
    "Unicode: Äpfel, naïve café, 東京 and emoji 🦙 too",
    "Привет, мир! Как дела у мультиязычных моделей?",
    "日本語の文章も同じベクトル空間に埋め込みます。",
    "   extra   spaces\tand\nnew lines   ",
    "The quick brown fox jumps over the lazy dog. Pack my box with five dozen liquor jugs. "
    "How vexingly quick daft zebras jump! Sphinx of black quartz, judge my vow. The five boxing "
    "wizards jump quickly. Jackdaws love my big sphinx of quartz. Bright vixens jump; dozy fowl "
    "quack. Waltz, bad nymph, for quick jigs vex. Glib jocks quiz nymph to vex dwarf.",
};

std::vector<std::string_view> views(const std::vector<std::string>& v) {
  return {v.begin(), v.end()};
}

struct Family {
  std::string gguf;        // file made by tiny_models.py make-families
  std::string checkpoint;  // its Hugging Face-layout checkpoint
  std::string pooling;     // what the GGUF's metadata says, and the reference pools with
  std::vector<std::string> misreadings;  // hf-reference variants that must be caught
  std::string label;
  int gelu_layers;  // layers whose GELU llama.cpp takes from its float16 table (parity_tolerance)
};

const std::vector<Family> kFamilies = {
    {"tiny-xlmr-cls.gguf", "tiny-xlmr.npz", "cls", {"xlmr-positions-from-0"}, "XlmRobertaCls", 2},
    {"tiny-xlmr-mean.gguf",
     "tiny-xlmr.npz",
     "mean",
     {"xlmr-positions-from-0"},
     "XlmRobertaMean",
     2},
    {"tiny-nomic-mean.gguf",
     "tiny-nomic.npz",
     "mean",
     {"nomic-rope-base-10000", "nomic-rope-interleaved"},
     "NomicBertMean",
     0},
    {"tiny-nomic-cls.gguf",
     "tiny-nomic.npz",
     "cls",
     {"nomic-rope-base-10000", "nomic-rope-interleaved"},
     "NomicBertCls",
     0},
};

GgufEncoder make_encoder(const std::string& file) {
  return GgufEncoder(
      ModelSpec::parse("gguf:" + family_model(file).string() + "?query_prefix=&document_prefix="));
}

// The token ids GgufEncoder feeds llama.cpp for each text: leading specials, the content cut to
// the context, trailing specials.
std::vector<std::vector<std::int32_t>> encoder_sequences(const GgufEncoder& enc) {
  const auto& lead = enc.model().leading_special();
  const auto& trail = enc.model().trailing_special();
  std::vector<std::vector<std::int32_t>> seqs;
  for (const std::string& t : kTexts) {
    const std::vector<std::int32_t> content = enc.model().tokenize(t, /*add_special=*/false);
    const std::size_t keep = std::min(content.size(), kContext - lead.size() - trail.size());
    std::vector<std::int32_t> s(lead);
    s.insert(s.end(), content.begin(), content.begin() + static_cast<std::ptrdiff_t>(keep));
    s.insert(s.end(), trail.begin(), trail.end());
    seqs.push_back(std::move(s));
  }
  return seqs;
}

void PrintTo(const Family& f, std::ostream* os) { *os << f.label << " (" << f.gguf << ")"; }

class Families : public ::testing::TestWithParam<Family> {};

TEST_P(Families, MatchesHuggingFaceReference) {
  const Family& f = GetParam();
  GgufEncoder enc = make_encoder(f.gguf);
  EXPECT_EQ(enc.pooling_name(), f.pooling);
  const EmbeddingBatch out = enc.encode(views(kTexts), Role::kDocument);
  ASSERT_TRUE(out.dense.has_value());
  ASSERT_EQ(out.dense->rows, kTexts.size());
  ASSERT_EQ(out.dense->cols, kDim);
  EXPECT_EQ(enc.stats().truncated, 1u);  // the last text

  const auto seqs = encoder_sequences(enc);
  EXPECT_EQ(seqs.back().size(), kContext);
  const auto ref = hf_reference_embeddings(family_model(f.checkpoint), f.pooling, seqs);
  ASSERT_EQ(ref.size(), kTexts.size());
  double min_cos = 1.0;
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    ASSERT_EQ(ref[i].size(), kDim);
    const double c = cosine(out.dense->row(i), ref[i]);
    min_cos = std::min(min_cos, c);
    EXPECT_LE(max_abs_diff(out.dense->row(i), ref[i]), parity_tolerance(f.gelu_layers))
        << "text #" << i << " '" << kTexts[i] << "'";
    double norm = 0;
    for (std::size_t d = 0; d < kDim; ++d) norm += out.dense->row(i)[d] * out.dense->row(i)[d];
    EXPECT_NEAR(norm, 1.0, kNormTolerance);
  }
  RecordProperty("min_cosine", std::to_string(min_cos));
  std::printf("%s: min cosine to the reference over %zu texts = %.9f\n", f.label.c_str(),
              kTexts.size(), min_cos);

  // Each text alone gives the vector it gets in the batch.
  for (std::size_t i = 0; i < kTexts.size(); ++i) {
    const std::vector<std::string_view> one = {kTexts[i]};
    const auto alone = enc.encode(one, Role::kDocument);
    for (std::size_t d = 0; d < kDim; ++d) {
      EXPECT_NEAR(out.dense->row(i)[d], alone.dense->row(0)[d], batch_tolerance()) << i;
    }
  }
}

// The parity check has teeth: a reference that misreads the architecture in a plausible way
// (XLM-R positions from 0; nomic's rotary base left at llama.cpp's default, or GPT-J pairs) is
// far from what llama.cpp computes.
TEST_P(Families, MisreadArchitectureIsCaught) {
  const Family& f = GetParam();
  GgufEncoder enc = make_encoder(f.gguf);
  const EmbeddingBatch out = enc.encode(views(kTexts), Role::kDocument);
  const auto seqs = encoder_sequences(enc);
  for (const std::string& variant : f.misreadings) {
    const auto wrong =
        hf_reference_embeddings(family_model(f.checkpoint), f.pooling, seqs, variant);
    ASSERT_EQ(wrong.size(), kTexts.size());
    double min_cos = 1.0;
    for (std::size_t i = 0; i < kTexts.size(); ++i) {
      min_cos = std::min(min_cos, cosine(out.dense->row(i), wrong[i]));
    }
    std::printf("%s, reference misread as %s: min cosine = %.6f\n", f.label.c_str(),
                variant.c_str(), min_cos);
    EXPECT_LT(min_cos, 0.99) << variant;
  }
}

INSTANTIATE_TEST_SUITE_P(Gguf, Families, ::testing::ValuesIn(kFamilies),
                         [](const auto& info) { return info.param.label; });

// Per layer of the tiny XLM-R / BERT: Q, K, V, output (32 x 32 + 32 bias each), two LayerNorms,
// up (32 x 64 + 64) and down (64 x 32 + 32).
constexpr std::size_t kBertLayer = 4 * (32 * 32 + 32) + 2 * 64 + (32 * 64 + 64) + (64 * 32 + 32);

TEST(XlmRoberta, CardTokenizerAndSpecials) {
  GgufEncoder enc = make_encoder("tiny-xlmr-cls.gguf");
  const ModelCard c = enc.card();
  EXPECT_EQ(c.architecture, "bert");
  EXPECT_EQ(c.tokenizer, "unigram");
  EXPECT_EQ(c.vocabulary_size, 250002u);  // bge-m3's and multilingual-e5's vocabulary
  EXPECT_EQ(c.dimension, kDim);
  ASSERT_TRUE(c.context_window_tokens.has_value());
  // max_position_embeddings 66 minus the two rows before pad_token_id + 1.
  EXPECT_EQ(*c.context_window_tokens, kContext);
  ASSERT_TRUE(c.parameters.has_value());
  // Word (250002), position (64) and token type (1) embeddings, the embedding LayerNorm, 2 layers.
  EXPECT_EQ(*c.parameters, (250002u + 64 + 1) * 32 + 64 + 2 * kBertLayer);
  // <s> text </s>, as XLMRobertaTokenizer; "Hello world" is ▁Hello ▁world in XLM-R's vocabulary.
  EXPECT_EQ(enc.model().leading_special(), (std::vector<std::int32_t>{0}));
  EXPECT_EQ(enc.model().trailing_special(), (std::vector<std::int32_t>{2}));
  EXPECT_EQ(enc.model().tokenize("Hello world", true),
            (std::vector<std::int32_t>{0, 35378, 8999, 2}));
  // bge-m3 uses no prompts.
  GgufEncoder defaults(ModelSpec::parse("gguf:" + family_model("tiny-xlmr-cls.gguf").string()));
  EXPECT_EQ(defaults.prefix(Role::kQuery), "");
  EXPECT_EQ(defaults.prefix(Role::kDocument), "");
}

TEST(NomicBert, CardAndPrompts) {
  GgufEncoder enc = make_encoder("tiny-nomic-mean.gguf");
  const ModelCard c = enc.card();
  EXPECT_EQ(c.architecture, "nomic-bert");
  EXPECT_EQ(c.tokenizer, "wordpiece");
  EXPECT_EQ(c.vocabulary_size, 30522u);
  EXPECT_EQ(c.dimension, kDim);
  ASSERT_TRUE(c.context_window_tokens.has_value());
  EXPECT_EQ(*c.context_window_tokens, kContext);
  // Word and token type (2) embeddings, the embedding LayerNorm; per layer fused QKV (32 x 96),
  // output (32 x 32), up and gate (32 x 64 each), down (64 x 32), two LayerNorms; no biases.
  const std::size_t layer = 32 * 96 + 32 * 32 + 2 * 32 * 64 + 64 * 32 + 2 * 64;
  ASSERT_TRUE(c.parameters.has_value());
  EXPECT_EQ(*c.parameters, (30522u + 2) * 32 + 64 + 2 * layer);
  EXPECT_EQ(enc.pooling_name(), "mean");
  EXPECT_EQ(enc.model().leading_special(), (std::vector<std::int32_t>{101}));
  EXPECT_EQ(enc.model().trailing_special(), (std::vector<std::int32_t>{102}));
  // The family's task prefixes apply unless switched off (the name says nomic).
  GgufEncoder defaults(ModelSpec::parse("gguf:" + family_model("tiny-nomic-mean.gguf").string()));
  EXPECT_EQ(defaults.prefix(Role::kQuery), "search_query: ");
  EXPECT_EQ(defaults.prefix(Role::kDocument), "search_document: ");
}

}  // namespace
}  // namespace embeval
