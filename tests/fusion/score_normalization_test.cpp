// The normalisations on lists whose values are worked out by hand in each test.
#include "embeval/fusion/score_normalization.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "embeval/core/error.h"

namespace {

using embeval::ScoreNormalization;

std::vector<double> normalized(ScoreNormalization norm, std::vector<double> s,
                               std::size_t candidates = 0) {
  embeval::normalize_scores(norm, s, candidates);
  return s;
}

TEST(ScoreNormalization, EqualScoresHitTheGuards) {
  // max - min = 0: minmax divides by 1e-9 -> 0; sum and zmuv likewise 0.
  EXPECT_EQ(normalized(ScoreNormalization::minmax, {2, 2}), (std::vector<double>{0, 0}));
  EXPECT_EQ(normalized(ScoreNormalization::sum, {2, 2}), (std::vector<double>{0, 0}));
  EXPECT_EQ(normalized(ScoreNormalization::zmuv, {2, 2}), (std::vector<double>{0, 0}));
  // max of a negative list: divides by 1e-9 as ranx does.
  EXPECT_DOUBLE_EQ(normalized(ScoreNormalization::max, {-1e-9, -2e-9})[1], -2.0);
  // rsf and both DBSF give 0.5 where the spread is zero.
  std::vector<double> s = {3, 3, 3};
  embeval::rsf_normalize(s);
  EXPECT_EQ(s, (std::vector<double>{0.5, 0.5, 0.5}));
  s = {3, 3, 3};
  embeval::dbsf_mteb_normalize(s);
  EXPECT_EQ(s, (std::vector<double>{0.5, 0.5, 0.5}));
  s = {3, 3, 3};
  embeval::dbsf_qdrant_normalize(s);
  EXPECT_EQ(s, (std::vector<double>{0.5, 0.5, 0.5}));
  s = {7};  // one score: the sample std is undefined
  embeval::dbsf_qdrant_normalize(s);
  EXPECT_EQ(s, (std::vector<double>{0.5}));
}

TEST(ScoreNormalization, DbsfMtebClipsAndQdrantDoesNot) {
  // Ten 0s and one 1: mean 1/11. Population std sqrt(10)/11, so the 1 sits at
  // (10/11)/(sqrt(10)/11) = sqrt(10) = 3.16 std above the mean: MTEB clips it to 1.
  std::vector<double> s(11, 0.0);
  s[0] = 1.0;
  embeval::dbsf_mteb_normalize(s);
  EXPECT_DOUBLE_EQ(s[0], 1.0);
  // The 0s: (0 - (mean - 3 std)) / (6 std) = (-1/11 + 3 sqrt(10)/11) / (6 sqrt(10)/11)
  //       = 0.5 - 1/(6 sqrt(10)) = 0.44729530
  EXPECT_NEAR(s[1], 0.5 - 1.0 / (6.0 * std::sqrt(10.0)), 1e-15);
  // Qdrant: sample std sqrt(1/11) (sum of squares 10/11 over n-1 = 10): z of the 1 is
  // (10/11) / sqrt(1/11) = 10/sqrt(11) = 3.015: above 1 after (s - lo)/(6 std), not clipped:
  // 0.5 + (10/11)/(6/sqrt(11)) = 0.5 + 10/(6 sqrt(11)) = 1.00252
  s.assign(11, 0.0);
  s[0] = 1.0;
  embeval::dbsf_qdrant_normalize(s);
  EXPECT_NEAR(s[0], 0.5 + 10.0 / (6.0 * std::sqrt(11.0)), 1e-15);
  EXPECT_GT(s[0], 1.0);
}

TEST(ScoreNormalization, BordaAndRank) {
  // 3 listed of |C| = 5: 1, 0.8, 0.6; unlisted 0.5 - 2/10 = 0.3 (the mean of 0.4 and 0.2).
  EXPECT_EQ(normalized(ScoreNormalization::borda, {9, 8, 7}, 5),
            (std::vector<double>{1.0, 0.8, 1.0 - 2.0 / 5}));
  EXPECT_DOUBLE_EQ(embeval::borda_unlisted_score(3, 5), 0.3);
  EXPECT_EQ(normalized(ScoreNormalization::rank, {9, 8, 7, 1}),
            (std::vector<double>{1.0, 0.75, 0.5, 0.25}));
}

TEST(ScoreNormalization, NamesRoundTrip) {
  for (const auto norm :
       {ScoreNormalization::none, ScoreNormalization::minmax, ScoreNormalization::max,
        ScoreNormalization::sum, ScoreNormalization::zmuv, ScoreNormalization::rank,
        ScoreNormalization::borda}) {
    EXPECT_EQ(embeval::parse_score_normalization(embeval::score_normalization_name(norm)), norm);
  }
}

}  // namespace
