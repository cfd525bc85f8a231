// `embeval judge` end to end through openai-chat: against the tests' fault server on 127.0.0.1
// scripting the judge's answers (with a rate limit and an overload on the way), the model-made
// qrels, Hole@10 before and after as computed by hand, a rerun that asks nothing, a 401 asked
// once, and the key in no output and no file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "embeval/dataset/dataset.h"
#include "support/cli_runner.h"
#include "support/fault_server.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

using testing::CliOptions;
using testing::CliResult;
using testing::FaultServer;
using testing::FaultStep;
using testing::run_embeval;
using testing::shell_quote;

constexpr const char* kKey = "sk-judge-secret-77";

class JudgeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Dataset d;
    d.corpus = {{"d1", "", "one zero"},
                {"d2", "Two", "alpha text"},
                {"d3", "", "beta text"},
                {"d4", "", "four zero"},
                {"d5", "", "gamma text"}};
    d.queries = {{"q1", "first query"}, {"q2", "second query"}};
    d.qrels.judgments["q1"] = {{"d1", 2}};
    d.qrels.judgments["q2"] = {{"d4", 1}};
    write_beir(dir.path() / "ds", d);
    std::ofstream(dir.path() / "ds" / "queries.jsonl", std::ios::app)
        << R"({"_id":"q3","text":"third query"})"
        << "\n";
    std::ofstream(dir.path() / "a.trec") << "q1 Q0 d1 1 0.9 a\nq1 Q0 d2 2 0.8 a\nq1 Q0 d3 3 0.7 a\n"
                                            "q2 Q0 d4 1 0.9 a\nq2 Q0 d5 2 0.5 a\n";
    std::ofstream(dir.path() / "b.trec")
        << "q1 Q0 d3 1 0.9 b\nq1 Q0 d5 2 0.8 b\nq3 Q0 d2 1 0.9 b\n";
    server.set_chat_reply([](const std::vector<FaultServer::ChatTurn>& turns) {
      const std::string& user = turns.back().second;
      return user.find("alpha") != std::string::npos  ? std::string("2")
             : user.find("beta") != std::string::npos ? std::string("Grade: 3")
                                                      : std::string("I cannot tell.");
    });
  }
  CliResult judge(const std::string& extra = "") {
    const std::string spec = "openai-chat:judge-model?base_url=" + server.base_url() +
                             "&api_key_env=EMBEVAL_JUDGE_KEY&price_per_mtok_in=1&"
                             "price_per_mtok_out=2";
    CliOptions options;
    options.env = {{"EMBEVAL_JUDGE_KEY", kKey}};
    return run_embeval("judge --dataset " + shell_quote((dir.path() / "ds").string()) + " --run " +
                           shell_quote((dir.path() / "a.trec").string()) + " --run " +
                           shell_quote((dir.path() / "b.trec").string()) + " --judge " +
                           shell_quote(spec) + extra,
                       options);
  }
  void expect_key_nowhere(const CliResult& r) {
    EXPECT_EQ(r.output().find(kKey), std::string::npos) << r.output();
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.path())) {
      if (!entry.is_regular_file()) continue;
      EXPECT_EQ(testing::read_file(entry.path()).find(kKey), std::string::npos) << entry.path();
    }
  }
  testing::TempDir dir{"embeval-judge-cli"};
  FaultServer server;
};

TEST_F(JudgeCliTest, GradesThePoolThroughAChatEndpointAndReportsHoles) {
  server.script({FaultStep::http(429, R"({"error":{"message":"slow down"}})", "0"),
                 FaultStep::http(503, R"({"error":{"message":"loading model"}})")});
  const CliResult r = judge();
  ASSERT_EQ(r.status, 0) << r.output();
  // 7 pooled pairs, 2 judged in the dataset: 5 asked, 2 of them retried once each way.
  EXPECT_EQ(server.request_count(), 7u);
  for (const auto& request : server.requests()) {
    EXPECT_EQ(request.path, "/v1/chat/completions");
    EXPECT_EQ(request.authorization, std::string("Bearer ") + kKey);
  }
  const std::string out = r.out;
  EXPECT_NE(out.find("pool: 7 pairs; 2 judged in the dataset, 0 answered before (log), 5 asked "
                     "now (2 unparseable)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("model-made grades: 3 (0: 0, 1: 0, 2: 2, 3: 1); unparseable answers: 2"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("unparseable: \"I cannot tell.\""), std::string::npos) << out;
  // Hole@10 by hand (relevance_judging_test.cpp): a 7/12 -> 1/4, b 1 -> 1/4.
  EXPECT_NE(out.find("a.trec     0.5833     0.2500        2"), std::string::npos) << out;
  EXPECT_NE(out.find("b.trec     1.0000     0.2500        2"), std::string::npos) << out;
  EXPECT_NE(out.find("usage: 7 requests (2 retries)"), std::string::npos) << out;
  const auto qrels = dir.path() / "ds" / "qrels";
  EXPECT_EQ(testing::read_file(qrels / "test.judged.tsv"),
            "query-id\tcorpus-id\tscore\nq1\td3\t3\nq1\td2\t2\nq3\td2\t2\n");
  const std::string sidecar = testing::read_file(qrels / "test.judged.json");
  EXPECT_NE(sidecar.find("\"made_by\": \"model\""), std::string::npos) << sidecar;
  EXPECT_NE(sidecar.find("\"judge\": \"openai-chat:judge-model?"), std::string::npos) << sidecar;
  expect_key_nowhere(r);

  // The merged split evaluates like any other.
  const CliResult metrics =
      run_embeval("metrics --qrels " + shell_quote((qrels / "test.judged.merged.tsv").string()) +
                  " --run " + shell_quote((dir.path() / "a.trec").string()));
  EXPECT_EQ(metrics.status, 0) << metrics.output();

  // A rerun asks nothing.
  const CliResult again = judge();
  ASSERT_EQ(again.status, 0) << again.output();
  EXPECT_EQ(server.request_count(), 7u);
  EXPECT_NE(again.out.find("5 answered before (log), 0 asked now"), std::string::npos) << again.out;
}

TEST_F(JudgeCliTest, UnauthorizedStopsAtOnceWithAClearError) {
  server.set_fallback(
      FaultStep::http(401, std::string(R"({"error":{"message":"bad key )") + kKey + R"("}})"));
  const CliResult r = judge();
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_NE(r.err.find("401 Unauthorized: bad key [redacted]"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("$EMBEVAL_JUDGE_KEY"), std::string::npos) << r.err;
  expect_key_nowhere(r);
}

}  // namespace
}  // namespace embeval
