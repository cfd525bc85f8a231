// End-to-end: the built `embeval` binary on a small BEIR folder, as a user runs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace {

using Output = embeval::testing::CliResult;

Output run(const std::string& args) { return embeval::testing::run_embeval(args); }

class EvalCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "data" / "qrels");
    write("data/corpus.jsonl",
          "{\"_id\": \"d1\", \"title\": \"Zebras\", \"text\": \"zebra stripes savanna\"}\n"
          "{\"_id\": \"d2\", \"title\": \"\", \"text\": \"volcano lava eruption\"}\n"
          "{\"_id\": \"d3\", \"text\": \"glacier ice mountain\"}\n");
    write("data/queries.jsonl",
          "{\"_id\": \"q1\", \"text\": \"zebra\"}\n{\"_id\": \"q2\", \"text\": \"lava flows\"}\n");
    write("data/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n");
  }
  void write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  std::string path(const std::string& rel) const { return (dir_ / rel).string(); }
  embeval::testing::TempDir dir_{"embeval-eval-cli"};
};

TEST_F(EvalCli, EvaluatesBm25AndWritesRunsAndResults) {
  const Output out = run("eval --dataset " + path("data") + " --model bm25 --out " + path("out"));
  ASSERT_EQ(out.status, 0) << out.output();
  EXPECT_NE(out.output().find("nDCG@10"), std::string::npos) << out.output();
  EXPECT_NE(out.output().find("1.0000"), std::string::npos)
      << out.output();  // both queries perfect
  ASSERT_TRUE(std::filesystem::exists(dir_ / "out/runs/bm25.trec"));
  std::ifstream in(dir_ / "out/results.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("format"), "embeval-results");
  EXPECT_EQ(j.at("models").at(0).at("spec"), "bm25?analyzer=english&b=0.4&k1=0.9");
  EXPECT_DOUBLE_EQ(j.at("models").at(0).at("metrics").at("mean").at("ndcg_cut_10").get<double>(),
                   1.0);

  // The run file evaluates to the same numbers with the trec_eval drop-in.
  const Output m = run("metrics -m ndcg_cut.10 " + path("data/qrels/test.tsv") + " " +
                       path("out/runs/bm25.trec"));
  ASSERT_EQ(m.status, 0) << m.output();
  EXPECT_EQ(m.output(), "ndcg_cut_10           \tall\t1.0000\n");
}

TEST_F(EvalCli, BadInputNamesFileAndLineAndExitsWith2) {
  write("data/corpus.jsonl",
        "{\"_id\": \"d1\", \"text\": \"ok\"}\n{\"_id\": \"d2\", \"text\": }\n");
  const Output out = run("eval --dataset " + path("data") + " --model bm25 --out " + path("out"));
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("corpus.jsonl:2"), std::string::npos) << out.output();

  const Output spec =
      run("eval --dataset " + path("data") + " --model 'bm25?k1=oops' --out " + path("out"));
  EXPECT_EQ(spec.status, 2) << spec.output();
  EXPECT_NE(spec.output().find("k1"), std::string::npos) << spec.output();
}

TEST_F(EvalCli, SecondRunReusesFinishedModels) {
  const std::string args = "eval --dataset " + path("data") + " --model bm25 --out " + path("out");
  ASSERT_EQ(run(args).status, 0);
  const Output again = run(args);
  ASSERT_EQ(again.status, 0) << again.output();
  EXPECT_NE(again.output().find("reusing saved result"), std::string::npos) << again.output();
}

TEST_F(EvalCli, KIsACheckedWholeNumberAndLabelsFollowIt) {
  const std::string base = "eval --dataset " + path("data") + " --model bm25 --out " + path("out");
  for (const std::string bad : {"0", "-1", "abc", "10x", "99999999999999999999999"}) {
    const Output out = run(base + " --k " + bad);
    EXPECT_EQ(out.status, 2) << bad << ": " << out.output();
    EXPECT_NE(out.output().find("--k"), std::string::npos) << out.output();
    EXPECT_FALSE(std::filesystem::exists(dir_ / "out/runs")) << bad;
  }
  const Output ten = run(base + " --k 10");
  ASSERT_EQ(ten.status, 0) << ten.output();
  EXPECT_NE(ten.output().find("R@10 "), std::string::npos) << ten.output();
  EXPECT_EQ(ten.output().find("R@100"), std::string::npos) << ten.output();
  EXPECT_NE(ten.output().find("each run holds at most 3"), std::string::npos) << ten.output();
}

TEST_F(EvalCli, AnUnusableOutFailsBeforeTheDatasetIsRead) {
  write("data/corpus.jsonl", "{ broken\n");  // would fail with corpus.jsonl:1 if it were read
  write("outfile", "x");
  const Output out =
      run("eval --dataset " + path("data") + " --model bm25 --out " + path("outfile"));
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("not a directory"), std::string::npos) << out.output();
  EXPECT_EQ(out.output().find("corpus.jsonl"), std::string::npos) << out.output();
}

TEST_F(EvalCli, EqualSpecsRunOnceWithANote) {
  const Output out = run("eval --dataset " + path("data") +
                         " --model bm25 --model 'bm25?k1=0.9' --out " + path("out"));
  ASSERT_EQ(out.status, 0) << out.output();
  EXPECT_NE(out.output().find("is the same model as 'bm25'"), std::string::npos) << out.output();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out/runs/bm25_k1-0.9.trec"));
  std::ifstream in(dir_ / "out/results.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("version"), 3);
  EXPECT_EQ(j.at("models").size(), 1u);
  EXPECT_EQ(j.at("models").at(0).at("run_file"), "runs/bm25.trec");
  EXPECT_EQ(j.at("dataset").at("files").size(), 3u);
}

}  // namespace
