// exact_knn and ExactDenseIndex: hand-computed cases, bad input, and seeded comparisons with a
// naive double-precision oracle across sizes, metrics, block sizes and thread counts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/index/exact_index.h"
#include "embeval/core/topk.h"

namespace embeval {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr Metric kAllMetrics[] = {Metric::kInnerProduct, Metric::kCosine, Metric::kL2};

DenseMatrix matrix(std::size_t rows, std::size_t cols, std::vector<float> values) {
  DenseMatrix m(rows, cols);
  m.data = std::move(values);
  return m;
}

DenseMatrix random_matrix(std::size_t rows, std::size_t cols, unsigned seed) {
  DenseMatrix m(rows, cols);
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0.0f, 1.0f);
  for (float& v : m.data) v = dist(rng);
  return m;
}

// Small integers: every dot product and norm is exact in float, whatever the summation order,
// so scores tie exactly and the tie order can be checked strictly.
DenseMatrix integer_matrix(std::size_t rows, std::size_t cols, unsigned seed) {
  DenseMatrix m(rows, cols);
  std::mt19937 rng(seed);
  for (float& v : m.data) v = static_cast<float>(static_cast<int>(rng() % 5) - 2);
  return m;
}

// The oracle's score of every base row for query q, in double.
std::vector<double> oracle_scores(const DenseMatrix& base, const DenseMatrix& queries,
                                  std::size_t q, Metric metric) {
  std::vector<double> scores(base.rows);
  const float* x = queries.row(q);
  double xx = 0;
  for (std::size_t c = 0; c < queries.cols; ++c) xx += double{x[c]} * x[c];
  for (std::size_t b = 0; b < base.rows; ++b) {
    const float* y = base.row(b);
    double xy = 0, yy = 0;
    for (std::size_t c = 0; c < base.cols; ++c) {
      xy += double{x[c]} * y[c];
      yy += double{y[c]} * y[c];
    }
    switch (metric) {
      case Metric::kInnerProduct:
        scores[b] = xy;
        break;
      case Metric::kCosine:
        scores[b] = (xx == 0 || yy == 0) ? 0.0 : xy / std::sqrt(xx * yy);
        break;
      case Metric::kL2:
        double d2 = 0;
        for (std::size_t c = 0; c < base.cols; ++c) d2 += (double{x[c]} - y[c]) * (x[c] - y[c]);
        scores[b] = -d2;
        break;
    }
  }
  return scores;
}

// Oracle ranking: (score desc, id asc) on double scores.
std::vector<std::int64_t> oracle_ranking(const std::vector<double>& scores) {
  std::vector<std::int64_t> ids(scores.size());
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<std::int64_t>(i);
  std::stable_sort(ids.begin(), ids.end(),
                   [&](std::int64_t a, std::int64_t b) { return scores[a] > scores[b]; });
  return ids;
}

// Checks `got` against the oracle. Scores must match the oracle's rank-r score within `tol`
// (absolute, scaled by the caller to the score magnitude). An id may differ from the oracle's
// only when its true score is within `tol` of the oracle's r-th score (a near-tie float rounding
// can reorder), and no id may repeat. With tol == 0, everything must match exactly.
void expect_matches_oracle(const SearchResults& got, const DenseMatrix& base,
                           const DenseMatrix& queries, std::size_t k, Metric metric, double tol,
                           const std::string& label) {
  ASSERT_EQ(got.num_queries, queries.rows) << label;
  ASSERT_EQ(got.k, k) << label;
  for (std::size_t q = 0; q < queries.rows; ++q) {
    const std::vector<double> scores = oracle_scores(base, queries, q, metric);
    const std::vector<std::int64_t> want = oracle_ranking(scores);
    std::vector<std::int64_t> seen;
    for (std::size_t r = 0; r < k; ++r) {
      const std::int64_t id = got.ids[q * k + r];
      const float score = got.scores[q * k + r];
      if (r >= base.rows) {
        ASSERT_EQ(id, -1) << label << " q" << q << " r" << r;
        ASSERT_EQ(score, -kInf) << label;
        continue;
      }
      ASSERT_GE(id, 0) << label;
      ASSERT_LT(id, static_cast<std::int64_t>(base.rows)) << label;
      seen.push_back(id);
      const double expected = scores[want[r]];
      ASSERT_LE(std::abs(score - expected), tol)
          << label << " q" << q << " r" << r << " got " << score << " want " << expected;
      if (id != want[r]) {
        ASSERT_GT(tol, 0.0) << label << " q" << q << " r" << r << ": id " << id << " vs oracle "
                            << want[r] << " with exact scores";
        ASSERT_LE(std::abs(scores[id] - expected), tol)
            << label << " q" << q << " r" << r << ": id " << id << " is not a near-tie of "
            << want[r];
      }
    }
    std::sort(seen.begin(), seen.end());
    ASSERT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end()) << label << " dup id";
  }
}

