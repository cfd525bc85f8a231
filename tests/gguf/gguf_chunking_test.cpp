#include "embeval/gguf/chunking.h"

#include <gtest/gtest.h>

#include <vector>

#include "embeval/core/error.h"

namespace embeval {
namespace {

TEST(PlanWindows, NoOverlap) {
  EXPECT_EQ(plan_windows(10, 4, 4), (std::vector<TokenWindow>{{0, 4}, {4, 8}, {8, 10}}));
}

TEST(PlanWindows, OverlapEndsExactlyAtN) {
  EXPECT_EQ(plan_windows(7, 4, 2), (std::vector<TokenWindow>{{0, 4}, {2, 6}, {4, 7}}));
  EXPECT_EQ(plan_windows(8, 4, 2), (std::vector<TokenWindow>{{0, 4}, {2, 6}, {4, 8}}));
}

TEST(PlanWindows, ShortAndEmptyTexts) {
  EXPECT_EQ(plan_windows(3, 4, 2), (std::vector<TokenWindow>{{0, 3}}));
  EXPECT_EQ(plan_windows(4, 4, 2), (std::vector<TokenWindow>{{0, 4}}));
  EXPECT_EQ(plan_windows(0, 4, 2), (std::vector<TokenWindow>{{0, 0}}));
}

TEST(PlanWindows, StrideLargerThanWindowIsClampedSoNothingIsSkipped) {
  EXPECT_EQ(plan_windows(6, 2, 5), (std::vector<TokenWindow>{{0, 2}, {2, 4}, {4, 6}}));
}

TEST(PlanWindows, PropertyEveryTokenCoveredAndStrideRespected) {
  for (std::size_t n = 0; n < 60; ++n) {
    for (std::size_t w = 1; w < 12; ++w) {
      for (std::size_t s = 1; s <= w; ++s) {
        const auto ws = plan_windows(n, w, s);
        std::vector<int> covered(n, 0);
        for (std::size_t k = 0; k < ws.size(); ++k) {
          ASSERT_LE(ws[k].end - ws[k].begin, w);
          if (k > 0) {
            ASSERT_EQ(ws[k].begin, ws[k - 1].begin + s);
          }
          for (std::size_t i = ws[k].begin; i < ws[k].end; ++i) covered[i] = 1;
        }
        for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(covered[i], 1) << n << " " << w << " " << s;
        ASSERT_EQ(ws.back().end, n);
        // No window is redundant: only the last one reaches n.
        for (std::size_t k = 0; k + 1 < ws.size(); ++k) ASSERT_LT(ws[k].end, n);
      }
    }
  }
}

TEST(ChunkAggregation, Parse) {
  EXPECT_EQ(parse_chunk_aggregation("max"), ChunkAggregation::kMax);
  EXPECT_EQ(parse_chunk_aggregation("first"), ChunkAggregation::kFirst);
  EXPECT_EQ(parse_chunk_aggregation("mean"), ChunkAggregation::kMean);
  EXPECT_EQ(to_string(ChunkAggregation::kMean), "mean");
  EXPECT_THROW((void)parse_chunk_aggregation("median"), InputError);
}

}  // namespace
}  // namespace embeval
