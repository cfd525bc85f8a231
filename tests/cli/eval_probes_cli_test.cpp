// End-to-end: `embeval eval --probes` on a six-document BEIR folder written here: the probes table
// under the eval table, the "probes" block in results.json (casing: exactly 0 under BM25's
// folding analyzer), and bad probe flags stopping with status 2 before anything is written.
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

class EvalProbesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.write("data/corpus.jsonl",
               "{\"_id\": \"d1\", \"title\": \"\", \"text\": \"copy files and directories\"}\n"
               "{\"_id\": \"d2\", \"title\": \"\", \"text\": \"remove files or directories\"}\n"
               "{\"_id\": \"d3\", \"title\": \"\", \"text\": \"list directory contents\"}\n"
               "{\"_id\": \"d4\", \"title\": \"\", \"text\": \"move rename files\"}\n");
    dir_.write("data/queries.jsonl",
               "{\"_id\": \"q1\", \"text\": \"copy files\"}\n"
               "{\"_id\": \"q2\", \"text\": \"remove directories\"}\n"
               "{\"_id\": \"q3\", \"text\": \"list contents\"}\n"
               "{\"_id\": \"q4\", \"text\": \"rename files\"}\n");
    dir_.write("data/qrels/test.tsv",
               "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\nq3\td3\t1\nq4\td4\t1\n");
  }
  std::string eval(const std::string& flags) const {
    return "eval --dataset " + shell_quote((dir_ / "data").string()) + " --out " +
           shell_quote((dir_ / "out").string()) + " -m bm25 " + flags;
  }
  embeval::testing::TempDir dir_{"embeval-eval-probes-cli"};
};

TEST_F(EvalProbesCli, PrintsTheTableAndWritesTheBlock) {
  const auto r = run_embeval(eval("--probes --probe-family casing --probe-rate 1"));
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("Probes (eval --probes; seed 42, rate 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("casing dNDCG"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(dir_ / "out/results.json"));
  const auto& p = j.at("models").at(0).at("probes");
  EXPECT_EQ(p.at("robustness").at(0).at("family"), "casing");
  EXPECT_EQ(p.at("robustness").at(0).at("delta_ndcg10"), 0.0);
  EXPECT_EQ(p.at("settings").at("probes"), nlohmann::json({"robustness", "tokens", "hubness"}));
}

TEST_F(EvalProbesCli, BadProbeFlagsExitTwoBeforeWriting) {
  for (const char* flags :
       {"--probes speed", "--probes --probe-rate 0", "--probes --probe-family typos"}) {
    const auto r = run_embeval(eval(flags));
    EXPECT_EQ(r.status, 2) << flags << "\n" << r.output();
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out/results.json")) << flags;
  }
}

}  // namespace
