// End-to-end: `embeval probe neighbours` with word-vector files built here and the real WordNet
// files of Debian wordnet-base: a file where "car"'s nearest word is "automobile" (WordNet
// synonyms: related share 1) and one where it is "banana" (share 0); the JSON's provenance keys;
// a truncated copy and a second model compared by Jaccard@k; BM25; bad input refused with
// status 2 before any JSON is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

using embeval::testing::read_file;
using embeval::testing::run_embeval;
using embeval::testing::shell_quote;

class ProbeNeighboursCli : public ::testing::Test {
 protected:
  void SetUp() override {
    // word2vec text. good: car -> automobile (cos 0.994), bank (0.287), banana (0.050); mouse 0.
    dir_.write("good.txt",
               "5 3\ncar 1 0 0\nautomobile 0.9 0.1 0\nbanana 0.05 1 0\nbank 0.3 0 1\n"
               "mouse 0 0.9 0.1\n");
    // bad: the same words with car -> banana.
    dir_.write("bad.txt",
               "5 3\ncar 1 0 0\nautomobile 0 1 0\nbanana 0.9 0.1 0\nbank 0 0 1\n"
               "mouse 0 0.9 0.1\n");
    dir_.write("words.txt", "# probe words\ncar\n");
  }

  std::string probe(const std::string& model, const std::string& extra) const {
    return "probe neighbours --model " + shell_quote("static:" + (dir_ / model).string()) +
           " --words " + shell_quote((dir_ / "words.txt").string()) + " " + extra;
  }

  nlohmann::json json(const std::string& name) const {
    return nlohmann::json::parse(read_file(dir_ / name));
  }

  embeval::testing::TempDir dir_{"embeval-probe-neighbours"};
};

