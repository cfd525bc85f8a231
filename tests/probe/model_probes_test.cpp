// eval --probes' library call: the hubness of a batch worked out by hand (dense and sparse give
// the same graph), the probe list parser, and planted effects on a six-document dataset whose
// figures are known exactly: casing is invisible to BM25's folding analyzer (delta exactly 0)
// and costs everything under analyzer=whitespace (delta exactly -1 at rate 1); a word-vector
// model's unknown tokens counted by hand; BM25 has no vocabulary to miss (skipped, with reason).
#include "embeval/probe/model_probes.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "embeval/core/error.h"
#include "embeval/models/registry.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// Rows e1 = (1, 0), e2 = (1, 1)/sqrt2, e3 = (0, 1), z = 0. k = 1: e1 -> e2 (cos 0.707 vs 0),
// e3 -> e2, e2 -> e1 (tie with e3 at 0.707, the smaller row wins), z -> nothing (zero).
// N_1 = (1, 2, 0, 0): mean 0.75, central moments m2 = 2.75 / 4, m3 = 1.125 / 4.
void expect_planted_graph(const Hubness& h, std::size_t zeros) {
  EXPECT_EQ(zeros, 1u);
  EXPECT_EQ(h.points, 4u);
  EXPECT_DOUBLE_EQ(h.mean_occurrence, 0.75);
  EXPECT_NEAR(h.skewness, (1.125 / 4) / std::pow(2.75 / 4, 1.5), 1e-12);
  EXPECT_DOUBLE_EQ(h.antihub_share, 0.5);
  EXPECT_EQ(h.max_occurrence, 2u);
  ASSERT_FALSE(h.hubs.empty());
  EXPECT_EQ(h.hubs[0].first, 1);  // e2
}

TEST(ModelProbes, DenseBatchHubnessByHand) {
  EmbeddingBatch b;
  b.dense = DenseMatrix(4, 2);
  const float s = static_cast<float>(1 / std::sqrt(2.0));
  const float rows[4][2] = {{1, 0}, {s, s}, {0, 1}, {0, 0}};
  for (std::size_t i = 0; i < 4; ++i) {
    b.dense->row(i)[0] = rows[i][0];
    b.dense->row(i)[1] = rows[i][1];
  }
  std::size_t zeros = 0;
  const Hubness h = batch_hubness(b, 1, 1, &zeros);
  expect_planted_graph(h, zeros);
}

TEST(ModelProbes, SparseBatchHubnessGivesTheSameGraph) {
  EmbeddingBatch b;
  b.sparse = SparseMatrix{};
  b.sparse->dim = 2;
  const std::vector<std::uint32_t> t0 = {0}, t01 = {0, 1}, t1 = {1}, none = {};
  const std::vector<float> w1 = {1}, w11 = {1, 1}, w0 = {};
  b.sparse->append_row(t0, w1);
  b.sparse->append_row(t01, w11);
  b.sparse->append_row(t1, w1);
  b.sparse->append_row(none, w0);
  b.sparse->rows = 4;
  std::size_t zeros = 0;
  const Hubness h = batch_hubness(b, 1, 2, &zeros);
  expect_planted_graph(h, zeros);
}

TEST(ModelProbes, ParsesProbeLists) {
  EXPECT_EQ(parse_model_probes(""), all_model_probes());
  EXPECT_EQ(parse_model_probes("all"), all_model_probes());
  EXPECT_EQ(parse_model_probes("hubness,tokens,hubness"),
            (std::vector<ModelProbeKind>{ModelProbeKind::kHubness, ModelProbeKind::kTokens}));
  EXPECT_THROW((void)parse_model_probes("robustness,speed"), InputError);
  EXPECT_THROW((void)parse_model_probes("robustness,"), InputError);
}

Dataset planted_dataset() {
  Dataset d;
  d.name = "planted";
  const std::vector<std::pair<std::string, std::string>> docs = {
      {"d1", "copy files and directories"},   {"d2", "remove files or directories"},
      {"d3", "list directory contents"},      {"d4", "move rename files"},
      {"d5", "print working directory name"}, {"d6", "change file timestamps"}};
  for (const auto& [id, text] : docs) d.corpus.push_back({id, "", text});
  const std::vector<std::pair<std::string, std::string>> queries = {
      {"q1", "copy files"},   {"q2", "remove directories"},      {"q3", "list contents"},
      {"q4", "rename files"}, {"q5", "print working directory"}, {"q6", "change timestamps"}};
  for (std::size_t i = 0; i < queries.size(); ++i) {
    d.queries.push_back({queries[i].first, queries[i].second});
    d.qrels.judgments[queries[i].first][docs[i].first] = 1;
  }
  return d;
}

