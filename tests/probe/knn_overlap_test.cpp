// Jaccard@k on hand-made neighbour sets.
#include "embeval/probe/knn_overlap.h"

#include <gtest/gtest.h>

namespace embeval {
namespace {

TEST(KnnOverlap, JaccardOfTwoSets) {
  EXPECT_DOUBLE_EQ(jaccard({"a", "b", "c"}, {"b", "c", "d"}), 2.0 / 4.0);
  EXPECT_DOUBLE_EQ(jaccard({"a", "b"}, {"b", "a"}), 1.0);  // order does not matter
  EXPECT_DOUBLE_EQ(jaccard({"a"}, {"b"}), 0.0);
  EXPECT_DOUBLE_EQ(jaccard({"a", "a", "b"}, {"a"}), 1.0 / 2.0);  // a set: "a" once
  EXPECT_DOUBLE_EQ(jaccard({}, {}), 1.0);
  EXPECT_DOUBLE_EQ(jaccard({"a"}, {}), 0.0);
}

TEST(KnnOverlap, MeanOverComparedWords) {
  // Rows: 1/2, 1, 0; the third is skipped: mean (0.5 + 1) / 2.
  const std::vector<std::vector<std::string>> a = {{"a", "b", "c"}, {"x"}, {"p"}};
  const std::vector<std::vector<std::string>> b = {{"b", "c", "d"}, {"x"}, {"q"}};
  const KnnOverlap all = knn_overlap(a, b);
  EXPECT_EQ(all.words, 3u);
  EXPECT_DOUBLE_EQ(all.mean_jaccard, (0.5 + 1.0 + 0.0) / 3.0);
  const KnnOverlap some = knn_overlap(a, b, {true, true, false});
  EXPECT_EQ(some.words, 2u);
  EXPECT_DOUBLE_EQ(some.mean_jaccard, 0.75);
  EXPECT_EQ(knn_overlap({}, {}).words, 0u);
  EXPECT_EQ(knn_overlap({}, {}).mean_jaccard, 0.0);
}

}  // namespace
}  // namespace embeval
