// GGUF specs results.json and ann.json record read back as the same canonical string: eval over
// a tiny model, plain and split into windows (chunk_agg=max, searched by the registry's
// chunk_max index), and ann over the plain one.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embeval/ann/index_registry.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/ann_evaluation.h"
#include "embeval/pipeline/ann_json.h"
#include "embeval/pipeline/evaluation.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

using nlohmann::json;
using testing_gguf::tiny_model;
using testing_gguf::work_dir;

Dataset small_dataset() {
  Dataset d;
  d.name = "small";
  d.corpus = {{"d1", "", "one two three four five six seven eight nine ten eleven twelve"},
              {"d2", "", "the cat sat on the mat"},
              {"d3", "", "model retrieval of documents with embedding vectors and search"},
              {"d4", "", "short"}};
  d.queries = {{"q1", "seven eight"}, {"q2", "cat on a mat"}, {"q3", "vector search"}};
  d.qrels.judgments["q1"] = {{"d1", 1}};
  d.qrels.judgments["q2"] = {{"d2", 1}};
  d.qrels.judgments["q3"] = {{"d3", 1}};
  return d;
}

json read_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  return json::parse(in);
}

void expect_model_spec_round_trips(const std::string& recorded) {
  SCOPED_TRACE(recorded);
  EXPECT_EQ(check_model_spec(ModelSpec::parse(recorded)), recorded);
  EXPECT_EQ(make_encoder(recorded)->spec(), recorded);
}

TEST(GgufSpecRoundTrip, EveryGgufSpecResultsJsonAndAnnJsonRecord) {
  const std::string model = "gguf:" + tiny_model("tiny-bert-mean.gguf").string();
  const std::filesystem::path dir = work_dir() / "spec-round-trip";
  std::filesystem::remove_all(dir);

  EvaluationConfig config;
  config.model_specs = {model, model + "?window=8&stride=4&chunk_agg=max"};
  config.out_dir = dir / "eval";
  config.threads = 1;
  (void)run_evaluation(small_dataset(), "small", config);
  const json results = read_json(config.out_dir / "results.json");
  ASSERT_EQ(results.at("models").size(), 2u);
  for (const auto& m : results.at("models")) expect_model_spec_round_trips(m.at("spec"));
  // The header's defaults are written out; causal and stride stay as given.
  const std::string windows = results.at("models").at(1).at("spec");
  EXPECT_NE(windows.find("chunk_agg=max"), std::string::npos) << windows;
  EXPECT_NE(windows.find("flash_attn=false"), std::string::npos) << windows;
  EXPECT_NE(windows.find("pooling=mean"), std::string::npos) << windows;
  EXPECT_NE(windows.find("stride=4"), std::string::npos) << windows;
  EXPECT_EQ(windows.find("causal"), std::string::npos) << windows;

  AnnConfig ann;
  ann.model_spec = model;
  ann.index_specs = {"flat", "hnsw?M=4"};
  ann.truncation = {8};
  ann.latency_queries = 2;
  ann.out_dir = dir / "ann";
  std::filesystem::create_directories(ann.out_dir);
  write_ann_json(ann.out_dir / "ann.json", run_ann_evaluation(small_dataset(), ann));
  const json j = read_json(ann.out_dir / "ann.json");
  expect_model_spec_round_trips(j.at("model").at("spec"));
  std::size_t index_specs = 0;
  for (const char* list : {"points", "truncation", "precision"}) {
    for (const auto& p : j.at(list)) {
      const std::string spec = p.at("index_spec");
      EXPECT_EQ(canonical_index_spec(spec).to_string(), spec);
      ++index_specs;
    }
  }
  EXPECT_EQ(index_specs, 3u + 1u + 5u);  // exact, flat, hnsw; dim 8; five precisions
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace embeval
