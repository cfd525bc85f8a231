// eval --probes through the pipeline: each model's "probes" block in results.json with the model
// spec, seed and the dataset's provenance, read back exactly; planted effects with a known sign
// (casing: exactly 0 under BM25's folding analyzer, exactly -1 under analyzer=whitespace at
// rate 1); hybrids record every probe as skipped; a saved result is reused only when it carries
// probes computed with the same settings.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "embeval/pipeline/evaluation.h"
#include "embeval/pipeline/results_json.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

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

EvaluationConfig probing_config(const std::filesystem::path& out) {
  EvaluationConfig config;
  config.model_specs = {"bm25", "bm25?analyzer=whitespace",
                        "hybrid:rrf(bm25,bm25?analyzer=whitespace)"};
  config.out_dir = out;
  config.threads = 1;
  config.probes.kinds = all_model_probes();
  config.probes.families = {PerturbationFamily::casing, PerturbationFamily::swap};
  config.probes.rate = 1.0;
  config.probes.seed = 11;
  config.probes.bootstrap_samples = 200;
  return config;
}

TEST(EvalProbes, ResultsJsonCarriesEachModelsProbesWithProvenance) {
  const testing::TempDir dir("embeval-eval-probes");
  const EvaluationResults r = run_evaluation(planted_dataset(), dir / "in", probing_config(dir));
  ASSERT_EQ(r.models.size(), 3u);
  for (const ModelResult& m : r.models) ASSERT_TRUE(m.probes.has_value()) << m.label;

  const ModelProbes& english = *r.models[0].probes;
  ASSERT_EQ(english.robustness.size(), 2u);
  EXPECT_EQ(english.robustness[0].family, PerturbationFamily::casing);
  EXPECT_EQ(english.robustness[0].delta_ndcg10, 0.0);
  EXPECT_EQ(english.robustness[1].family, PerturbationFamily::swap);
  EXPECT_EQ(english.robustness[1].delta_ndcg10, 0.0);  // a bag of words: order is invisible
  // The probe's unperturbed nDCG@10 is eval's own (the same index searched).
  EXPECT_EQ(english.robustness[0].ndcg10_original, 1.0);
  const ModelProbes& whitespace = *r.models[1].probes;
  EXPECT_EQ(whitespace.robustness[0].delta_ndcg10, -1.0);
  EXPECT_EQ(whitespace.robustness[1].delta_ndcg10, 0.0);
  const ModelProbes& hybrid = *r.models[2].probes;
  EXPECT_TRUE(hybrid.robustness.empty());
  EXPECT_EQ(hybrid.skipped.size(), 3u);

  // results.json: the block with spec, seed and the dataset's fingerprint and files.
  nlohmann::json j;
  std::ifstream(dir / "results.json") >> j;
  const nlohmann::json& p = j.at("models").at(0).at("probes");
  EXPECT_EQ(p.at("model"), "bm25?analyzer=english&b=0.4&k1=0.9");
  EXPECT_EQ(p.at("seed"), 11);
  EXPECT_EQ(p.at("settings").at("families"), nlohmann::json({"casing", "swap"}));
  EXPECT_EQ(p.at("dataset").at("name"), "planted");
  EXPECT_EQ(p.at("dataset").at("split"), "test");
  EXPECT_EQ(p.at("dataset").at("fingerprint"), r.dataset_fingerprint);
  EXPECT_EQ(p.at("dataset").at("files").size(), r.dataset_files.size());
  EXPECT_EQ(p.at("robustness").at(0).at("delta_ndcg10"), 0.0);
  EXPECT_EQ(p.at("tokens"), nullptr);
  EXPECT_EQ(p.at("skipped").at(0).at("probe"), "tokens");
  EXPECT_EQ(p.at("hubness").at("points"), 6);

  // Read back: the same block, figure for figure.
  const EvaluationResults back = read_results_json(dir / "results.json");
  for (std::size_t i = 0; i < r.models.size(); ++i) {
    ASSERT_TRUE(back.models[i].probes.has_value());
    EXPECT_EQ(to_json(back.models[i]).at("probes"), to_json(r.models[i]).at("probes"));
  }
}

TEST(EvalProbes, ReusesSavedResultsOnlyWithTheSameProbeSettings) {
  const testing::TempDir dir("embeval-eval-probes-resume");
  EvaluationConfig config = probing_config(dir);
  config.model_specs = {"bm25"};
  (void)run_evaluation(planted_dataset(), dir / "in", config);
  const EvaluationResults again = run_evaluation(planted_dataset(), dir / "in", config);
  EXPECT_TRUE(again.models[0].resumed);
  ASSERT_TRUE(again.models[0].probes.has_value());
  EXPECT_EQ(again.models[0].probes->settings, config.probes);

  config.probes.seed = 12;  // other probes asked: the saved result lacks them
  const EvaluationResults reseeded = run_evaluation(planted_dataset(), dir / "in", config);
  EXPECT_FALSE(reseeded.models[0].resumed);
  EXPECT_EQ(reseeded.models[0].probes->settings.seed, 12u);

  config.probes.kinds.clear();  // no probes asked: any saved result will do
  EXPECT_TRUE(run_evaluation(planted_dataset(), dir / "in", config).models[0].resumed);
}

}  // namespace
}  // namespace embeval