TEST_F(ProbeNeighboursCli, CarsNearestIsItsWordNetSynonym) {
  const auto r =
      run_embeval(probe("good.txt", "--k 1 --json " + shell_quote((dir_ / "g.json").string())));
  ASSERT_EQ(r.status, 0) << r.output();
  const nlohmann::json j = json("g.json");
  EXPECT_EQ(j["k"], 1);
  EXPECT_EQ(j["seed"], 42);
  EXPECT_EQ(j["words"]["source"], "file:" + (dir_ / "words.txt").string());
  EXPECT_EQ(j["words"]["probed"], 1);
  EXPECT_EQ(j["space"]["kind"], "vocabulary");
  EXPECT_EQ(j["space"]["candidates"], 5);
  EXPECT_EQ(j["neighbours"][0]["neighbours"][0]["word"], "automobile");
  EXPECT_EQ(j["judged_pairs"], 1);
  EXPECT_DOUBLE_EQ(j["related_share"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["intrusion_rate"].get<double>(), 0.0);
  EXPECT_NE(j["model"].get<std::string>().find("format=word2vec-text"), std::string::npos);
  EXPECT_TRUE(j["overlap"].is_null());
  // bank's nearest: car (0.3 / 1.044 = 0.2874) before automobile (0.27 / 0.9454 = 0.2856);
  // python has no vector.
  ASSERT_EQ(j["polysemy"].size(), 2u);
  EXPECT_EQ(j["polysemy"][0]["neighbours"][0]["word"], "car");
  EXPECT_NE(r.out.find("related share 1.0000, intrusion rate 0.0000"), std::string::npos) << r.out;
}

TEST_F(ProbeNeighboursCli, AnUnrelatedNearestIsAnIntruder) {
  const auto r =
      run_embeval(probe("bad.txt", "--k 1 --json " + shell_quote((dir_ / "b.json").string())));
  ASSERT_EQ(r.status, 0) << r.output();
  const nlohmann::json j = json("b.json");
  EXPECT_EQ(j["neighbours"][0]["neighbours"][0]["word"], "banana");
  EXPECT_DOUBLE_EQ(j["related_share"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["intrusion_rate"].get<double>(), 1.0);
}

TEST_F(ProbeNeighboursCli, JaccardAgainstASecondModelAndATruncatedCopy) {
  // k = 2 over the vocabulary. good: car -> automobile, bank. bad: car -> banana (0.994; the
  // others are orthogonal). Jaccard {automobile, bank} vs {banana} = 0.
  const auto r = run_embeval(
      probe("good.txt", "--k 2 --compare " + shell_quote("static:" + (dir_ / "bad.txt").string()) +
                            " --json " + shell_quote((dir_ / "c.json").string())));
  ASSERT_EQ(r.status, 0) << r.output();
  const nlohmann::json j = json("c.json");
  EXPECT_EQ(j["overlap"]["words"], 1);
  EXPECT_DOUBLE_EQ(j["overlap"]["mean_jaccard"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["overlap"]["related_share"].get<double>(), 0.0);
  // dims=1: car, automobile, banana and bank all become (1): car -> automobile, banana (ties to
  // the smaller row). Jaccard {automobile, bank} vs {automobile, banana} = 1/3.
  const auto d = run_embeval(probe(
      "good.txt", "--k 2 --quantize dims=1 --json " + shell_quote((dir_ / "d.json").string())));
  ASSERT_EQ(d.status, 0) << d.output();
  EXPECT_DOUBLE_EQ(json("d.json")["overlap"]["mean_jaccard"].get<double>(), 1.0 / 3.0);
  EXPECT_EQ(json("d.json")["overlap"]["against"], "dims=1");
}

TEST_F(ProbeNeighboursCli, WordNetLemmasSampledWithASeed) {
  const auto r = run_embeval(probe("good.txt", "")
                                 .replace(probe("good.txt", "").find("--words"), std::string::npos,
                                          "--lexicon wordnet --sample 50 --seed 7 --json " +
                                              shell_quote((dir_ / "w.json").string())));
  ASSERT_EQ(r.status, 0) << r.output();
  const nlohmann::json j = json("w.json");
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["words"]["sampled"], 50);
  EXPECT_EQ(j["words"]["probed"], 50);
  EXPECT_GT(j["words"]["available"].get<int>(), 50000);  // WordNet 3.0's single-word lemmas
  EXPECT_EQ(j["words"]["source"].get<std::string>().rfind("wordnet:", 0), 0u);
}

TEST_F(ProbeNeighboursCli, Bm25NeighboursShareATerm) {
  dir_.write("phrases.txt", "car\ncar park\npark\nbanana\n");
  const auto r = run_embeval("probe neighbours --model bm25 --words " +
                             shell_quote((dir_ / "phrases.txt").string()) + " --json " +
                             shell_quote((dir_ / "bm25.json").string()));
  ASSERT_EQ(r.status, 0) << r.output();
  const nlohmann::json j = json("bm25.json");
  EXPECT_EQ(j["space"]["kind"], "words");
  EXPECT_EQ(j["neighbours"][0]["neighbours"].size(), 1u);  // car -> car park
  EXPECT_EQ(j["neighbours"][0]["neighbours"][0]["word"], "car park");
  EXPECT_EQ(j["neighbours"][3]["neighbours"].size(), 0u);  // banana shares nothing
  // Within the 4 words: car park is named by car and park, car and park by car park: N_k =
  // (1, 2, 1, 0), mean 1; deviations (0, 1, 0, -1): m3 = 0, skewness 0; one antihub.
  EXPECT_DOUBLE_EQ(j["hubness"]["skewness"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["hubness"]["antihub_share"].get<double>(), 0.25);
}

TEST_F(ProbeNeighboursCli, BadInputIsRefusedBeforeAnyJson) {
  const std::string out = " --json " + shell_quote((dir_ / "x.json").string());
  const auto q = run_embeval(probe("good.txt", "--quantize int4" + out));
  EXPECT_EQ(q.status, 2) << q.output();
  EXPECT_NE(q.err.find("unknown quantisation 'int4'"), std::string::npos) << q.err;
  const auto both = run_embeval(probe("good.txt", "--lexicon wordnet" + out));
  EXPECT_EQ(both.status, 2) << both.output();
  const auto dims = run_embeval(probe("good.txt", "--quantize dims=4" + out));
  EXPECT_EQ(dims.status, 2) << dims.output();
  dir_.write("empty.txt", "# nothing\n");
  const auto empty = run_embeval("probe neighbours --model bm25 --words " +
                                 shell_quote((dir_ / "empty.txt").string()) + out);
  EXPECT_EQ(empty.status, 2) << empty.output();
  EXPECT_NE(empty.err.find("holds no word"), std::string::npos) << empty.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.json"));
}

}  // namespace
