// The alignment probe on hand-made vectors whose cosines, margins and argmaxes are worked out in
// the comments: ties to the lowest index, a hub that the plain argmax picks and the margin
// rejects, sparse weight vectors, zero vectors (no NaN), and the encoder glue (dense vectors are
// normalised; bm25 is fitted and compared by the cosine of its weight vectors).
#include "embeval/probe/alignment.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <utility>
#include <vector>

#include "embeval/core/dense_rows.h"
#include "embeval/encoders/bm25_encoder.h"
#include "embeval/encoders/static_encoder.h"

namespace embeval {
namespace {

DenseMatrix matrix(std::size_t cols, std::initializer_list<float> values) {
  DenseMatrix m(values.size() / cols, cols);
  m.data.assign(values);
  return m;
}

TEST(Alignment, TiesGoToTheLowestIndex) {
  // s = e0, e1, e0; t = e0, e1, e1. cos (rows s_i, columns t_j):
  //   s0: 1 0 0 | s1: 0 1 1 | s2: 1 0 0
  // src->tgt: row 0 -> 0 (hit); row 1 ties 1 and 2 -> 1 (hit); row 2 ties 0 -> 0 (miss): 2/3.
  // tgt->src: column 0 (1, 0, 1) ties -> 0 (hit); column 1 -> 1 (hit); column 2 (0, 1, 0) -> 1
  // (miss): 2/3. true cos (1 + 1 + 0) / 3; shuffled cos(0,1) + cos(1,2) + cos(2,0) = 0 + 1 + 1.
  // Margins, k = min(4, 3) = 3: r_src = row sums / 6 = (1/6, 2/6, 1/6), r_tgt = column sums / 6
  // = (2/6, 1/6, 1/6); margin = cos / (r_src + r_tgt): row 0 (2, 0, 0), row 1 (0, 2, 2), row 2
  // (2, 0, 0): the same ties, the same 2/3 both ways.
  const DenseMatrix s = matrix(2, {1, 0, 0, 1, 1, 0});
  const DenseMatrix t = matrix(2, {1, 0, 0, 1, 0, 1});
  const AlignmentScores a = score_alignment(s, t);
  EXPECT_EQ(a.pairs, 3u);
  EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a.accuracy_tgt_to_src, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_src_to_tgt, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_tgt_to_src, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a.mean_cos_true, 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(a.mean_cos_shuffled, 2.0 / 3.0);
  EXPECT_EQ(a.undefined_margins, 0u);
  // A tie never favours the true pair: with s = e0, e0, e1 (same t), cos is s0: 1 0 0 |
  // s1: 1 0 0 | s2: 0 1 1. Rows -> 0, 0, 1 (row 2 ties 1 and 2, takes 1): one hit, 1/3.
  // Columns: 0 ties rows 0 and 1 -> 0 (hit); 1 -> 2 (miss); 2 -> 2 (hit): 2/3.
  const AlignmentScores b = score_alignment(matrix(2, {1, 0, 1, 0, 0, 1}), t);
  EXPECT_DOUBLE_EQ(b.accuracy_src_to_tgt, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(b.accuracy_tgt_to_src, 2.0 / 3.0);
}

TEST(Alignment, TheMarginRejectsAHubThatThePlainArgmaxPicks) {
  // Six dimensions, s_i = e_i (i = 0..4). t0 = (.5, .5, .5, .5, 0, 0) is a hub: cos 0.5 with
  // s0..s3. t1 = .28 e1 + .96 e5, t2 = e2, t3 = .6 e3 + .8 e5, t4 = e4. cos (rows s_i):
  //   s0: .5  0   0  0  0      s1: .5 .28  0  0  0      s2: .5 0 1 0 0
  //   s3: .5  0   0 .6  0      s4: 0   0   0  0  1
  // Plain src->tgt: s1 picks the hub t0 (.5 > .28): 4/5. tgt->src: column 0 ties rows 0..3 ->
  // 0 (hit), every other column's only nonzero is its own row: 5/5.
  // k = 4: r_src = top-4 row sums / 8 = (.5, .78, 1.5, 1.1, 1) / 8
  //                                    = (.0625, .0975, .1875, .1375, .125)
  //        r_tgt = top-4 column sums / 8 = (2, .28, 1, .6, 1) / 8 = (.25, .035, .125, .075, .125)
  // Row 1: margin(1,0) = .5 / (.0975 + .25) = 1.4388, margin(1,1) = .28 / (.0975 + .035) =
  // 2.1132: the margin picks t1. Row 0: 1.6 on t0 only; row 2: t0 1.1429 < t2 3.2; row 3: t0
  // 1.2903 < t3 .6 / .2125 = 2.8235; row 4: t4 4. Columns: t0 (1.6, 1.4388, 1.1429, 1.2903, 0)
  // -> 0; the others have one nonzero, their own row. Margin accuracy 5/5 both ways.
  // true cos (.5 + .28 + 1 + .6 + 1) / 5 = .676; shuffled cos(i, i+1): all 0.
  DenseMatrix s(5, 6);
  for (std::size_t i = 0; i < 5; ++i) s.row(i)[i] = 1;
  const DenseMatrix t = matrix(6, {.5f, .5f,  .5f, .5f, 0, 0,     //
                                   0,   .28f, 0,   0,   0, .96f,  //
                                   0,   0,    1,   0,   0, 0,     //
                                   0,   0,    0,   .6f, 0, .8f,   //
                                   0,   0,    0,   0,   1, 0});
  const AlignmentScores a = score_alignment(s, t);
  EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, 0.8);
  EXPECT_DOUBLE_EQ(a.accuracy_tgt_to_src, 1.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_src_to_tgt, 1.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_tgt_to_src, 1.0);
  EXPECT_NEAR(a.mean_cos_true, 0.676, 1e-7);  // .28f, .6f: float, so near, not equal
  EXPECT_DOUBLE_EQ(a.mean_cos_shuffled, 0.0);
}

TEST(Alignment, SparseModelsCompareTheCosineOfTheirWeightVectors) {
  // Unnormalised weights: s0 = {0: 3, 1: 4} (norm 5), s1 = {2: 2}; t0 = {0: 1},
  // t1 = {1: 1, 2: 1} (norm sqrt 2). cos: s0: .6, .8 / sqrt2 = .565685 | s1: 0, 1 / sqrt2.
  // Both argmaxes hit everywhere. true (.6 + .707107) / 2 = .653553; shuffled (.565685 + 0) / 2.
  // k = 2: r_src = (.6 + .565685, .707107) / 4 = (.291421, .176777); r_tgt = (.6, 1.272792) / 4
  // = (.15, .318198). Margins: row 0 (.6 / .441421 = 1.3592, .565685 / .609619 = .9279), row 1
  // (0, .707107 / .494975 = 1.4286): hits both ways.
  SparseMatrix s, t;
  s.dim = t.dim = 3;
  const std::uint32_t i0[] = {0, 1}, i1[] = {2}, j0[] = {0}, j1[] = {1, 2};
  const float w0[] = {3, 4}, w1[] = {2}, v0[] = {1}, v1[] = {1, 1};
  s.append_row(i0, w0);
  s.append_row(i1, w1);
  t.append_row(j0, v0);
  t.append_row(j1, v1);
  const AlignmentScores a = score_alignment(s, t);
  EXPECT_EQ(a.pairs, 2u);
  EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, 1.0);
  EXPECT_DOUBLE_EQ(a.accuracy_tgt_to_src, 1.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_src_to_tgt, 1.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_tgt_to_src, 1.0);
  EXPECT_NEAR(a.mean_cos_true, (0.6 + 1 / std::sqrt(2.0)) / 2, 1e-12);
  EXPECT_NEAR(a.mean_cos_shuffled, (0.8 / std::sqrt(2.0)) / 2, 1e-12);
}

TEST(Alignment, ZeroVectorsGiveUndefinedMarginsNeverNaN) {
  // s = (0, e0), t = (e0, 0). cos: s0: 0 0 | s1: 1 0. Rows: 0 ties -> 0 (hit), 1 -> 0 (miss):
  // 1/2. Columns: 0 -> 1 (miss), 1 ties -> 0 (miss): 0. true (0 + 0) / 2; shuffled (0 + 1) / 2.
  // k = 2: r_src = (0, 1/4), r_tgt = (1/4, 0). Margins: (0,0) 0 / .25 = 0; (0,1) denominator 0:
  // undefined; (1,0) 1 / .5 = 2; (1,1) 0 / .25 = 0. Rows: 0 -> 0 (hit), 1 -> 0 (miss): 1/2.
  // Columns: 0 (0, 2) -> 1 (miss); 1 (undefined, 0) -> 1 (hit): 1/2.
  const AlignmentScores a = score_alignment(matrix(2, {0, 0, 1, 0}), matrix(2, {1, 0, 0, 0}));
  EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, 0.5);
  EXPECT_DOUBLE_EQ(a.accuracy_tgt_to_src, 0.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_src_to_tgt, 0.5);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_tgt_to_src, 0.5);
  EXPECT_DOUBLE_EQ(a.mean_cos_true, 0.0);
  EXPECT_DOUBLE_EQ(a.mean_cos_shuffled, 0.5);
  EXPECT_EQ(a.undefined_margins, 1u);
  EXPECT_EQ(a.zero_sources, 1u);
  EXPECT_EQ(a.zero_targets, 1u);
}

