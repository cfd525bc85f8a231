// Every spec results.json and ann.json record rebuilds what it names: a small eval and ann run
// write their JSON, the test reads each spec back and checks that parsing and canonicalising it
// gives the same string (encoders through check_model_spec and a built encoder's spec(), indexes
// through canonical_index_spec), and that the index registry builds each index spec.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "ann/word_dataset.h"
#include "embeval/ann/index_registry.h"
#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/ann_evaluation.h"
#include "embeval/pipeline/ann_json.h"
#include "embeval/pipeline/evaluation.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class SpecRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = testing::write_word_dataset(dir_);
    BeirLoadOptions load;
    load.show_progress = false;
    dataset_ = load_beir(data_.beir, load);
  }

  json read_json(const fs::path& path) {
    std::ifstream in(path);
    EXPECT_TRUE(in) << path;
    return json::parse(in);
  }

  // An ann run over `model` with `indexes`, written to ann.json and read back.
  json ann_json(const std::string& model, std::vector<std::string> indexes) {
    AnnConfig config;
    config.model_spec = model;
    config.index_specs = std::move(indexes);
    config.sweep = true;
    config.truncation = {8};
    config.latency_queries = 3;
    config.out_dir = dir_ / "ann";
    fs::create_directories(config.out_dir);
    write_ann_json(config.out_dir / "ann.json", run_ann_evaluation(dataset_, config));
    return read_json(config.out_dir / "ann.json");
  }

  const testing::TempDir dir_{"embeval-spec-round-trip"};
  testing::WordDataset data_;
  Dataset dataset_;
};

void expect_model_spec_round_trips(const std::string& recorded) {
  SCOPED_TRACE(recorded);
  EXPECT_EQ(check_model_spec(ModelSpec::parse(recorded)), recorded);
  EXPECT_EQ(make_encoder(recorded)->spec(), recorded);
}

// Every index spec of an ann.json: each point list, the exact row, the sparse searches.
std::vector<std::string> index_specs_of(const json& ann) {
  std::vector<std::string> specs;
  for (const char* list : {"points", "truncation", "precision"}) {
    for (const auto& p : ann.at(list)) specs.push_back(p.at("index_spec").get<std::string>());
  }
  if (!ann.at("exact").is_null()) specs.push_back(ann.at("exact").at("index_spec"));
  if (!ann.at("sparse").is_null()) {
    for (const auto& s : ann.at("sparse").at("searches")) specs.push_back(s.at("index_spec"));
  }
  return specs;
}

void expect_index_spec_round_trips(const std::string& recorded) {
  SCOPED_TRACE(recorded);
  EXPECT_EQ(canonical_index_spec(recorded).to_string(), recorded);
  EXPECT_NE(make_ann_index(recorded, Metric::kInnerProduct), nullptr);
}

TEST_F(SpecRoundTrip, EveryModelSpecResultsJsonRecords) {
  EvaluationConfig config;
  config.model_specs = {"bm25", "bm25?k1=1.2&b=0.75&analyzer=standard",
                        "static:" + data_.vectors.string(),
                        "static:" + data_.vectors.string() + "?pooling=sif&sif_a=1e-4",
                        "static:" + data_.vectors.string() + "?pooling=tfidf&normalize=0"};
  config.out_dir = dir_ / "eval";
  config.threads = 1;
  (void)run_evaluation(dataset_, data_.beir, config);
  const json results = read_json(config.out_dir / "results.json");
  std::vector<std::string> specs;
  for (const auto& m : results.at("models")) specs.push_back(m.at("spec"));
  const std::string vectors = data_.vectors.string();
  // Defaults written out, the detected format recorded, one spelling per value (numbers as
  // std::to_chars writes them shortest: 1e-4 reads back exactly as 1e-04).
  EXPECT_EQ(specs, (std::vector<std::string>{
                       "bm25?analyzer=english&b=0.4&k1=0.9", "bm25?analyzer=standard&b=0.75&k1=1.2",
                       "static:" + vectors +
                           "?analyzer=standard&format=glove&max_words=0&normalize=true&pooling="
                           "mean&sif_a=0.001",
                       "static:" + vectors +
                           "?analyzer=standard&format=glove&max_words=0&normalize=true&pooling="
                           "sif&sif_a=1e-04",
                       "static:" + vectors +
                           "?analyzer=standard&format=glove&max_words=0&normalize=false&pooling="
                           "tfidf&sif_a=0.001"}));
  for (const auto& spec : specs) expect_model_spec_round_trips(spec);
}

TEST_F(SpecRoundTrip, EveryIndexAndModelSpecAnnJsonRecords) {
  const json dense = ann_json("static:" + data_.vectors.string() + "?pooling=mean",
                              {"flat", "HNSW?M=8", "ivf_flat?nlist=4", "ivf_pq?nlist=4&m=4&nbits=4",
                               "binary?rescore=5", "binary_ivf?nlist=4"});
  expect_model_spec_round_trips(dense.at("model").at("spec"));
  const std::vector<std::string> specs = index_specs_of(dense);
  // The oracle and the truncation rows are specs of the registry's exact index; the swept rows
  // record their search parameter.
  const std::set<std::string> all(specs.begin(), specs.end());
  for (const char* expected :
       {"exact?dim=auto", "exact?dim=8", "flat", "flat_f16", "flat_int8",
        "hnsw?M=8&efConstruction=200&efSearch=16", "hnsw?M=8&efConstruction=200&efSearch=512",
        "ivf_flat?nlist=4&nprobe=1", "ivf_pq?m=4&nbits=4&nlist=4&nprobe=4",
        "binary?pad=0&rescore=5", "binary?pad=1&rescore=10",
        "binary_ivf?nlist=4&nprobe=2&pad=0&rescore=0"}) {
    EXPECT_EQ(all.count(expected), 1u) << expected;
  }
  for (const auto& spec : specs) expect_index_spec_round_trips(spec);

  const json sparse = ann_json("bm25", {});
  expect_model_spec_round_trips(sparse.at("model").at("spec"));
  EXPECT_EQ(index_specs_of(sparse), (std::vector<std::string>{"inverted?strategy=maxscore",
                                                              "inverted?strategy=exhaustive"}));
  for (const auto& spec : index_specs_of(sparse)) expect_index_spec_round_trips(spec);
}

TEST_F(SpecRoundTrip, EvalBuildsTheIndexTheRegistryNamesForEachRepresentation) {
  EmbeddingBatch sparse, dense, chunks;
  sparse.sparse = SparseMatrix{};
  dense.dense = DenseMatrix(1, 4);
  chunks.multi = MultiVectorMatrix{};
  EXPECT_EQ(index_spec_for(sparse).to_string(), "inverted?strategy=maxscore");
  EXPECT_EQ(index_spec_for(dense).to_string(), "exact?dim=auto");
  EXPECT_EQ(index_spec_for(chunks).to_string(), "chunk_max");
  EXPECT_THROW((void)index_spec_for(EmbeddingBatch{}), InputError);
  // Only dense indexes are measured by `ann`.
  EXPECT_THROW((void)check_index_for_data(canonical_index_spec("inverted"), 16, 300), InputError);
  EXPECT_THROW((void)check_index_for_data(canonical_index_spec("chunk_max"), 16, 300), InputError);
  EXPECT_THROW((void)make_ann_index("inverted", Metric::kCosine), InputError);
}

}  // namespace
}  // namespace embeval
