// The alignment probe on a GGUF model (the tiny random-weight BERT the build generates): the
// planted effect of known size is pairs of identical texts, whose vectors are identical (cos 1)
// while the distinct texts of other pairs are not; and several vectors per text are refused.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "embeval/core/error.h"
#include "embeval/models/registry.h"
#include "embeval/probe/alignment.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

using testing_gguf::tiny_model;

const BitextPairs kSelfPairs{
    {"copy files and directories", "list directory contents", "remove files", "print a line"},
    {"copy files and directories", "list directory contents", "remove files", "print a line"}};

TEST(GgufAlignment, ATextPairedWithItselfIsAlwaysFound) {
  const ModelSpec spec = ModelSpec::parse("gguf:" + tiny_model("tiny-bert-mean.gguf").string());
  std::unique_ptr<Encoder> encoder = make_encoder(spec, EncoderOptions{1});
  const AlignmentScores a = probe_alignment(*encoder, spec, kSelfPairs);
  EXPECT_EQ(a.pairs, 4u);
  // Identical vectors: cos(i, i) = 1 (to float rounding), above every cos(i, j != i) of
  // distinct texts, so every argmax and margin argmax hits.
  EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, 1.0);
  EXPECT_DOUBLE_EQ(a.accuracy_tgt_to_src, 1.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_src_to_tgt, 1.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_tgt_to_src, 1.0);
  EXPECT_NEAR(a.mean_cos_true, 1.0, 1e-6);
  EXPECT_LT(a.mean_cos_shuffled, 0.9999);
  EXPECT_EQ(a.zero_sources + a.zero_targets, 0u);
}

TEST(GgufAlignment, SeveralVectorsPerTextAreRefused) {
  const ModelSpec spec = ModelSpec::parse("gguf:" + tiny_model("tiny-bert-mean.gguf").string() +
                                          "?chunk_agg=max&stride=2&window=5");
  std::unique_ptr<Encoder> encoder = make_encoder(spec, EncoderOptions{1});
  try {
    (void)probe_alignment(*encoder, spec, kSelfPairs);
    FAIL() << "chunk_agg=max was accepted";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("several vectors per text"), std::string::npos) << e.message();
    EXPECT_EQ(e.hint(), "use chunk_agg=mean or chunk_agg=first");
  }
}

}  // namespace
}  // namespace embeval