TEST(Alignment, TheJsonHasExactlyTheDocumentedKeys) {
  AlignmentScores a;
  a.pairs = 3;
  a.accuracy_src_to_tgt = 0.5;
  a.mean_cos_shuffled = -0.25;
  a.undefined_margins = 7;  // not a JSON key
  const nlohmann::json j = nlohmann::json::parse(alignment_json(a));
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "accuracy_src_to_tgt", "accuracy_tgt_to_src", "margin_accuracy_src_to_tgt",
                      "margin_accuracy_tgt_to_src", "mean_cos_shuffled", "mean_cos_true",
                      "pairs"}));  // nlohmann::json sorts keys
  EXPECT_EQ(j["pairs"], 3);
  EXPECT_EQ(j["accuracy_src_to_tgt"], 0.5);
  EXPECT_EQ(j["mean_cos_shuffled"], -0.25);
}

// The figures do not depend on the thread count: equal to the bit.
void expect_same_bits(const AlignmentScores& a, const AlignmentScores& b) {
  EXPECT_EQ(a.accuracy_src_to_tgt, b.accuracy_src_to_tgt);
  EXPECT_EQ(a.accuracy_tgt_to_src, b.accuracy_tgt_to_src);
  EXPECT_EQ(a.margin_accuracy_src_to_tgt, b.margin_accuracy_src_to_tgt);
  EXPECT_EQ(a.margin_accuracy_tgt_to_src, b.margin_accuracy_tgt_to_src);
  EXPECT_EQ(a.mean_cos_true, b.mean_cos_true);
  EXPECT_EQ(a.mean_cos_shuffled, b.mean_cos_shuffled);
  EXPECT_EQ(a.undefined_margins, b.undefined_margins);
}

