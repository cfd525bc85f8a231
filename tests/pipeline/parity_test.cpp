#include "embeval/pipeline/parity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

// One word per text, so a static model's vector of a text is the word's vector.
Dataset one_word_dataset() {
  Dataset d;
  d.name = "words";
  d.corpus = {{"d1", "", "alpha"}, {"d2", "", "beta"}, {"d3", "", "gamma"}, {"d4", "", "delta"}};
  d.queries = {{"q1", "alpha"}, {"q2", "beta"}};
  d.qrels.judgments["q1"] = {{"d1", 1}};
  d.qrels.judgments["q2"] = {{"d2", 2}, {"d3", 1}};
  return d;
}

struct Fixture {
  testing::TempDir dir{"embeval-parity"};
  fs::path dataset = dir.path() / "data";
  fs::path vectors_a = dir.path() / "a.txt";
  fs::path vectors_b = dir.path() / "b.txt";
  fs::path vectors_3d = dir.path() / "c.txt";
  Fixture() {
    write_beir(dataset, one_word_dataset());
    std::ofstream(vectors_a) << "4 2\nalpha 1 0\nbeta 0 1\ngamma 1 1\ndelta 1 -1\n";
    std::ofstream(vectors_b) << "4 2\nalpha 2 0\nbeta 1 1\ngamma 3 3\ndelta -1 1\n";
    std::ofstream(vectors_3d) << "4 3\nalpha 1 0 0\nbeta 0 1 0\ngamma 0 0 1\ndelta 1 1 1\n";
  }
  ParityConfig config(const fs::path& a, const fs::path& b) const {
    ParityConfig c;
    c.model_a = "static:" + a.string();
    c.model_b = "static:" + b.string();
    c.dataset_dir = dataset;
    c.threads = 1;
    return c;
  }
};

void expect_all_ones(const std::optional<CosineSummary>& s, std::size_t texts) {
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->texts, texts);
  EXPECT_EQ(s->min, 1.0);  // exactly: identical rows
  EXPECT_EQ(s->p1, 1.0);
  EXPECT_EQ(s->median, 1.0);
  EXPECT_EQ(s->mean, 1.0);
}

TEST(Parity, ModelWithItselfIsExactlyOne) {
  const Fixture f;
  const ParityResult r = run_parity(f.config(f.vectors_a, f.vectors_a));
  EXPECT_EQ(r.documents, 4u);
  EXPECT_EQ(r.queries, 2u);
  EXPECT_EQ(r.dim_a, 2u);
  expect_all_ones(r.document_cosine, 4);
  expect_all_ones(r.query_cosine, 2);
  EXPECT_EQ(r.overlap_k, 4u);  // min(10, documents)
  EXPECT_EQ(r.overlap_mean, 1.0);
  EXPECT_EQ(r.overlap_min, 1.0);
  EXPECT_EQ(r.ndcg.n_queries, 2u);
  EXPECT_EQ(r.ndcg.diff, 0.0);
  EXPECT_EQ(r.ndcg.ci_low, 0.0);
  EXPECT_EQ(r.ndcg.ci_high, 0.0);
  EXPECT_EQ(r.ndcg.mean_a, r.ndcg.mean_b);
  EXPECT_TRUE(r.notes.empty());
}

TEST(Parity, Bm25WithItselfIsExactlyOne) {
  const Fixture f;
  ParityConfig c = f.config(f.vectors_a, f.vectors_a);
  c.model_a = c.model_b = "bm25";
  const ParityResult r = run_parity(c);
  expect_all_ones(r.document_cosine, 4);
  expect_all_ones(r.query_cosine, 2);
  EXPECT_EQ(r.overlap_mean, 1.0);
  EXPECT_EQ(r.ndcg.diff, 0.0);
  // q1 finds d1 (the only "alpha"): nDCG 1. q2 finds d2 (grade 2) only, d3 (grade 1) never:
  // DCG = 2, IDCG = 2 + 1 / log2(3) (trec_eval's gains are the grades).
  const double q2 = 2.0 / (2.0 + 1.0 / std::log2(3.0));
  EXPECT_NEAR(r.ndcg.mean_a, (1.0 + q2) / 2.0, 1e-12);
}

// numpy.percentile(values, q) with its default linear interpolation, written out.
double numpy_percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1) * q / 100.0;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - std::floor(h)) * (v[hi] - v[lo]);
}

TEST(Parity, CosinesOfTwoModelsAreTheHandComputedOnes) {
  const Fixture f;
  const ParityResult r = run_parity(f.config(f.vectors_a, f.vectors_b));
  // A vs B per document: alpha (1,0)/(2,0) -> 1; beta (0,1)/(1,1) -> 1/sqrt(2);
  // gamma (1,1)/(3,3) -> 1; delta (1,-1)/(-1,1) -> -1. Queries: alpha 1, beta 1/sqrt(2).
  const double s = 1.0 / std::sqrt(2.0);
  const std::vector<double> docs{1.0, s, 1.0, -1.0};
  ASSERT_TRUE(r.document_cosine.has_value());
  const double tol = 1e-7;  // float32 unit vectors: a few float roundings per component
  EXPECT_NEAR(r.document_cosine->min, -1.0, tol);
  // numpy.percentile([-1, s, 1, 1], 1) = -1 + 0.03 (s + 1); the median (s + 1) / 2.
  EXPECT_NEAR(r.document_cosine->p1, -1.0 + 0.03 * (s + 1.0), tol);
  EXPECT_NEAR(r.document_cosine->p1, numpy_percentile(docs, 1), tol);
  EXPECT_NEAR(r.document_cosine->median, (s + 1.0) / 2.0, tol);
  EXPECT_NEAR(r.document_cosine->mean, (1.0 + s + 1.0 - 1.0) / 4.0, tol);
  ASSERT_TRUE(r.query_cosine.has_value());
  EXPECT_NEAR(r.query_cosine->min, s, tol);
  EXPECT_NEAR(r.query_cosine->p1, s + 0.01 * (1.0 - s), tol);
  EXPECT_NEAR(r.query_cosine->median, (s + 1.0) / 2.0, tol);
}

