// The throughput probe: what it encodes (texts, role, one call after one warm-up) and what it
// reports about the result. Wall time is not asserted beyond being a duration.
#include "embeval/probe/encode_throughput.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace embeval {
namespace {

// Records every call; returns rows of `dim` floats.
class RecordingEncoder : public Encoder {
 public:
  explicit RecordingEncoder(std::size_t dim) : dim_(dim) {}
  std::string spec() const override { return "recording"; }
  ModelCard card() const override { return {}; }
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override {
    calls.push_back({texts.size(), role});
    EmbeddingBatch b;
    if (dim_ > 0) b.dense = DenseMatrix(texts.size(), dim_);
    return b;
  }
  struct Call {
    std::size_t texts;
    Role role;
  };
  std::vector<Call> calls;

 private:
  std::size_t dim_;
};

TEST(EncodeThroughput, OneCallOnTheSampleForTheRole) {
  RecordingEncoder encoder(384);
  const std::vector<std::string_view> texts = {"a", "b c", "d"};
  const EncodeThroughput t = measure_encode_throughput(encoder, texts, Role::kQuery);
  ASSERT_EQ(encoder.calls.size(), 1u);
  EXPECT_EQ(encoder.calls[0].texts, 3u);
  EXPECT_EQ(encoder.calls[0].role, Role::kQuery);
  EXPECT_EQ(t.texts, 3u);
  EXPECT_EQ(t.dimension, 384u);
  EXPECT_GE(t.seconds, 0.0);
  EXPECT_GT(t.peak_rss_bytes, 0u);  // Linux reports it (/proc/self/status)
}

TEST(EncodeThroughput, WarmUpIsOneShortDocument) {
  RecordingEncoder encoder(8);
  warm_up_encoder(encoder);
  ASSERT_EQ(encoder.calls.size(), 1u);
  EXPECT_EQ(encoder.calls[0].texts, 1u);
  EXPECT_EQ(encoder.calls[0].role, Role::kDocument);
}

TEST(EncodeThroughput, ModelsWithoutDenseVectorsHaveNoDimension) {
  RecordingEncoder encoder(0);
  const std::vector<std::string_view> texts = {"a"};
  EXPECT_EQ(measure_encode_throughput(encoder, texts, Role::kDocument).dimension, 0u);
}

TEST(EncodeThroughput, RateIsTextsOverSeconds) {
  EncodeThroughput t;
  t.texts = 300;
  t.seconds = 1.5;
  EXPECT_DOUBLE_EQ(t.texts_per_s(), 200.0);
  t.seconds = 0;
  EXPECT_EQ(t.texts_per_s(), 0.0);
}

}  // namespace
}  // namespace embeval