// The definition in the header, written out the slow way: the full n x n matrix, each row and
// column sorted for its k largest, the argmaxes by scanning. Cosines are the same double dot
// products of the same floats, and the k largest are summed largest first as the probe does, so
// every figure must agree to the bit, ties included.
AlignmentScores by_definition(const DenseMatrix& s, const DenseMatrix& t) {
  const std::size_t n = s.rows, k = std::min<std::size_t>(4, n);
  std::vector<std::vector<double>> cos(n, std::vector<double>(n));
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      double dot = 0;
      for (std::size_t c = 0; c < s.cols; ++c) dot += double(s.row(i)[c]) * t.row(j)[c];
      cos[i][j] = dot;
    }
  }
  auto top_sum = [&](std::vector<double> v) {
    std::sort(v.begin(), v.end(), std::greater<>());
    double sum = 0;
    for (std::size_t m = 0; m < k; ++m) sum += v[m];
    return sum / (2.0 * k);
  };
  std::vector<double> r_src(n), r_tgt(n);
  for (std::size_t i = 0; i < n; ++i) {
    r_src[i] = top_sum(cos[i]);
    std::vector<double> column(n);
    for (std::size_t v = 0; v < n; ++v) column[v] = cos[v][i];
    r_tgt[i] = top_sum(column);
  }
  auto margin = [&](std::size_t i, std::size_t j) {
    const double d = r_src[i] + r_tgt[j];
    return d > 0 ? cos[i][j] / d : -std::numeric_limits<double>::infinity();
  };
  AlignmentScores a;
  a.pairs = n;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t row = 0, column = 0, margin_row = 0, margin_column = 0;
    for (std::size_t j = 1; j < n; ++j) {
      if (cos[i][j] > cos[i][row]) row = j;
      if (cos[j][i] > cos[column][i]) column = j;
      if (margin(i, j) > margin(i, margin_row)) margin_row = j;
      if (margin(j, i) > margin(margin_column, i)) margin_column = j;
    }
    a.accuracy_src_to_tgt += row == i ? 1.0 / n : 0;
    a.accuracy_tgt_to_src += column == i ? 1.0 / n : 0;
    a.margin_accuracy_src_to_tgt += margin_row == i ? 1.0 / n : 0;
    a.margin_accuracy_tgt_to_src += margin_column == i ? 1.0 / n : 0;
    a.mean_cos_true += cos[i][i];
    a.mean_cos_shuffled += cos[i][(i + 1) % n];
  }
  a.mean_cos_true /= n;
  a.mean_cos_shuffled /= n;
  return a;
}