TEST(Parity, DifferentDimensionsGiveNoCosinesButRankings) {
  const Fixture f;
  const ParityResult r = run_parity(f.config(f.vectors_a, f.vectors_3d));
  EXPECT_EQ(r.dim_a, 2u);
  EXPECT_EQ(r.dim_b, 3u);
  EXPECT_FALSE(r.document_cosine.has_value());
  EXPECT_FALSE(r.query_cosine.has_value());
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("dimensions differ (A 2, B 3)"), std::string::npos) << r.notes[0];
  // Every dense model ranks all 4 documents in its top 4: overlap 1 for both queries.
  EXPECT_EQ(r.overlap_mean, 1.0);
  EXPECT_EQ(r.ndcg.n_queries, 2u);
}

TEST(Parity, SparseAgainstDenseComparesRankingsOnly) {
  const Fixture f;
  ParityConfig c = f.config(f.vectors_a, f.vectors_a);
  c.model_a = "bm25";
  const ParityResult r = run_parity(c);
  EXPECT_FALSE(r.document_cosine.has_value());
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("A gives sparse vectors and B dense"), std::string::npos);
  // bm25 finds one document per query, the static model all four: overlap 1/4 each.
  EXPECT_DOUBLE_EQ(r.overlap_mean, 0.25);
  EXPECT_DOUBLE_EQ(r.overlap_min, 0.25);
  // The static model: q1 (1,0) ranks alpha (1) first, then gamma and delta (1/sqrt 2 each, ties
  // to the smaller row: gamma) -> nDCG 1. q2 (0,1): beta 1, gamma 1/sqrt 2 second, delta last:
  // DCG = 2 + 1 / log2(3) = IDCG -> 1. bm25: 1 and 2 / (2 + 1 / log2 3).
  const double q2 = 2.0 / (2.0 + 1.0 / std::log2(3.0));
  EXPECT_NEAR(r.ndcg.mean_a, (1.0 + q2) / 2.0, 1e-12);
  EXPECT_NEAR(r.ndcg.mean_b, 1.0, 1e-12);
  EXPECT_NEAR(r.ndcg.diff, (q2 - 1.0) / 2.0, 1e-12);
  // Paired t with n = 2, d = (0, q2 - 1): sd = |q2 - 1| / sqrt 2, t(0.975, 1) = 12.7062.
  const double half = 12.706204736174698 * std::fabs(q2 - 1.0) / std::sqrt(2.0) / std::sqrt(2.0);
  EXPECT_NEAR(r.ndcg.ci_low, r.ndcg.diff - half, 1e-9);
  EXPECT_NEAR(r.ndcg.ci_high, r.ndcg.diff + half, 1e-9);
}

TEST(Parity, MaxTextsKeepsTheFirstTextsAndTheirJudgments) {
  const Fixture f;
  ParityConfig c = f.config(f.vectors_a, f.vectors_a);
  c.max_texts = 1;
  const ParityResult r = run_parity(c);
  EXPECT_EQ(r.documents, 1u);
  EXPECT_EQ(r.queries, 1u);
  EXPECT_EQ(r.ndcg.n_queries, 1u);
  EXPECT_EQ(r.ndcg.mean_a, 1.0);  // q1 -> d1, the one document left
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("the first 1 of 4 documents and 1 of 2 queries"), std::string::npos);
}

TEST(Parity, BadSpecFailsBeforeTheDatasetIsRead) {
  ParityConfig c;
  c.model_a = "bm25";
  c.model_b = "nosuchscheme:x";
  c.dataset_dir = "/nonexistent/dataset";
  EXPECT_THROW((void)run_parity(c), InputError);
  try {
    (void)run_parity(c);
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("/nonexistent/dataset"), std::string::npos) << e.what();
  }
}

TEST(Parity, JsonHoldsEveryFigure) {
  const Fixture f;
  const ParityResult r = run_parity(f.config(f.vectors_a, f.vectors_3d));
  const auto j = nlohmann::json::parse(parity_json(r));
  EXPECT_EQ(j["format"], "embeval-parity");
  EXPECT_EQ(j["version"], 1);
  EXPECT_EQ(j["a"]["dim"], 2);
  EXPECT_EQ(j["b"]["dim"], 3);
  EXPECT_TRUE(j["cosine"]["documents"].is_null());
  EXPECT_EQ(j["top_overlap"]["k"], 4);
  EXPECT_EQ(j["top_overlap"]["mean"], 1.0);
  EXPECT_EQ(j["ndcg_cut_10"]["n_queries"], 2);
  EXPECT_EQ(j["notes"].size(), 1u);
}

TEST(Parity, SummaryIsNumpysPercentile) {
  // numpy: np.percentile([0.5, 0.9, 0.99, 1.0, 0.7], [1, 50]) = [0.508, 0.9]
  const CosineSummary s = summarize_cosines({0.5, 0.9, 0.99, 1.0, 0.7});
  EXPECT_EQ(s.texts, 5u);
  EXPECT_EQ(s.min, 0.5);
  EXPECT_NEAR(s.p1, 0.508, 1e-15);
  EXPECT_EQ(s.median, 0.9);
  EXPECT_NEAR(s.mean, 0.818, 1e-15);
}

}  // namespace
}  // namespace embeval
