// MaxSim: hand-computed scores, ties, empty texts, errors, and a seeded property test against a
// per-document brute force over several SGEMM blocks. The brute force sums its dot products in
// another order than SGEMM, so scores may differ by the rounding of a dim-term dot product of
// unit vectors: <= dim * eps (each product and partial sum rounds once), asserted as 2 dim eps.
#include "embeval/index/max_sim_index.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "embeval/core/error.h"

namespace embeval {
namespace {

// Texts as lists of rows, all of dimension `dim`.
EmbeddingBatch multi(const std::vector<std::vector<std::vector<float>>>& texts, std::size_t dim) {
  MultiVectorMatrix m;
  std::size_t rows = 0;
  for (const auto& t : texts) rows += t.size();
  m.vectors = DenseMatrix(rows, dim);
  std::size_t r = 0;
  for (const auto& t : texts) {
    for (const auto& row : t) std::copy(row.begin(), row.end(), m.vectors.row(r++));
    m.offsets.push_back(r);
  }
  EmbeddingBatch batch;
  batch.multi = std::move(m);
  return batch;
}

TEST(MaxSimIndexTest, ScoresTheMeanOfEachQueryRowsBestMatch) {
  MaxSimIndex index(1);
  index.add(multi({{{1, 0}, {0, 1}}, {{0.6f, 0.8f}}, {}}, 2));
  index.add(multi({{{1, 0}}}, 2));  // document 3, from a second batch
  ASSERT_EQ(index.size(), 4u);
  const SearchResults r = index.search(multi({{{1, 0}, {0, 1}}}, 2), 4);
  // d0: (1 + 1) / 2; d1: (0.6 + 0.8) / 2; d3: (1 + 0) / 2; d2 has no rows and never matches.
  EXPECT_EQ(r.ids, (std::vector<std::int64_t>{0, 1, 3, -1}));
  EXPECT_EQ(r.scores[0], 1.0f);
  EXPECT_EQ(r.scores[1], static_cast<float>((double{0.6f} + double{0.8f}) / 2));
  EXPECT_EQ(r.scores[2], 0.5f);
  EXPECT_EQ(r.scores[3], -std::numeric_limits<float>::infinity());
}

TEST(MaxSimIndexTest, RanksEqualScoresBySmallerIdAndPadsEmptyQueries) {
  MaxSimIndex index(1);
  index.add(multi({{{0, 1}}, {{1, 0}, {0, 1}}, {{1, 0}}}, 2));
  const SearchResults r = index.search(multi({{{1, 0}}, {}}, 2), 2);
  EXPECT_EQ(r.ids, (std::vector<std::int64_t>{1, 2, -1, -1}));  // d1 and d2 both score 1
  EXPECT_EQ(r.scores[0], 1.0f);
  EXPECT_EQ(r.scores[1], 1.0f);
}

TEST(MaxSimIndexTest, AgreesWithBruteForceOverSeveralBlocksForAnyThreadCount) {
  constexpr std::size_t kDim = 8;
  std::mt19937 rng(20261202);
  std::normal_distribution<float> gauss;
  std::uniform_int_distribution<int> length(0, 40);
  auto text = [&](std::size_t rows) {
    std::vector<std::vector<float>> t(rows, std::vector<float>(kDim));
    for (auto& row : t) {
      double norm = 0;
      for (float& v : row) norm += (v = gauss(rng)) * v;
      for (float& v : row) v = static_cast<float>(v / std::sqrt(norm));
    }
    return t;
  };
  std::vector<std::vector<std::vector<float>>> docs, queries;
  for (int d = 0; d < 400; ++d) docs.push_back(text(static_cast<std::size_t>(length(rng))));
  for (int q = 0; q < 12; ++q)
    queries.push_back(text(1 + static_cast<std::size_t>(length(rng)) / 4));
  MaxSimIndex one(1), two(2);
  one.add(multi(docs, kDim));
  two.add(multi(docs, kDim));
  constexpr std::size_t kK = 20;
  const SearchResults a = one.search(multi(queries, kDim), kK);
  const SearchResults b = two.search(multi(queries, kDim), kK);
  EXPECT_EQ(a.ids, b.ids);
  EXPECT_EQ(a.scores, b.scores);

  const double tolerance = 2 * kDim * FLT_EPSILON;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    std::vector<double> truth;  // brute-force score per document, -inf without rows
    for (const auto& d : docs) {
      if (d.empty()) {
        truth.push_back(-INFINITY);
        continue;
      }
      double sum = 0;
      for (const auto& qr : queries[q]) {
        double best = -INFINITY;
        for (const auto& dr : d) {
          double dot = 0;
          for (std::size_t i = 0; i < kDim; ++i) dot += double{qr[i]} * dr[i];
          best = std::max(best, dot);
        }
        sum += best;
      }
      truth.push_back(sum / static_cast<double>(queries[q].size()));
    }
    std::vector<double> sorted = truth;
    std::sort(sorted.rbegin(), sorted.rend());
    for (std::size_t i = 0; i < kK; ++i) {
      const std::int64_t id = a.ids[q * kK + i];
      ASSERT_GE(id, 0);
      EXPECT_NEAR(a.scores[q * kK + i], truth[static_cast<std::size_t>(id)], tolerance);
      EXPECT_NEAR(a.scores[q * kK + i], sorted[i], 2 * tolerance) << "rank " << i;
    }
  }
}

TEST(MaxSimIndexTest, RefusesMissingRowsOtherDimensionsAndNaN) {
  MaxSimIndex index(1);
  EmbeddingBatch dense_only;
  dense_only.dense = DenseMatrix(1, 2);
  EXPECT_THROW(index.add(dense_only), InputError);
  index.add(multi({{{1, 0}}}, 2));
  EXPECT_THROW(index.add(multi({{{1, 0, 0}}}, 3)), InputError);
  EXPECT_THROW(index.search(multi({{{1, 0, 0}}}, 3), 1), InputError);
  EXPECT_THROW(index.search(dense_only, 1), InputError);
  EXPECT_THROW(index.add(multi({{{NAN, 0}}}, 2)), InputError);
}

}  // namespace
}  // namespace embeval