TEST(Alignment, AgreesWithTheDefinitionOnSeededRandomVectors) {
  // Small integer components in 3 dimensions: many exact ties and zero vectors, so the tie
  // rule and the undefined margins are exercised; Gaussian ones in 8 for the general case.
  std::mt19937_64 rng(16);
  std::uniform_int_distribution<int> small(-1, 2);
  std::normal_distribution<float> gauss;
  for (int round = 0; round < 200; ++round) {
    const bool integer = round % 2 == 0;
    const std::size_t n = 2 + round % 19, d = integer ? 3 : 8;
    DenseMatrix s(n, d), t(n, d);
    for (DenseMatrix* m : {&s, &t}) {
      for (float& v : m->data) v = integer ? float(small(rng)) : gauss(rng);
      normalize_rows(*m);
    }
    SCOPED_TRACE("round " + std::to_string(round));
    const AlignmentScores got = score_alignment(s, t), want = by_definition(s, t);
    // 1/n summed n times is not k/n to the bit: compare counts, as the probe divides once.
    EXPECT_NEAR(got.accuracy_src_to_tgt, want.accuracy_src_to_tgt, 1e-12);
    EXPECT_NEAR(got.accuracy_tgt_to_src, want.accuracy_tgt_to_src, 1e-12);
    EXPECT_NEAR(got.margin_accuracy_src_to_tgt, want.margin_accuracy_src_to_tgt, 1e-12);
    EXPECT_NEAR(got.margin_accuracy_tgt_to_src, want.margin_accuracy_tgt_to_src, 1e-12);
    EXPECT_NEAR(got.mean_cos_true, want.mean_cos_true, 1e-12);
    EXPECT_NEAR(got.mean_cos_shuffled, want.mean_cos_shuffled, 1e-12);
    expect_same_bits(got, score_alignment(s, t, 3));  // rows computed on 3 threads
  }
}

TEST(Alignment, SparseAndDenseGiveTheSameFiguresForTheSameVectors) {
  // Gaussian vectors (no ties) written once as dense rows and once as sparse weights; the
  // sparse path normalises them itself.
  std::mt19937_64 rng(7);
  std::normal_distribution<float> gauss;
  const std::size_t n = 30, d = 6;
  DenseMatrix s(n, d), t(n, d);
  SparseMatrix ss, st;
  ss.dim = st.dim = d;
  const std::uint32_t ids[] = {0, 1, 2, 3, 4, 5};
  for (auto [dense, sparse] : {std::pair{&s, &ss}, std::pair{&t, &st}}) {
    for (float& v : dense->data) v = gauss(rng);
    for (std::size_t i = 0; i < n; ++i) sparse->append_row(ids, {dense->row(i), d});
    normalize_rows(*dense);
  }
  const AlignmentScores a = score_alignment(s, t), b = score_alignment(ss, st);
  expect_same_bits(b, score_alignment(ss, st, 3));  // per-worker scratch on 3 threads
  EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, b.accuracy_src_to_tgt);
  EXPECT_DOUBLE_EQ(a.accuracy_tgt_to_src, b.accuracy_tgt_to_src);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_src_to_tgt, b.margin_accuracy_src_to_tgt);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_tgt_to_src, b.margin_accuracy_tgt_to_src);
  EXPECT_NEAR(a.mean_cos_true, b.mean_cos_true, 1e-6);
  EXPECT_NEAR(a.mean_cos_shuffled, b.mean_cos_shuffled, 1e-6);
}

