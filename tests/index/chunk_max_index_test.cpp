// ChunkMaxIndex: a document scores the best of its chunks. Checked by hand on a small case and
// against a naive per-document maximum on seeded integer data (exact scores, many ties), across
// k, batch splits and documents without chunks.
#include "embeval/index/chunk_max_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "embeval/core/error.h"

namespace embeval {
namespace {

EmbeddingBatch documents(std::size_t dim,
                         const std::vector<std::vector<std::vector<float>>>& docs) {
  MultiVectorMatrix m;
  m.vectors.cols = dim;
  for (const auto& chunks : docs) {
    for (const auto& c : chunks) {
      m.vectors.data.insert(m.vectors.data.end(), c.begin(), c.end());
      ++m.vectors.rows;
    }
    m.offsets.push_back(m.vectors.rows);
  }
  EmbeddingBatch b;
  b.multi = std::move(m);
  return b;
}

EmbeddingBatch queries(std::size_t dim, const std::vector<std::vector<float>>& rows) {
  EmbeddingBatch b;
  b.dense = DenseMatrix(rows.size(), dim);
  for (std::size_t i = 0; i < rows.size(); ++i)
    std::copy(rows[i].begin(), rows[i].end(), b.dense->row(i));
  return b;
}

TEST(ChunkMaxIndex, ScoresADocumentByItsBestChunk) {
  ChunkMaxIndex index;
  // doc 0: chunks (1,0) and (0,3); doc 1: (2,0); doc 2: no chunk; doc 3: (0,1) and (1,1).
  index.add(documents(2, {{{1, 0}, {0, 3}}, {{2, 0}}, {}, {{0, 1}, {1, 1}}}));
  EXPECT_EQ(index.size(), 4u);
  EXPECT_EQ(index.num_chunks(), 5u);
  const SearchResults r = index.search(queries(2, {{0, 1}, {1, 0}}), 4);
  // Query (0,1): doc 0 = 3, doc 3 = 1, doc 1 = 0; doc 2 has nothing to match.
  EXPECT_EQ(std::vector<std::int64_t>(r.ids.begin(), r.ids.begin() + 4),
            (std::vector<std::int64_t>{0, 3, 1, -1}));
  EXPECT_EQ(std::vector<float>(r.scores.begin(), r.scores.begin() + 3),
            (std::vector<float>{3, 1, 0}));
  EXPECT_EQ(r.scores[3], -std::numeric_limits<float>::infinity());
  // Query (1,0): doc 1 = 2, then docs 0 and 3 tie at 1: the smaller id first.
  EXPECT_EQ(std::vector<std::int64_t>(r.ids.begin() + 4, r.ids.end()),
            (std::vector<std::int64_t>{1, 0, 3, -1}));
}

TEST(ChunkMaxIndex, RejectsBatchesWithoutChunksOrWithNaN) {
  ChunkMaxIndex index;
  EXPECT_THROW(index.add(queries(2, {{1, 0}})), InputError);
  EXPECT_THROW(index.add(documents(2, {{{1, NAN}}})), InputError);
  index.add(documents(2, {{{1, 0}}}));
  EXPECT_THROW((void)index.search(documents(2, {{{1, 0}}}), 1), InputError);
  EXPECT_THROW((void)index.search(queries(3, {{1, 0, 0}}), 1), InputError);
}

// Naive oracle: per-document max over chunks, ranked by score then id.
std::vector<std::pair<float, std::int64_t>> oracle(
    const std::vector<std::vector<std::vector<float>>>& docs, const std::vector<float>& q,
    std::size_t k) {
  std::vector<std::pair<float, std::int64_t>> ranked;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    if (docs[d].empty()) continue;
    float best = -std::numeric_limits<float>::infinity();
    for (const auto& c : docs[d]) {
      float s = 0;
      for (std::size_t i = 0; i < q.size(); ++i) s += q[i] * c[i];
      best = std::max(best, s);
    }
    ranked.push_back({best, static_cast<std::int64_t>(d)});
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
  });
  if (ranked.size() > k) ranked.resize(k);
  return ranked;
}

TEST(ChunkMaxIndex, AgreesWithANaivePerDocumentMaximum) {
  for (unsigned seed : {1u, 2u, 3u}) {
    std::mt19937 rng(seed);
    const std::size_t dim = 8, n_docs = 300;
    // Small integers: exact dot products, so ties are frequent and checked strictly. Skewed
    // chunk counts: a few documents own many chunks, which forces deeper re-searches.
    std::vector<std::vector<std::vector<float>>> docs(n_docs);
    for (auto& chunks : docs) {
      const std::size_t n = rng() % 10 == 0 ? 40 : rng() % 4;
      for (std::size_t c = 0; c < n; ++c) {
        std::vector<float> v(dim);
        for (float& x : v) x = static_cast<float>(static_cast<int>(rng() % 5) - 2);
        chunks.push_back(v);
      }
    }
    std::vector<std::vector<float>> qs(40, std::vector<float>(dim));
    for (auto& q : qs) {
      for (float& x : q) x = static_cast<float>(static_cast<int>(rng() % 5) - 2);
    }
    // Added in three batches: ids continue across add() calls.
    ChunkMaxIndex index(Metric::kInnerProduct, 2);
    index.add(documents(dim, {docs.begin(), docs.begin() + 100}));
    index.add(documents(dim, {docs.begin() + 100, docs.begin() + 101}));
    index.add(documents(dim, {docs.begin() + 101, docs.end()}));
    ASSERT_EQ(index.size(), n_docs);
    for (std::size_t k : {1u, 10u, 100u, 400u}) {
      const SearchResults r = index.search(queries(dim, qs), k);
      for (std::size_t q = 0; q < qs.size(); ++q) {
        const auto expected = oracle(docs, qs[q], k);
        for (std::size_t j = 0; j < k; ++j) {
          SCOPED_TRACE(testing::Message()
                       << "seed " << seed << " k " << k << " q " << q << " j " << j);
          if (j < expected.size()) {
            EXPECT_EQ(r.ids[q * k + j], expected[j].second);
            EXPECT_EQ(r.scores[q * k + j], expected[j].first);
          } else {
            EXPECT_EQ(r.ids[q * k + j], -1);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace embeval
