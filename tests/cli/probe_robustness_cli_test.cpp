// End-to-end: `embeval probe robustness` on a six-document BEIR folder written here. BM25 with
// the standard analyzer does not see casing (every figure exact) and does see typos; the JSON has
// the documented keys and provenance; bad flags stop with status 2 before any JSON is written.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

using embeval::testing::read_file;
using embeval::testing::run_embeval;
using embeval::testing::shell_quote;

class ProbeRobustnessCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("data/corpus.jsonl",
               "{\"_id\": \"d1\", \"title\": \"\", \"text\": \"copy files and directories\"}\n"
               "{\"_id\": \"d2\", \"title\": \"\", \"text\": \"remove files or directories\"}\n"
               "{\"_id\": \"d3\", \"title\": \"\", \"text\": \"list directory contents\"}\n"
               "{\"_id\": \"d4\", \"title\": \"\", \"text\": \"move rename files\"}\n"
               "{\"_id\": \"d5\", \"title\": \"\", \"text\": \"print working directory name\"}\n"
               "{\"_id\": \"d6\", \"title\": \"\", \"text\": \"change file timestamps\"}\n");
    dir_.write("data/queries.jsonl",
               "{\"_id\": \"q1\", \"text\": \"copy files\"}\n"
               "{\"_id\": \"q2\", \"text\": \"remove directories\"}\n"
               "{\"_id\": \"q3\", \"text\": \"list contents\"}\n"
               "{\"_id\": \"q4\", \"text\": \"rename files\"}\n"
               "{\"_id\": \"q5\", \"text\": \"print working directory\"}\n"
               "{\"_id\": \"q6\", \"text\": \"change timestamps\"}\n");
    dir_.write("data/qrels/test.tsv",
               "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq4\td4\t1\n"
               "q5\td5\t1\nq6\td6\t1\n");
  }

  std::string probe(const std::string& extra) const {
    return "probe robustness --model 'bm25?analyzer=standard' --dataset " +
           shell_quote((dir_ / "data").string()) + " " + extra;
  }

  embeval::testing::TempDir dir_{"embeval-probe-robustness"};
};

TEST_F(ProbeRobustnessCli, CasingIsInvisibleTyposAreNot) {
  const auto json = dir_ / "out.json";
  const auto r = run_embeval(probe("--family casing --family typo --rate 1 --seed 7 --json " +
                                   shell_quote(json.string())));
  ASSERT_EQ(r.status, 0) << r.output();
  const auto j = nlohmann::ordered_json::parse(read_file(json));
  EXPECT_EQ(j["model"], "bm25?analyzer=standard&b=0.4&k1=0.9");
  EXPECT_EQ(j["seed"], 7);
  EXPECT_EQ(j["dataset"]["queries"], 6);
  EXPECT_EQ(j["dataset"]["documents"], 6);
  EXPECT_EQ(j["dataset"]["files"].size(), 3u);
  ASSERT_EQ(j["families"].size(), 2u);
  const auto& casing = j["families"][0];
  EXPECT_EQ(casing["family"], "casing");
  EXPECT_EQ(casing["perturbed_queries"], 6);
  EXPECT_EQ(casing["cosine_mean"].get<double>(), 1.0);
  EXPECT_EQ(casing["delta_ndcg10"].get<double>(), 0.0);
  EXPECT_EQ(casing["robustness_at_10"].get<double>(), 1.0);
  const auto& typo = j["families"][1];
  EXPECT_EQ(typo["family"], "typo");
  EXPECT_LT(typo["delta_ndcg10"].get<double>(), 0.0);
  EXPECT_LT(typo["cosine_mean"].get<double>(), 1.0);
  EXPECT_NE(r.out.find("casing               6    1.0000  1.0000"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  casing: \"copy files\" -> "), std::string::npos) << r.out;
}

TEST_F(ProbeRobustnessCli, BadFlagsExitTwoBeforeAnyJson) {
  const auto json = dir_ / "bad.json";
  auto r = run_embeval(probe("--family typos --json " + shell_quote(json.string())));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("unknown --family 'typos'"), std::string::npos) << r.err;
  r = run_embeval(probe("--rate 0 --json " + shell_quote(json.string())));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("--rate must be in (0, 1]"), std::string::npos) << r.err;
  r = run_embeval(probe("--family synonym --wordnet " + shell_quote((dir_ / "none").string())));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("cannot open the WordNet file"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(json));
}

}  // namespace