TEST(Alignment, APlantedNoiseLevelShowsInTheMeanCosine) {
  // t_i = s_i + noise, both Gaussian in d = 512 dimensions, noise sigma times the signal's:
  // cos(s_i, t_i) -> 1 / sqrt(1 + sigma^2) as d grows (.7071 for sigma 1, .4472 for sigma 2),
  // and unrelated pairs -> 0 (standard deviation 1 / sqrt(d) = .044 per pair, .003 for the mean
  // of 200). Translations this close beat 199 distractors (their best cosine is about
  // .044 * 2.9 = .13): accuracy 1.
  std::mt19937_64 rng(2);
  std::normal_distribution<float> gauss;
  const std::size_t n = 200, d = 512;
  for (const double sigma : {1.0, 2.0}) {
    DenseMatrix s(n, d), t(n, d);
    for (std::size_t c = 0; c < n * d; ++c) {
      s.data[c] = gauss(rng);
      t.data[c] = s.data[c] + static_cast<float>(sigma) * gauss(rng);
    }
    normalize_rows(s);
    normalize_rows(t);
    const AlignmentScores a = score_alignment(s, t);
    EXPECT_NEAR(a.mean_cos_true, 1 / std::sqrt(1 + sigma * sigma), 0.01) << sigma;
    EXPECT_NEAR(a.mean_cos_shuffled, 0.0, 0.015) << sigma;
    EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, 1.0) << sigma;
    EXPECT_DOUBLE_EQ(a.margin_accuracy_tgt_to_src, 1.0) << sigma;
  }
}

TEST(AlignmentProbe, DenseVectorsAreNormalisedBeforeTheCosine) {
  // normalize=false: "house" = (2, 0) and "haus" = (3, 0) have cosine 1 only once normalised;
  // "sun" = (0, 1), "sonne" = (1, 1): cos(sun, sonne) = 1 / sqrt2, cos(house, sonne) too.
  // cos: s0 (house): 1, .7071 | s1 (sun): 0, .7071. Rows hit; columns: 0 -> 0, 1 ties -> 0
  // (miss). true (1 + .7071) / 2; shuffled (.7071 + 0) / 2.
  DenseMatrix m(4, 2);
  m.data = {2, 0, 3, 0, 0, 1, 1, 1};
  const ModelSpec spec = ModelSpec::parse("static:toy?normalize=false");
  StaticEncoder encoder(spec, WordVectors({"house", "haus", "sun", "sonne"}, m));
  const BitextPairs pairs{{"house", "sun"}, {"haus", "sonne"}};
  const AlignmentScores a = probe_alignment(encoder, spec, pairs);
  EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, 1.0);
  EXPECT_DOUBLE_EQ(a.accuracy_tgt_to_src, 0.5);
  EXPECT_NEAR(a.mean_cos_true, (1 + 1 / std::sqrt(2.0)) / 2, 1e-7);
  EXPECT_NEAR(a.mean_cos_shuffled, 1 / std::sqrt(2.0) / 2, 1e-7);
}

TEST(AlignmentProbe, Bm25IsFittedOnBothSidesAndComparedSparse) {
  // Each pair is one text twice, and no two pairs share a word: identical weight vectors
  // (cos 1) on the diagonal, 0 elsewhere, so every accuracy is 1 and the shuffled cosine 0.
  Bm25Encoder encoder(Bm25Params{}, 1);
  const BitextPairs pairs{{"alpha beta", "gamma", "delta epsilon epsilon"},
                          {"alpha beta", "gamma", "delta epsilon epsilon"}};
  const AlignmentScores a = probe_alignment(encoder, ModelSpec::parse("bm25"), pairs);
  EXPECT_DOUBLE_EQ(a.accuracy_src_to_tgt, 1.0);
  EXPECT_DOUBLE_EQ(a.accuracy_tgt_to_src, 1.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_src_to_tgt, 1.0);
  EXPECT_DOUBLE_EQ(a.margin_accuracy_tgt_to_src, 1.0);
  EXPECT_NEAR(a.mean_cos_true, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(a.mean_cos_shuffled, 0.0);
  EXPECT_EQ(a.zero_sources, 0u);
}

}  // namespace
}  // namespace embeval
