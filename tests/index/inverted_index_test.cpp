#include "embeval/index/inverted_index.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "embeval/core/error.h"

namespace embeval {
namespace {

SparseMatrix random_sparse(std::mt19937& rng, std::size_t rows, std::size_t dim,
                           std::size_t max_terms, bool coarse) {
  SparseMatrix m;
  m.dim = dim;
  // Zipf-like term choice: low ids are frequent, like real vocabularies.
  std::uniform_real_distribution<double> u(0, 1);
  for (std::size_t r = 0; r < rows; ++r) {
    std::set<std::uint32_t> ids;
    const std::size_t n = rng() % (max_terms + 1);
    for (std::size_t i = 0; i < n; ++i) {
      ids.insert(static_cast<std::uint32_t>(std::pow(u(rng), 3.0) * static_cast<double>(dim)) %
                 dim);
    }
    std::vector<std::uint32_t> idv(ids.begin(), ids.end());
    std::vector<float> w;
    for (std::size_t i = 0; i < idv.size(); ++i) {
      // Coarse weights make exact score ties common.
      w.push_back(coarse ? static_cast<float>(1 + rng() % 3) : static_cast<float>(u(rng) * 5));
    }
    m.append_row(idv, w);
  }
  return m;
}

// Property: MaxScore returns exactly what exhaustive scoring returns (ids, scores, order) over
// random corpora, queries and k, including k larger than the number of matches.
TEST(InvertedIndex, MaxScoreEqualsExhaustive) {
  std::mt19937 rng(1234);
  for (int trial = 0; trial < 30; ++trial) {
    const bool coarse = trial % 2 == 0;
    const std::size_t dim = 50 + rng() % 200;
    EmbeddingBatch docs, queries;
    docs.sparse = random_sparse(rng, 300 + rng() % 500, dim, 12, coarse);
    queries.sparse = random_sparse(rng, 40, dim, 6, coarse);
    InvertedIndex pruned(InvertedIndex::Strategy::kMaxScore, 2);
    InvertedIndex exhaustive(InvertedIndex::Strategy::kExhaustive, 1);
    // Two batches: add() must append.
    pruned.add(docs);
    exhaustive.add(docs);
    for (std::size_t k : {1u, 5u, 10u, 1000u}) {
      const SearchResults a = pruned.search(queries, k);
      const SearchResults b = exhaustive.search(queries, k);
      ASSERT_EQ(a.ids, b.ids) << "trial " << trial << " k " << k;
      ASSERT_EQ(a.scores, b.scores) << "trial " << trial << " k " << k;
    }
  }
}

TEST(InvertedIndex, HandComputedScoresTiesAndPadding) {
  SparseMatrix d;
  d.dim = 3;
  const std::vector<std::uint32_t> r0 = {0, 1}, r1 = {1}, r2 = {0, 1}, r3 = {2};
  const std::vector<float> w0 = {1, 2}, w1 = {4}, w2 = {1, 2}, w3 = {9};
  d.append_row(r0, w0);
  d.append_row(r1, w1);
  d.append_row(r2, w2);
  d.append_row(r3, w3);
  SparseMatrix q;
  q.dim = 3;
  const std::vector<std::uint32_t> qi = {0, 1};
  const std::vector<float> qw = {2, 1};
  q.append_row(qi, qw);
  EmbeddingBatch docs, queries;
  docs.sparse = d;
  queries.sparse = q;
  InvertedIndex index;
  index.add(docs);
  EXPECT_EQ(index.size(), 4u);
  const SearchResults r = index.search(queries, 5);
  // doc0 = 2*1 + 1*2 = 4, doc1 = 4, doc2 = 4: a three-way tie, smaller id first; doc3 no match.
  EXPECT_EQ(r.ids, (std::vector<std::int64_t>{0, 1, 2, -1, -1}));
  EXPECT_FLOAT_EQ(r.scores[0], 4);
  EXPECT_EQ(r.scores[3], -std::numeric_limits<float>::infinity());
  const SearchResults top1 = index.search(queries, 1);
  EXPECT_EQ(top1.ids, (std::vector<std::int64_t>{0}));
  const PostingStatistics s = index.statistics();
  EXPECT_EQ(s.postings, 6u);
  EXPECT_EQ(s.longest_list, 3u);
  EXPECT_DOUBLE_EQ(s.average_terms_per_document, 1.5);
}

TEST(InvertedIndex, EmptyQueriesEmptyIndexAndBadInput) {
  InvertedIndex index;
  EmbeddingBatch queries;
  queries.sparse = SparseMatrix{};
  queries.sparse->dim = 5;
  queries.sparse->append_row({}, {});
  const SearchResults r = index.search(queries, 3);
  EXPECT_EQ(r.ids, (std::vector<std::int64_t>{-1, -1, -1}));
  EmbeddingBatch dense;
  dense.dense = DenseMatrix(1, 2);
  EXPECT_THROW(index.add(dense), InputError);
  EXPECT_THROW((void)index.search(dense, 1), InputError);
  EmbeddingBatch negative;
  negative.sparse = SparseMatrix{};
  negative.sparse->dim = 2;
  const std::vector<std::uint32_t> ids = {1};
  const std::vector<float> w = {-1};
  negative.sparse->append_row(ids, w);
  EXPECT_THROW(index.add(negative), InputError);
}

}  // namespace
}  // namespace embeval