ModelProbes probe(const std::string& spec, const ModelProbeSettings& settings) {
  const Dataset dataset = planted_dataset();
  auto encoder = make_encoder(ModelSpec::parse(spec));
  if (auto* fitted = dynamic_cast<CorpusFittedEncoder*>(encoder.get())) {
    std::vector<std::string_view> texts;
    for (const auto& d : dataset.corpus) texts.push_back(d.text);
    fitted->fit(texts);
  }
  return run_model_probes(*encoder, ModelSpec::parse(spec), dataset, settings, nullptr, 1);
}

ModelProbeSettings casing_at_rate_one() {
  ModelProbeSettings s;
  s.kinds = all_model_probes();
  s.families = {PerturbationFamily::casing};
  s.rate = 1.0;  // every word edited
  s.bootstrap_samples = 200;
  return s;
}

TEST(ModelProbes, CasingIsInvisibleToAFoldingAnalyzerAndFatalWithoutOne) {
  const ModelProbes english = probe("bm25", casing_at_rate_one());
  ASSERT_EQ(english.robustness.size(), 1u);
  EXPECT_EQ(english.robustness[0].family, PerturbationFamily::casing);
  EXPECT_EQ(english.robustness[0].ndcg10_original, 1.0);  // each query's words are its document's
  EXPECT_EQ(english.robustness[0].delta_ndcg10, 0.0);
  EXPECT_EQ(english.robustness[0].cosine_mean, 1.0);
  EXPECT_EQ(english.model, "bm25?analyzer=english&b=0.4&k1=0.9");
  EXPECT_EQ(english.sampled_documents, 6u);
  EXPECT_EQ(english.sample_step, 1u);
  // BM25 has neither a subword tokenizer nor a vocabulary to miss: skipped, with the reason.
  EXPECT_FALSE(english.tokens.has_value());
  ASSERT_EQ(english.skipped.size(), 1u);
  EXPECT_EQ(english.skipped[0].first, "tokens");
  ASSERT_TRUE(english.hubness.has_value());
  EXPECT_EQ(english.hubness->hubness.points, 6u);
  EXPECT_EQ(english.hubness->hub_documents.size(), english.hubness->hubness.hubs.size());

  const ModelProbes whitespace = probe("bm25?analyzer=whitespace", casing_at_rate_one());
  ASSERT_EQ(whitespace.robustness.size(), 1u);
  // Every word upper-cased or capitalised: no perturbed term is in the index.
  EXPECT_EQ(whitespace.robustness[0].ndcg10_perturbed, 0.0);
  EXPECT_EQ(whitespace.robustness[0].delta_ndcg10, -1.0);
  EXPECT_EQ(whitespace.robustness[0].robustness_at_10, 0.0);
}

TEST(ModelProbes, WordVectorModelCountsUnknownTokensOnTheSample) {
  const testing::TempDir dir("embeval-model-probes");
  const auto file = dir / "w.txt";
  {
    std::ofstream out(file);
    out << "6 2\ncopy 1 0\nfiles 0 1\ndirectories 1 1\nremove 1 -1\nlist -1 1\ndirectory 1 2\n";
  }
  ModelProbeSettings s;
  s.kinds = {ModelProbeKind::kTokens};
  const ModelProbes p = probe("static:" + file.string() + "?pooling=mean", s);
  ASSERT_TRUE(p.tokens.has_value());
  EXPECT_EQ(p.tokens->source, "vocabulary");
  EXPECT_EQ(p.tokens->texts, 6u);
  // 4 + 4 + 3 + 3 + 4 + 3 words, each one token; without a vector: and | or | contents |
  // move, rename | print, working, name | change, file, timestamps = 1 + 1 + 1 + 2 + 3 + 3.
  EXPECT_EQ(p.tokens->words, 21u);
  EXPECT_EQ(p.tokens->tokens, 21u);
  EXPECT_EQ(p.tokens->unknown_tokens, 11u);
  EXPECT_DOUBLE_EQ(p.tokens->unknown_share(), 11.0 / 21.0);
  EXPECT_TRUE(p.robustness.empty());
  EXPECT_FALSE(p.hubness.has_value());
  EXPECT_TRUE(p.skipped.empty());
}

}  // namespace
}  // namespace embeval
