// The robustness probe: the summary of per-query figures computed by hand, and planted effects
// with a known sign and size on a six-document BM25 dataset built here: casing changes nothing
// under a case-folding analyzer (cosine exactly 1, delta exactly 0) and everything under
// analyzer=whitespace (every perturbed term is unknown: nDCG@10 from 1 to 0); determiners are
// stopwords of the english analyzer (delta exactly 0); typos hurt.
#include "embeval/probe/robustness.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "embeval/core/error.h"
#include "embeval/models/registry.h"

namespace embeval {
namespace {

TEST(RobustnessSummary, HandComputedMeansPercentileAndRobustness) {
  // cos, overlap, nDCG original, nDCG perturbed
  const std::vector<QueryRobustness> q = {
      {1.0, 1.0, 1.0, 0.5}, {0.5, 0.3, 0.0, 0.2}, {0.8, 0.6, 0.6, 0.6}, {0.2, 0.1, 0.4, 0.0}};
  const FamilyRobustness f = summarize_family(PerturbationFamily::typo, 0.25, q, 3, 1000, 5);
  EXPECT_EQ(f.queries, 4u);
  EXPECT_EQ(f.perturbed_queries, 3u);
  EXPECT_DOUBLE_EQ(f.rate, 0.25);
  EXPECT_DOUBLE_EQ(f.cosine_mean, 2.5 / 4);
  EXPECT_DOUBLE_EQ(f.cosine_p5, 0.2);  // ceil(0.05 * 4) = 1st smallest
  EXPECT_DOUBLE_EQ(f.top10_overlap, 2.0 / 4);
  EXPECT_DOUBLE_EQ(f.ndcg10_original, 2.0 / 4);
  EXPECT_DOUBLE_EQ(f.ndcg10_perturbed, 1.3 / 4);
  EXPECT_NEAR(f.delta_ndcg10, -0.175, 1e-15);  // (-0.5 + 0.2 + 0 - 0.4) / 4
  EXPECT_DOUBLE_EQ(f.robustness_at_10, (0.5 + 0.0 + 0.6 + 0.0) / 4);
  // A bootstrap mean of d lies between the smallest and the largest d.
  EXPECT_GE(f.delta_ci_low, -0.5);
  EXPECT_LE(f.delta_ci_low, f.delta_ci_high);
  EXPECT_LE(f.delta_ci_high, 0.2);
}

TEST(RobustnessSummary, FifthPercentileIsTheNearestRank) {
  std::vector<QueryRobustness> q(21);
  for (std::size_t i = 0; i < q.size(); ++i) q[i].cosine = 1.0 - 0.01 * static_cast<double>(i);
  // n = 21: ceil(1.05) = 2nd smallest = 1 - 0.19.
  EXPECT_DOUBLE_EQ(summarize_family(PerturbationFamily::casing, 1, q, 0, 100, 1).cosine_p5,
                   1.0 - 0.19);
  q.pop_back();  // n = 20: ceil(1.0) = 1st smallest
  EXPECT_DOUBLE_EQ(summarize_family(PerturbationFamily::casing, 1, q, 0, 100, 1).cosine_p5,
                   1.0 - 0.19);
}

// Six documents, each query's own document holds all its words, so every original query ranks
// its document first: nDCG@10 = 1 for each.
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

RobustnessReport run_probe(const std::string& spec, PerturbationFamily family, double rate = 1.0,
                           std::uint64_t seed = 42) {
  auto encoder = make_encoder(spec);
  RobustnessConfig config;
  config.families = {family};
  config.rate = rate;
  config.seed = seed;
  config.threads = 1;
  config.bootstrap_samples = 1000;
  return probe_robustness(*encoder, planted_dataset(), config, nullptr);
}

TEST(RobustnessBm25, CasingChangesNothingUnderAFoldingAnalyzer) {
  for (const std::string spec : {"bm25?analyzer=standard", "bm25"}) {
    const FamilyRobustness f = run_probe(spec, PerturbationFamily::casing).families.at(0);
    EXPECT_EQ(f.queries, 6u);
    EXPECT_EQ(f.perturbed_queries, 6u);  // every text changed ...
    EXPECT_EQ(f.cosine_mean, 1.0);       // ... and not one weight
    EXPECT_EQ(f.cosine_p5, 1.0);
    EXPECT_EQ(f.top10_overlap, 1.0);
    EXPECT_EQ(f.ndcg10_original, 1.0);
    EXPECT_EQ(f.ndcg10_perturbed, 1.0);
    EXPECT_EQ(f.delta_ndcg10, 0.0);
    EXPECT_EQ(f.delta_ci_low, 0.0);
    EXPECT_EQ(f.delta_ci_high, 0.0);
    EXPECT_EQ(f.robustness_at_10, 1.0);
  }
}

TEST(RobustnessBm25, CasingBreaksAnalyzerWhitespace) {
  // Rate 1: every word is upper-cased or capitalised, so no query term is in the lower-case
  // corpus: no hit, nDCG@10 0, a zero query vector (cosine 0 with the original), no overlap.
  const FamilyRobustness f =
      run_probe("bm25?analyzer=whitespace", PerturbationFamily::casing).families.at(0);
  EXPECT_EQ(f.ndcg10_original, 1.0);
  EXPECT_EQ(f.ndcg10_perturbed, 0.0);
  EXPECT_EQ(f.delta_ndcg10, -1.0);
  EXPECT_EQ(f.delta_ci_low, -1.0);
  EXPECT_EQ(f.delta_ci_high, -1.0);
  EXPECT_EQ(f.cosine_mean, 0.0);
  EXPECT_EQ(f.top10_overlap, 0.0);
  EXPECT_EQ(f.robustness_at_10, 0.0);
}

TEST(RobustnessBm25, DeterminersAreStopwordsOfTheEnglishAnalyzer) {
  const FamilyRobustness f = run_probe("bm25", PerturbationFamily::determiner).families.at(0);
  EXPECT_EQ(f.perturbed_queries, 6u);
  EXPECT_EQ(f.cosine_mean, 1.0);
  EXPECT_EQ(f.delta_ndcg10, 0.0);
  // Under analyzer=standard "the" and "a" are terms, but in no document of this corpus: a query
  // term the corpus lacks has no weight, so the vectors stay equal here too.
  const FamilyRobustness s =
      run_probe("bm25?analyzer=standard", PerturbationFamily::determiner).families.at(0);
  EXPECT_EQ(s.cosine_mean, 1.0);
  EXPECT_EQ(s.delta_ndcg10, 0.0);
}

TEST(RobustnessBm25, TyposHurt) {
  const FamilyRobustness f =
      run_probe("bm25?analyzer=standard", PerturbationFamily::typo).families.at(0);
  EXPECT_EQ(f.perturbed_queries, 6u);
  EXPECT_LT(f.cosine_mean, 1.0);
  EXPECT_LT(f.delta_ndcg10, -0.3);
  EXPECT_LT(f.delta_ci_high, 0.0);
  EXPECT_LT(f.robustness_at_10, f.ndcg10_original);
}

TEST(Robustness, SameSeedSameReportAndJsonKeys) {
  const RobustnessReport a = run_probe("bm25", PerturbationFamily::typo, 0.5, 9);
  const RobustnessReport b = run_probe("bm25", PerturbationFamily::typo, 0.5, 9);
  EXPECT_EQ(robustness_json(a), robustness_json(b));
  const auto j = nlohmann::ordered_json::parse(robustness_json(a));
  EXPECT_EQ(j["seed"], 9);
  EXPECT_EQ(j["dataset"]["name"], "planted");
  const std::vector<std::string> keys = {
      "family",       "rate",          "queries",         "perturbed_queries", "cosine_mean",
      "cosine_p5",    "top10_overlap", "ndcg10_original", "ndcg10_perturbed",  "delta_ndcg10",
      "delta_ci_low", "delta_ci_high", "robustness_at_10"};
  std::vector<std::string> got;
  for (const auto& [key, value] : j["families"][0].items()) got.push_back(key);
  EXPECT_EQ(got, keys);
  EXPECT_NE(robustness_table(a).find("typo"), std::string::npos);
}

TEST(Robustness, BadInputsAreInputErrors) {
  auto encoder = make_encoder("bm25");
  RobustnessConfig config;
  config.rate = 0;
  EXPECT_THROW((void)probe_robustness(*encoder, planted_dataset(), config, nullptr), InputError);
  config.rate = 0.5;
  config.families = {PerturbationFamily::synonym};
  EXPECT_THROW((void)probe_robustness(*encoder, planted_dataset(), config, nullptr), InputError);
  config.families = {PerturbationFamily::typo};
  Dataset one = planted_dataset();
  one.queries.resize(1);
  EXPECT_THROW((void)probe_robustness(*encoder, one, config, nullptr), InputError);
}

}  // namespace
}  // namespace embeval