ExactKnnOptions opts(int threads, std::size_t query_block = 0, std::size_t base_block = 0) {
  ExactKnnOptions o;
  o.threads = threads;
  o.query_block = query_block;
  o.base_block = base_block;
  return o;
}

// Base rows: (1,0) (0,2) (3,4) (-1,-1); query (1,1).
//   ip:  1, 2, 7, -2            -> ids 2,1,0,3
//   cos: 1/sqrt2, 2/(2 sqrt2)=1/sqrt2, 7/(5 sqrt2), -1 -> ids 2,0,1,3 (tie 0/1 by id)
//   l2:  -|q-b|^2 = -1, -2, -(4+9)=-13, -(4+4)=-8     -> ids 0,1,3,2
TEST(ExactKnnTest, HandComputedScoresForEachMetric) {
  const DenseMatrix base = matrix(4, 2, {1, 0, 0, 2, 3, 4, -1, -1});
  const DenseMatrix query = matrix(1, 2, {1, 1});
  const SearchResults ip = exact_knn(base, query, 4, Metric::kInnerProduct, 1);
  EXPECT_EQ(ip.ids, (std::vector<std::int64_t>{2, 1, 0, 3}));
  EXPECT_EQ(ip.scores, (std::vector<float>{7, 2, 1, -2}));

  const SearchResults cos = exact_knn(base, query, 4, Metric::kCosine, 1);
  EXPECT_EQ(cos.ids, (std::vector<std::int64_t>{2, 0, 1, 3}));
  EXPECT_NEAR(cos.scores[0], 7.0 / (5.0 * std::sqrt(2.0)), 1e-6);
  EXPECT_NEAR(cos.scores[1], 1.0 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(cos.scores[2], 1.0 / std::sqrt(2.0), 1e-6);
  EXPECT_NEAR(cos.scores[3], -1.0, 1e-6);

  const SearchResults l2 = exact_knn(base, query, 4, Metric::kL2, 1);
  EXPECT_EQ(l2.ids, (std::vector<std::int64_t>{0, 1, 3, 2}));
  EXPECT_EQ(l2.scores, (std::vector<float>{-1, -2, -8, -13}));
}

TEST(ExactKnnTest, KLargerThanBasePadsAndKZeroIsEmpty) {
  const DenseMatrix base = matrix(2, 1, {1, 3});
  const DenseMatrix query = matrix(2, 1, {1, -1});
  const SearchResults r = exact_knn(base, query, 4, Metric::kInnerProduct, 1);
  EXPECT_EQ(r.ids, (std::vector<std::int64_t>{1, 0, -1, -1, 0, 1, -1, -1}));
  EXPECT_EQ(r.scores, (std::vector<float>{3, 1, -kInf, -kInf, -1, -3, -kInf, -kInf}));
  const SearchResults none = exact_knn(base, query, 0, Metric::kInnerProduct, 1);
  EXPECT_EQ(none.num_queries, 2u);
  EXPECT_TRUE(none.ids.empty());
  const SearchResults empty_base = exact_knn(DenseMatrix{}, query, 2, Metric::kL2, 1);
  EXPECT_EQ(empty_base.ids, (std::vector<std::int64_t>{-1, -1, -1, -1}));
}

TEST(ExactKnnTest, CosineOfZeroVectorsIsZeroNotNaN) {
  const DenseMatrix base = matrix(3, 2, {0, 0, 1, 0, -1, 0});
  const SearchResults r = exact_knn(base, matrix(1, 2, {2, 0}), 3, Metric::kCosine, 1);
  EXPECT_EQ(r.ids, (std::vector<std::int64_t>{1, 0, 2}));
  EXPECT_EQ(r.scores, (std::vector<float>{1, 0, -1}));
  const SearchResults zero_query = exact_knn(base, matrix(1, 2, {0, 0}), 3, Metric::kCosine, 1);
  EXPECT_EQ(zero_query.ids, (std::vector<std::int64_t>{0, 1, 2}));  // all tie at 0: id order
  EXPECT_EQ(zero_query.scores, (std::vector<float>{0, 0, 0}));
}

TEST(ExactKnnTest, IdenticalRowsComeOutInIdOrder) {
  // Rows 1, 3, 4 are identical and best; row 0 and 2 identical and worse.
  const DenseMatrix base = matrix(5, 3, {0, 1, 0, 1, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 1});
  for (Metric metric : kAllMetrics) {
    const SearchResults r = exact_knn(base, matrix(1, 3, {1, 1, 1}), 5, metric, 1);
    EXPECT_EQ(r.ids, (std::vector<std::int64_t>{1, 3, 4, 0, 2})) << metric_name(metric);
    EXPECT_EQ(r.scores[0], r.scores[2]);
  }
}

TEST(ExactKnnTest, RejectsDimensionMismatchAndNonFiniteValues) {
  const DenseMatrix base = matrix(2, 2, {1, 2, 3, 4});
  try {
    (void)exact_knn(base, matrix(1, 3, {1, 2, 3}), 1, Metric::kInnerProduct, 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("base vectors have 2 dimensions, queries have 3"),
              std::string::npos)
        << e.what();
  }
  const DenseMatrix bad_base = matrix(3, 1, {1, std::nanf(""), 2});
  try {
    (void)exact_knn(bad_base, matrix(1, 1, {1}), 1, Metric::kL2, 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("base row 1 (0-based) holds NaN"), std::string::npos);
  }
  try {
    (void)exact_knn(base, matrix(2, 2, {1, 1, kInf, 0}), 1, Metric::kCosine, 1);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("query row 1 (0-based) holds an infinite value"),
              std::string::npos);
  }
  EXPECT_THROW((void)exact_knn(DenseMatrix(2, 0), DenseMatrix(1, 0), 1, Metric::kL2, 1),
               InputError);  // 0-dimensional vectors
  EXPECT_THROW((void)parse_metric("dot"), InputError);
  EXPECT_EQ(parse_metric("cos"), Metric::kCosine);
}

