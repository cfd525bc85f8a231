// CombinedScoreIndex and MaxSimRerankIndex on vectors small enough to score by hand.
#include "embeval/index/bge_m3_indexes.h"

#include <gtest/gtest.h>

#include <vector>

#include "embeval/core/error.h"

namespace embeval {
namespace {

// Two documents and one query, each with a 2-d dense vector, sparse weights and 2-d token rows.
EmbeddingBatch documents() {
  EmbeddingBatch b;
  b.dense = DenseMatrix(2, 2);
  b.dense->data = {1, 0, 0, 1};
  b.sparse = SparseMatrix{};
  b.sparse->dim = 10;
  const std::vector<std::uint32_t> ids0 = {1, 4}, ids1 = {4};
  const std::vector<float> w0 = {2, 1}, w1 = {3};
  b.sparse->append_row(ids0, w0);
  b.sparse->append_row(ids1, w1);
  b.multi = MultiVectorMatrix{};
  b.multi->vectors = DenseMatrix(3, 2);
  b.multi->vectors.data = {1, 0, 0, 1, 0.6f, 0.8f};  // d0: 2 rows, d1: 1 row
  b.multi->offsets = {0, 2, 3};
  return b;
}

EmbeddingBatch query() {
  EmbeddingBatch b;
  b.dense = DenseMatrix(1, 2);
  b.dense->data = {0.6f, 0.8f};
  b.sparse = SparseMatrix{};
  b.sparse->dim = 10;
  const std::vector<std::uint32_t> ids = {4, 7};
  const std::vector<float> w = {0.5f, 1};
  b.sparse->append_row(ids, w);
  b.multi = MultiVectorMatrix{};
  b.multi->vectors = DenseMatrix(2, 2);
  b.multi->vectors.data = {1, 0, 0.6f, 0.8f};
  b.multi->offsets = {0, 2};
  return b;
}

// By hand: dense q.d0 = 0.6, q.d1 = 0.8; sparse (id 4) d0 0.5, d1 1.5; MaxSim d0: row (1,0)
// best 1, row (.6,.8) best .8 -> 0.9; d1: (1,0).(.6,.8) = .6, (.6,.8).(.6,.8) = 1 -> 0.8.
TEST(CombinedScoreIndexTest, WeighsTheThreeScoresAndDividesByTheWeightSum) {
  CombinedScoreIndex equal({1, 1, 1}, 1);
  equal.add(documents());
  const SearchResults r = equal.search(query(), 2);
  EXPECT_EQ(r.ids[0], 1);
  EXPECT_NEAR(r.scores[0], (0.8 + 1.5 + 0.8) / 3, 1e-6);
  EXPECT_EQ(r.ids[1], 0);
  EXPECT_NEAR(r.scores[1], (0.6 + 0.5 + 0.9) / 3, 1e-6);

  CombinedScoreIndex paper({0.4, 0.2, 0.4}, 1);
  paper.add(documents());
  const SearchResults p = paper.search(query(), 2);
  EXPECT_NEAR(p.scores[0], 0.4 * 0.8 + 0.2 * 1.5 + 0.4 * 0.8, 1e-6);
  EXPECT_NEAR(p.scores[1], 0.4 * 0.6 + 0.2 * 0.5 + 0.4 * 0.9, 1e-6);

  CombinedScoreIndex dense_sparse({1, 1, 0}, 1);
  dense_sparse.add(documents());
  const SearchResults ds = dense_sparse.search(query(), 2);
  EXPECT_NEAR(ds.scores[0], (0.8 + 1.5) / 2, 1e-6);
  EXPECT_NEAR(ds.scores[1], (0.6 + 0.5) / 2, 1e-6);
}

TEST(MaxSimRerankIndexTest, RescoresOnlyTheDenseTopN) {
  MaxSimRerankIndex all(2, 1);
  all.add(documents());
  const SearchResults r = all.search(query(), 2);
  EXPECT_EQ(r.ids[0], 0);  // MaxSim 0.9 beats 0.8, although d1 is the better dense match
  EXPECT_NEAR(r.scores[0], 0.9, 1e-6);
  EXPECT_EQ(r.ids[1], 1);
  EXPECT_NEAR(r.scores[1], 0.8, 1e-6);

  MaxSimRerankIndex one(1, 1);
  one.add(documents());
  const SearchResults o = one.search(query(), 2);
  EXPECT_EQ(o.ids[0], 1);  // the dense top 1 only
  EXPECT_NEAR(o.scores[0], 0.8, 1e-6);
  EXPECT_EQ(o.ids[1], -1);
}

TEST(MaxSimRerankIndexTest, RefusesBatchesWithoutTokenRows) {
  MaxSimRerankIndex index(2, 1);
  EmbeddingBatch b = documents();
  b.multi.reset();
  EXPECT_THROW(index.add(b), InputError);
}

}  // namespace
}  // namespace embeval
