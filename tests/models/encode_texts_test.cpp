// encode_texts, the batching loop `encode` and the corpus encoding share: batch boundaries, the
// role, the order batches reach the consumer, and the token-budget report.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "embeval/models/dataset_encoding.h"

namespace embeval {
namespace {

// Row i of a batch holds the text's length; records every call's size and role.
class LengthEncoder : public Encoder {
 public:
  std::string spec() const override { return "length"; }
  ModelCard card() const override { return {}; }
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override {
    calls.push_back(texts.size());
    roles.push_back(role);
    EmbeddingBatch b;
    b.dense = DenseMatrix(texts.size(), 1);
    for (std::size_t i = 0; i < texts.size(); ++i) b.dense->data[i] = float(texts[i].size());
    return b;
  }
  std::vector<std::size_t> calls;
  std::vector<Role> roles;
};

// Counts one token per byte and a budget of 3 tokens per text.
class BudgetEncoder : public LengthEncoder, public TokenBudgetEncoder {
 public:
  LengthReport measure_lengths(std::span<const std::string_view> texts, Role) override {
    LengthReport r;
    for (std::string_view t : texts) {
      ++r.texts;
      r.tokens += t.size();
      if (t.size() > 3) ++r.truncated;
      ++r.windows;
    }
    return r;
  }
};

TEST(EncodeTexts, BatchesInOrderForTheRole) {
  LengthEncoder encoder;
  const std::vector<std::string_view> texts = {"a", "bb", "ccc", "dddd", "eeeee"};
  std::vector<float> rows;
  const CorpusEncodingTimes times =
      encode_texts(encoder, texts, Role::kQuery, 2, "test", [&](EmbeddingBatch&& b) {
        rows.insert(rows.end(), b.dense->data.begin(), b.dense->data.end());
      });
  EXPECT_EQ(encoder.calls, (std::vector<std::size_t>{2, 2, 1}));
  EXPECT_EQ(encoder.roles, (std::vector<Role>{Role::kQuery, Role::kQuery, Role::kQuery}));
  EXPECT_EQ(rows, (std::vector<float>{1, 2, 3, 4, 5}));
  EXPECT_EQ(times.fit_s, 0.0);
  EXPECT_FALSE(times.lengths.has_value());  // no token budget
}

TEST(EncodeTexts, NoTextsNoCalls) {
  LengthEncoder encoder;
  const CorpusEncodingTimes times =
      encode_texts(encoder, {}, Role::kDocument, 4, "test", [](EmbeddingBatch&&) { FAIL(); });
  EXPECT_TRUE(encoder.calls.empty());
  EXPECT_EQ(times.encode_s, 0.0);
}

TEST(EncodeTexts, TokenBudgetReportAddsUpOverBatches) {
  BudgetEncoder encoder;
  const std::vector<std::string_view> texts = {"a", "bb", "ccc", "dddd", "eeeee"};
  const CorpusEncodingTimes times =
      encode_texts(encoder, texts, Role::kDocument, 2, "test", [](EmbeddingBatch&&) {});
  ASSERT_TRUE(times.lengths.has_value());
  EXPECT_EQ(times.lengths->texts, 5u);
  EXPECT_EQ(times.lengths->tokens, 15u);
  EXPECT_EQ(times.lengths->truncated, 2u);
  EXPECT_EQ(times.lengths->windows, 5u);
}

}  // namespace
}  // namespace embeval