// Issue 10: finite vectors whose scores overflow float32 once gave a ranking of inf ties.
TEST(ExactKnnTest, ScoresThatOverflowFloatAreAnErrorNamingRowsAndInputs) {
  const DenseMatrix base = matrix(3, 2, {1, 0, 1e20f, 1e20f, 0, 1});
  const DenseMatrix query = matrix(2, 2, {1, 1, 1e20f, 1e20f});
  ExactKnnOptions o = opts(2, 1, 1);  // one query per block: the error comes from a worker
  o.base_name = "B.npy";
  o.queries_name = "Q.npy";
  try {
    (void)exact_knn(base, query, 2, Metric::kInnerProduct, o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "Q.npy");
    EXPECT_NE(e.message().find("inner product of query row 1 (0-based) and base row 1 of B.npy "
                               "overflows float32"),
              std::string::npos)
        << e.what();
  }
  try {  // L2: |b|^2 = 2e40 does not fit in float32
    (void)exact_knn(base, query, 2, Metric::kL2, o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "B.npy");
    EXPECT_NE(e.message().find("base row 1 (0-based) is too large for L2"), std::string::npos)
        << e.what();
  }
  // L2 where every norm fits but -|q - b|^2 = -(2.6e19)^2 does not.
  try {
    (void)exact_knn(matrix(1, 1, {-1.3e19f}), matrix(1, 1, {1.3e19f}), 1, Metric::kL2, o);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("squared L2 distance of query row 0"), std::string::npos)
        << e.what();
  }
  // Cosine normalises in double first: the same vectors rank fine, no overflow, no ties of inf.
  const SearchResults cos = exact_knn(base, query, 3, Metric::kCosine, o);
  EXPECT_EQ(cos.ids, (std::vector<std::int64_t>{1, 0, 2, 1, 0, 2}));
  EXPECT_NEAR(cos.scores[0], 1.0f, 1e-6f);
  EXPECT_NEAR(cos.scores[3], 1.0f, 1e-6f);
  // Subnormal rows normalise too (1 / |b| would overflow float32 if taken in float).
  const SearchResults tiny =
      exact_knn(matrix(1, 2, {1e-45f, 0}), matrix(1, 2, {1, 0}), 1, Metric::kCosine, o);
  EXPECT_EQ(tiny.scores[0], 1.0f);
}

