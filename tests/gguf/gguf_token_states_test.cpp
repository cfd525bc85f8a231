// Per-token states (pooling none) of the tiny random XLM-R GGUF against the numpy forward pass,
// row by row. Rows are compared after L2 normalisation, where the forward pass's error bound
// applies (tiny_model_fixture.h: parity_tolerance, the GELU table included); the raw rows'
// scale is the last LayerNorm's gain, which the normalisation removes from the comparison.
#include "embeval/gguf/gguf_token_states.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string_view>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/gguf/gguf_model.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

using namespace testing_gguf;

std::vector<double> normalised(const double* row, std::size_t n) {
  double norm = 0;
  for (std::size_t i = 0; i < n; ++i) norm += row[i] * row[i];
  std::vector<double> out(row, row + n);
  for (double& v : out) v /= std::sqrt(norm);
  return out;
}

TEST(GgufTokenStatesTest, MatchesTheReferenceForwardPassTokenByToken) {
  const fs::path model = family_model("tiny-xlmr-cls.gguf");
  GgufTokenStates states(model, 0, 1);
  ASSERT_EQ(states.hidden_size(), 32u);
  const std::vector<std::string_view> texts = {"the cat sat on the mat", "a",
                                               "Über die Brücke gehen wir heute nicht mehr"};
  const std::vector<TokenStates> got = states.run(texts);
  ASSERT_EQ(got.size(), texts.size());
  std::vector<std::vector<std::int32_t>> ids;
  for (const TokenStates& s : got) {
    EXPECT_EQ(s.ids, states.model().tokenize(texts[ids.size()], true));
    ids.push_back(s.ids);
  }
  const auto reference = reference_token_states(model, ids);
  ASSERT_EQ(reference.size(), got.size());
  const double tolerance = parity_tolerance(2);
  for (std::size_t t = 0; t < got.size(); ++t) {
    ASSERT_EQ(reference[t].size(), got[t].ids.size() * 32) << t;
    for (std::size_t p = 0; p < got[t].ids.size(); ++p) {
      std::vector<double> ours(got[t].hidden.row(p), got[t].hidden.row(p) + 32);
      const auto a = normalised(ours.data(), 32);
      const auto b = normalised(reference[t].data() + p * 32, 32);
      double worst = 0;
      for (std::size_t i = 0; i < 32; ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
      EXPECT_LE(worst, tolerance) << "text " << t << " token " << p;
    }
  }
  // The first row is CLS (<s>, id 0 in XLM-R) and the last </s> (id 2): both are special.
  const auto special = states.special_ids();
  EXPECT_TRUE(special.contains(got[0].ids.front()));
  EXPECT_TRUE(special.contains(got[0].ids.back()));
  EXPECT_FALSE(special.contains(got[0].ids[1]));
}

TEST(GgufTokenStatesTest, TruncatesKeepingTheClosingSpecialToken) {
  GgufTokenStates states(family_model("tiny-xlmr-cls.gguf"), 6, 1);
  const std::string_view text = "one two three four five six seven eight";
  const auto full = states.model().tokenize(text, true);
  ASSERT_GT(full.size(), 6u);
  const auto got = states.run(std::vector<std::string_view>{text});
  ASSERT_EQ(got[0].ids.size(), 6u);
  EXPECT_EQ(got[0].ids.front(), full.front());
  EXPECT_EQ(got[0].ids.back(), full.back());
  EXPECT_EQ(got[0].ids[4], full[4]);
  EXPECT_EQ(got[0].hidden.rows, 6u);
}

TEST(GgufTokenStatesTest, RefusesImpossibleBudgets) {
  EXPECT_THROW(GgufTokenStates(family_model("tiny-xlmr-cls.gguf"), 100000, 1), InputError);
  EXPECT_THROW(GgufTokenStates(family_model("tiny-xlmr-cls.gguf"), 2, 1), InputError);
}

}  // namespace
}  // namespace embeval
