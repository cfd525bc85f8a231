// Word-vector coverage end to end: eval records the words the vector file lost and the OOV rate
// measured on the corpus and queries, keeps them through results.json and a resumed run, and
// prints them; models without a word vocabulary record null.
#include "embeval/encoders/vocabulary_coverage.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "embeval/dataset/dataset.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/pipeline/results_json.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

class VocabularyCoverageEval : public ::testing::Test {
 protected:
  void SetUp() override {
    // GloVe rows: "the" twice (the repeat is dropped) and a word that is not UTF-8.
    vectors_ = dir_ / "vectors.txt";
    std::ofstream(vectors_, std::ios::binary)
        << "the 1 0\ncat 0 1\nthe 5 5\ndog 1 1\nbad\xFF 1 1\nsat 0.5 0.5\n";
    dataset_.name = "toy";
    // Document words: 7, of which "runs", "far" and "away" have no vector.
    dataset_.corpus = {{"d1", "", "The cat sat"}, {"d2", "", "dog runs far away"}};
    // Query words: 3, of which "zebra" has no vector.
    dataset_.queries = {{"q1", "cat zebra"}, {"q2", "dog"}};
    dataset_.qrels.judgments["q1"]["d1"] = 1;
    dataset_.qrels.judgments["q2"]["d2"] = 1;
    config_.model_specs = {"static:" + vectors_.string(), "bm25?analyzer=standard"};
    config_.out_dir = dir_ / "out";
  }

  embeval::testing::TempDir dir_{"embeval-vocab"};
  fs::path vectors_;
  Dataset dataset_;
  EvaluationConfig config_;
};

TEST_F(VocabularyCoverageEval, RecordsDroppedWordsAndOovRateAndKeepsThemOnResume) {
  const EvaluationResults first = run_evaluation(dataset_, dir_, config_);
  ASSERT_EQ(first.models.size(), 2u);
  ASSERT_TRUE(first.models[0].vocabulary.has_value());
  const VocabularyCoverage& c = *first.models[0].vocabulary;
  EXPECT_EQ(c.load.words_loaded, 4u);
  EXPECT_EQ(c.load.duplicate_words, 1u);
  EXPECT_EQ(c.load.invalid_utf8, 1u);
  EXPECT_EQ(c.load.empty_words, 0u);
  EXPECT_EQ(c.oov.document_tokens, 7u);
  EXPECT_EQ(c.oov.document_oov, 3u);
  EXPECT_EQ(c.oov.query_tokens, 3u);
  EXPECT_EQ(c.oov.query_oov, 1u);
  EXPECT_FALSE(first.models[1].vocabulary.has_value());  // bm25 has no word vectors

  // results.json records it (null for bm25) and reads it back.
  std::ifstream in(config_.out_dir / "results.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  const nlohmann::json& v = j.at("models").at(0).at("vocabulary");
  EXPECT_EQ(v.at("words_loaded"), 4);
  EXPECT_EQ(v.at("dropped").at("duplicate"), 1);
  EXPECT_EQ(v.at("dropped").at("invalid_utf8"), 1);
  EXPECT_DOUBLE_EQ(v.at("document_oov_share").get<double>(), 3.0 / 7.0);
  EXPECT_DOUBLE_EQ(v.at("query_oov_share").get<double>(), 1.0 / 3.0);
  EXPECT_TRUE(j.at("models").at(1).at("vocabulary").is_null());
  const EvaluationResults back = read_results_json(config_.out_dir / "results.json");
  EXPECT_EQ(back.models[0].vocabulary, first.models[0].vocabulary);

  // A resumed run reuses the saved result, coverage included.
  const EvaluationResults resumed = run_evaluation(dataset_, dir_, config_);
  ASSERT_TRUE(resumed.models[0].resumed);
  EXPECT_EQ(resumed.models[0].vocabulary, first.models[0].vocabulary);

  EXPECT_EQ(format_vocabulary_coverage("static-vectors", c),
            "static-vectors: 4 words loaded; dropped from the vector file: 1 duplicate, 0 empty, "
            "1 invalid UTF-8\n"
            "static-vectors: out of vocabulary: 33.33% of query words (1 of 3), 42.86% of "
            "document words (3 of 7)\n");
}

TEST_F(VocabularyCoverageEval, EvalPrintsCoverageUnderTheTable) {
  write_beir(dir_ / "beir", dataset_);
  const testing::CliResult out = testing::run_embeval(
      "eval --dataset " + (dir_ / "beir").string() + " --model static:" + vectors_.string() +
      " --model bm25 --out " + (dir_ / "cli").string());
  ASSERT_EQ(out.status, 0) << out.output();
  EXPECT_NE(
      out.output().find(": 4 words loaded; dropped from the vector file: 1 duplicate, 0 empty, "
                        "1 invalid UTF-8\n"),
      std::string::npos)
      << out.output();
  EXPECT_NE(out.output().find(": out of vocabulary: 33.33% of query words (1 of 3), 42.86% of "
                              "document words (3 of 7)\n"),
            std::string::npos)
      << out.output();
  EXPECT_EQ(out.output().find("bm25: out of vocabulary"), std::string::npos) << out.output();
}

TEST_F(VocabularyCoverageEval, InspectMeasuresStaticModelsOnTheDataset) {
  // inspect once ignored --dataset for static models (issue 9).
  write_beir(dir_ / "beir", dataset_);
  const testing::CliResult out =
      testing::run_embeval("inspect --model 'static:" + vectors_.string() +
                           "?pooling=sif' --dataset " + (dir_ / "beir").string());
  ASSERT_EQ(out.status, 0) << out.output();
  for (const char* line :
       {"vector file     4 words loaded; dropped 1 duplicate, 0 empty, 1 invalid UTF-8\n",
        "fit             ", "documents: 2 texts, 7 words, 7 tokens\n", "  tokens/word     1.000\n",
        "  out of vocab    42.8571% (3 tokens)\n", "queries: 2 texts, 3 words, 3 tokens\n",
        "  out of vocab    33.3333% (1 tokens)\n", "  throughput      ", "peak memory     "}) {
    EXPECT_NE(out.output().find(line), std::string::npos) << line << "\n" << out.output();
  }
  // The spec is printed canonically: every default written out.
  EXPECT_NE(out.output().find("?analyzer=standard&format=glove&max_words=0&normalize=true&"
                              "pooling=sif&sif_a=0.001"),
            std::string::npos)
      << out.output();
}

}  // namespace
}  // namespace embeval