// Issue 10: cosine of a vector with itself came out as 1.0000005 (float rounding of the unit
// vectors and of the dot product). Scores must stay in [-1, 1].
TEST(ExactKnnTest, CosineScoresNeverLeaveMinusOneToOne) {
  const DenseMatrix base = random_matrix(300, 384, 7);
  DenseMatrix negated = base;
  for (float& x : negated.data) x = -x;
  const SearchResults self = exact_knn(base, base, 1, Metric::kCosine, 1);
  const SearchResults opposite = exact_knn(base, negated, 300, Metric::kCosine, 1);
  // Below 1, rounding may take a float32 dot product of d terms of unit vectors at most about
  // (d + 2) * 2^-24 away from the exact value (normalising and summing): 2.3e-5 for d = 384.
  const float below = 2.0f * (384 + 2) * std::ldexp(1.0f, -24);
  for (std::size_t q = 0; q < base.rows; ++q) {
    EXPECT_LE(self.scores[q], 1.0f) << q;
    EXPECT_GE(self.scores[q], 1.0f - below) << q;
    EXPECT_GE(opposite.scores[q * 300 + 299], -1.0f) << q;
  }
}

// Random Gaussian data against the double oracle: sizes with n < k, n not a multiple of the
// block, odd d; default and tiny blocks; one and two threads.
TEST(ExactKnnTest, MatchesDoubleOracleOnRandomData) {
  struct Case {
    std::size_t n, nq, d, k;
  };
  const Case cases[] = {{5, 3, 7, 10}, {1000, 37, 33, 10}, {1300, 70, 64, 25}, {600, 5, 1, 3}};
  unsigned seed = 100;
  for (const Case& c : cases) {
    const DenseMatrix base = random_matrix(c.n, c.d, ++seed);
    const DenseMatrix queries = random_matrix(c.nq, c.d, ++seed);
    for (Metric metric : kAllMetrics) {
      // Float32 GEMM error grows with d and the magnitudes; L2 scores are |q|^2 + |b|^2 sized.
      const double scale = metric == Metric::kCosine ? 1.0 : (metric == Metric::kL2 ? 4.0 : 1.0);
      const double tol = 1e-5 * scale * std::max<double>(1.0, static_cast<double>(c.d));
      for (const ExactKnnOptions& o : {opts(1), opts(2), opts(1, 16, 100), opts(2, 7, 33)}) {
        const std::string label = std::string(metric_name(metric)) + " n=" + std::to_string(c.n) +
                                  " d=" + std::to_string(c.d) +
                                  " threads=" + std::to_string(o.threads) +
                                  " qb=" + std::to_string(o.query_block);
        const SearchResults r = exact_knn(base, queries, c.k, metric, o);
        expect_matches_oracle(r, base, queries, c.k, metric, tol, label);
      }
    }
  }
}

