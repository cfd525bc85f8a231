// The gguf reranker (llama.cpp rank pooling) on the tiny random BERT cross-encoder of
// tests/gguf/tiny_reranker.py: pairs are joined as llama-server joins them ([CLS] q [SEP] d [SEP]
// for this vocabulary's flags), and every score matches an independent numpy forward pass of the
// same pair through BERT and the classification head (CLS state -> dense -> tanh -> classifier).
//
// Tolerance, from float32 arithmetic (tiny_model_fixture.h): the CLS state is within eps * |h|
// per component of the exact one, eps = forward_tolerance() (6.2e-5, the reductions of the
// forward pass) plus, per GELU layer, two float16 units (2 * 2^-11): the reference computes GELU
// from ggml's float16 table as ggml does, so only a float16 rounding that falls the other way
// (argument or result) is left. tiny_reranker.py carries eps through the head to first order
// and prints each pair's bound; a misjoined pair (no closing [SEP], swapped query and document)
// moves the score by far more on these random weights.
#include "embeval/gguf/gguf_reranker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/gguf/gguf_model.h"
#include "gguf/tiny_model_fixture.h"
#include "gguf/tiny_reranker_reference.h"

namespace embeval {
namespace {

using namespace testing_gguf;

ModelSpec reranker_spec(const std::string& extra = "") {
  return ModelSpec::parse("gguf:" + tiny_model("tiny-bert-reranker.gguf").string() + extra);
}

const std::string kQuery = "copy files and directories";
const std::vector<std::string> kDocuments = {
    "cp copies SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.",
    "ls lists information about the FILEs (the current directory by default).",
    "rm removes each specified file.",
    "a",
    "Größe 42 ☃ grep searches for PATTERNS in each FILE.",
};

TEST(GgufRerankerTest, JoinsAPairAsLlamaServerDoes) {
  GgufReranker reranker(reranker_spec(), 1);
  GgufModel vocab(tiny_model("tiny-bert-reranker.gguf"), /*vocab_only=*/true);
  const auto q = vocab.tokenize(kQuery, false);
  const auto d = vocab.tokenize(kDocuments[0], false);
  // BERT's WordPiece ids: [CLS] 101, [SEP] 102 (the GGUF's EOS, add_eos on, add_sep off).
  std::vector<std::int32_t> expected{101};
  expected.insert(expected.end(), q.begin(), q.end());
  expected.push_back(102);
  expected.insert(expected.end(), d.begin(), d.end());
  expected.push_back(102);
  EXPECT_EQ(reranker.pair_tokens(kQuery, kDocuments[0]), expected);
}

TEST(GgufRerankerTest, ScoresMatchTheNumpyReference) {
  GgufReranker reranker(reranker_spec(), 1);
  std::vector<std::string_view> docs(kDocuments.begin(), kDocuments.end());
  const std::vector<float> scores = reranker.score(kQuery, docs);
  ASSERT_EQ(scores.size(), docs.size());
  std::vector<std::vector<std::int32_t>> pairs;
  for (const auto& d : docs) pairs.push_back(reranker.pair_tokens(kQuery, d));
  const auto reference =
      reference_scores(tiny_model("tiny-bert-reranker.gguf"), pairs, score_epsilon());
  ASSERT_EQ(reference.size(), docs.size());
  double spread = 0;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    EXPECT_NEAR(scores[i], reference[i].score, reference[i].bound) << "document " << i;
    spread = std::max(spread, std::fabs(reference[i].score - reference[0].score));
  }
  // The scores differ between documents by more than the bound: the comparison can fail.
  EXPECT_GT(spread, reference[0].bound);
  const RerankStats stats = reranker.stats();
  EXPECT_EQ(stats.pairs, docs.size());
  EXPECT_EQ(stats.truncated_pairs, 0u);
}

TEST(GgufRerankerTest, AScoreDoesNotDependOnTheOtherDocuments) {
  GgufReranker reranker(reranker_spec(), 1);
  std::vector<std::string_view> docs(kDocuments.begin(), kDocuments.end());
  const std::vector<float> together = reranker.score(kQuery, docs);
  std::vector<std::vector<std::int32_t>> pairs;
  for (const auto& d : docs) pairs.push_back(reranker.pair_tokens(kQuery, d));
  const auto reference =
      reference_scores(tiny_model("tiny-bert-reranker.gguf"), pairs, score_epsilon());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    const std::vector<std::string_view> alone{docs[i]};
    // Each side is within the bound of the exact score: together within twice it.
    EXPECT_NEAR(reranker.score(kQuery, alone)[0], together[i], 2 * reference[i].bound) << i;
  }
}

TEST(GgufRerankerTest, ALongPairLosesDocumentTokensAndIsCounted) {
  GgufReranker reranker(reranker_spec(), 1);
  std::string long_document;
  for (int i = 0; i < 100; ++i) long_document += "word" + std::to_string(i) + " ";
  const auto tokens = reranker.pair_tokens(kQuery, long_document);
  ASSERT_EQ(tokens.size(), 64u);  // the context window of the tiny model
  EXPECT_EQ(tokens.front(), 101);
  EXPECT_EQ(tokens.back(), 102);
  const std::vector<std::string_view> docs{long_document};
  EXPECT_EQ(reranker.score(kQuery, docs).size(), 1u);
  EXPECT_EQ(reranker.stats().truncated_pairs, 2u);  // pair_tokens above, then score()
}

TEST(GgufRerankerTest, CanonicalSpecRoundTripsAndRefusesEmbeddingModels) {
  const std::string canonical = check_gguf_reranker_spec(reranker_spec("?top=20"));
  EXPECT_NE(canonical.find("top=20"), std::string::npos);
  EXPECT_NE(canonical.find("max_tokens=64"), std::string::npos);
  EXPECT_EQ(GgufReranker(ModelSpec::parse(canonical), 1).spec(), canonical);
  EXPECT_EQ(check_gguf_reranker_spec(ModelSpec::parse(canonical)), canonical);
  // An embedding model (pooling mean) is not a reranker: rank pooling would read garbage.
  EXPECT_THROW((void)check_gguf_reranker_spec(
                   ModelSpec::parse("gguf:" + tiny_model("tiny-bert-mean.gguf").string())),
               InputError);
  EXPECT_THROW((void)check_gguf_reranker_spec(reranker_spec("?top=0")), InputError);
  EXPECT_THROW((void)check_gguf_reranker_spec(reranker_spec("?pooling=mean")), InputError);
}

}  // namespace
}  // namespace embeval