// Integer data: scores are exact, ties are everywhere, so ids must equal the oracle's exactly,
// and results must be bit-identical across block sizes and thread counts.
TEST(ExactKnnTest, ExactTiesAreIndependentOfBlockingAndThreads) {
  DenseMatrix base = integer_matrix(2500, 5, 7);
  for (std::size_t r = 0; r < 200; ++r) {  // plus exact duplicates scattered through the base
    std::copy(base.row(r), base.row(r) + 5, base.row(2499 - r * 3));
  }
  const DenseMatrix queries = integer_matrix(45, 5, 8);
  for (Metric metric : {Metric::kInnerProduct, Metric::kL2}) {
    const SearchResults reference = exact_knn(base, queries, 30, metric, opts(1));
    expect_matches_oracle(reference, base, queries, 30, metric, 0.0, metric_name(metric));
    for (const ExactKnnOptions& o :
         {opts(2), opts(1, 1, 1), opts(2, 4, 97), opts(1, 45, 2500), opts(2, 1000, 10000)}) {
      const SearchResults r = exact_knn(base, queries, 30, metric, o);
      EXPECT_EQ(r.ids, reference.ids) << metric_name(metric) << " qb=" << o.query_block;
      EXPECT_EQ(r.scores, reference.scores) << metric_name(metric) << " qb=" << o.query_block;
    }
  }
}

TEST(ExactKnnTest, CosineResultsIdenticalForOneAndTwoThreads) {
  const DenseMatrix base = random_matrix(3000, 48, 11);
  const DenseMatrix queries = random_matrix(1100, 48, 12);  // > 2 query blocks
  const SearchResults one = exact_knn(base, queries, 10, Metric::kCosine, 1);
  const SearchResults two = exact_knn(base, queries, 10, Metric::kCosine, 2);
  EXPECT_EQ(one.ids, two.ids);
  EXPECT_EQ(one.scores, two.scores);
}

TEST(ExactDenseIndexTest, AddsBatchesAndSearchesLikeExactKnn) {
  ExactDenseIndex index(Metric::kL2);
  EXPECT_EQ(index.size(), 0u);
  EmbeddingBatch first, second;
  first.dense = matrix(2, 2, {0, 0, 5, 5});
  second.dense = matrix(1, 2, {1, 1});
  index.add(first);
  index.add(second);
  EXPECT_EQ(index.size(), 3u);
  EXPECT_GE(index.memory_bytes(), 3 * 2 * sizeof(float));
  EmbeddingBatch queries;
  queries.dense = matrix(1, 2, {2, 2});
  const SearchResults r = index.search(queries, 2);
  EXPECT_EQ(r.ids, (std::vector<std::int64_t>{2, 0}));  // ids continue across batches
  EXPECT_EQ(r.scores, (std::vector<float>{-2, -8}));
}

TEST(ExactDenseIndexTest, RejectsBadBatches) {
  ExactDenseIndex index(Metric::kInnerProduct);
  EXPECT_THROW(index.add(EmbeddingBatch{}), InputError);  // no dense part
  EmbeddingBatch ok;
  ok.dense = matrix(1, 3, {1, 2, 3});
  index.add(ok);
  EmbeddingBatch wrong_dim;
  wrong_dim.dense = matrix(1, 2, {1, 2});
  try {
    index.add(wrong_dim);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("batch has 2 dimensions, earlier documents have 3"),
              std::string::npos);
  }
  EmbeddingBatch nan_batch;
  nan_batch.dense = matrix(2, 3, {1, 2, 3, 4, std::nanf(""), 6});
  try {
    index.add(nan_batch);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("document 2 (0-based)"), std::string::npos) << e.what();
  }
  EXPECT_EQ(index.size(), 1u);  // failed batches add nothing
  EXPECT_THROW((void)index.search(wrong_dim, 1), InputError);
  EXPECT_THROW((void)index.search(EmbeddingBatch{}, 1), InputError);
}

}  // namespace
}  // namespace embeval
