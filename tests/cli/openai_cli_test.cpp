// End-to-end: `eval`, `encode` and `inspect` with an openai: model served by the tests' own
// fault-injecting server on 127.0.0.1. The API key never leaves the Authorization header (every
// file written and every output line is searched for it); the cost is recorded; an interrupted
// or failed run never pays twice for a text (the server counts what it answered).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "support/cli_runner.h"
#include "support/fault_server.h"
#include "support/temp_dir.h"

namespace {

using embeval::testing::CliOptions;
using embeval::testing::CliResult;
using embeval::testing::Fault;
using embeval::testing::fault_server_tokens;
using embeval::testing::FaultServer;
using embeval::testing::FaultStep;
using embeval::testing::run_embeval;
using embeval::testing::shell_quote;

constexpr const char* kKey = "sk-embeval-SECRET-4f9c2e71";
constexpr const char* kKeyVar = "EMBEVAL_TEST_OPENAI_KEY";

class OpenAiCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_ / "data" / "qrels");
    write("data/corpus.jsonl",
          "{\"_id\": \"d1\", \"title\": \"Zebras\", \"text\": \"zebra stripes savanna\"}\n"
          "{\"_id\": \"d2\", \"text\": \"volcano lava eruption\"}\n"
          "{\"_id\": \"d3\", \"text\": \"glacier ice mountain\"}\n"
          "{\"_id\": \"d4\", \"text\": \"desert sand dunes\"}\n"
          "{\"_id\": \"d5\", \"text\": \"coral reef fish\"}\n"
          "{\"_id\": \"d6\", \"text\": \"pine forest moss\"}\n");
    write("data/queries.jsonl",
          "{\"_id\": \"q1\", \"text\": \"zebra\"}\n{\"_id\": \"q2\", \"text\": \"lava flows\"}\n");
    write("data/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n");
  }
  void write(const std::string& rel, const std::string& text) { std::ofstream(dir_ / rel) << text; }
  std::string path(const std::string& rel) const { return (dir_ / rel).string(); }
  std::string spec(const std::string& extra) const {
    return "openai:test-embed?base_url=" + server_.base_url() + "&api_key_env=" + kKeyVar + extra;
  }
  CliResult run(const std::string& args) {
    CliOptions options;
    options.env = {{kKeyVar, kKey}};
    options.kill_after_s = 120;
    return run_embeval(args, options);
  }
  // Every regular file under the test folder that holds the key.
  std::vector<std::string> files_with_key() const {
    std::vector<std::string> found;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream bytes;
      bytes << in.rdbuf();
      if (bytes.str().find(kKey) != std::string::npos) found.push_back(e.path().string());
    }
    return found;
  }
  // Tokens of every text the server answered, as it counts them.
  std::size_t server_tokens() const {
    std::size_t tokens = 0;
    for (const auto& r : server_.requests()) {
      if (r.fault != Fault::kNone) continue;
      const auto body = nlohmann::json::parse(r.body);
      for (const auto& t : body.at("input")) {
        tokens += fault_server_tokens(t.get<std::string>());
      }
    }
    return tokens;
  }

  embeval::testing::TempDir dir_{"embeval-openai-cli"};
  FaultServer server_;
};

TEST_F(OpenAiCli, EvalEncodeAndInspectNeverRevealTheKey) {
  const CliResult eval =
      run("eval --dataset " + path("data") + " --model " +
          shell_quote(spec("&price_per_mtok=0.02&batch=2")) + " --model bm25 --out " + path("out"));
  ASSERT_EQ(eval.status, 0) << eval.output();
  EXPECT_NE(eval.out.find("$ total"), std::string::npos) << eval.out;
  EXPECT_NE(eval.out.find("$ per 1M docs"), std::string::npos) << eval.out;

  std::ifstream in(dir_ / "out/results.json");
  const auto j = nlohmann::json::parse(in);
  const auto& model = j.at("models").at(0);
  ASSERT_TRUE(model.contains("api_cost")) << model.dump(2);
  const auto& cost = model.at("api_cost");
  // 6 documents in 3 requests of 2, then 2 queries in one request.
  EXPECT_EQ(cost.at("requests"), 4);
  EXPECT_EQ(cost.at("texts"), 8);
  EXPECT_EQ(cost.at("tokens").get<std::size_t>(), server_tokens());
  EXPECT_EQ(cost.at("tokens_source"), "server");
  EXPECT_EQ(cost.at("documents_encoded"), 6);
  EXPECT_NEAR(cost.at("cost_usd").get<double>(), server_tokens() * 0.02 / 1e6, 1e-15);
  const double mean = cost.at("mean_document_tokens").get<double>();
  EXPECT_NEAR(cost.at("usd_per_million_documents").get<double>(), mean * 0.02, 1e-12);
  EXPECT_EQ(model.at("card").at("dimension"), 8);
  EXPECT_FALSE(j.at("models").at(1).contains("api_cost"));  // bm25 costs nothing

  const CliResult encode =
      run("encode --model " + shell_quote(spec("")) + " --input " + path("data/corpus.jsonl") +
          " --role document --out " + path("enc/corpus.npy"));
  ASSERT_EQ(encode.status, 0) << encode.output();
  const CliResult inspect = run("inspect --model " + shell_quote(spec("&price_per_mtok=0.13")) +
                                " --dataset " + path("data"));
  ASSERT_EQ(inspect.status, 0) << inspect.output();
  EXPECT_NE(inspect.out.find("dimension"), std::string::npos) << inspect.out;
  EXPECT_NE(inspect.out.find("(set)"), std::string::npos) << inspect.out;

  // A server that echoes the key in its refusal: the message names the status, not the key.
  server_.set_fallback(FaultStep::http(
      401, std::string(R"({"error":{"message":"Incorrect API key provided: )") + kKey + "\"}}"));
  const CliResult refused = run("eval --dataset " + path("data") + " --model " +
                                shell_quote(spec("")) + " --out " + path("out2") + " --no-cache");
  EXPECT_EQ(refused.status, 2) << refused.output();
  EXPECT_NE(refused.output().find("401 Unauthorized"), std::string::npos) << refused.output();

  for (const CliResult* r : {&eval, &encode, &inspect, &refused}) {
    EXPECT_EQ(r->output().find(kKey), std::string::npos) << r->output();
  }
  EXPECT_EQ(files_with_key(), std::vector<std::string>{});
  // ... and the server got it as the bearer header every time.
  for (const auto& r : server_.requests())
    EXPECT_EQ(r.authorization, std::string("Bearer ") + kKey);
}

TEST_F(OpenAiCli, AFailedRunThenARerunPaysForEveryTextOnce) {
  // One text per request; the fourth request fails for good (no retries): 3 documents cached.
  server_.script({FaultStep::ok(), FaultStep::ok(), FaultStep::ok(),
                  FaultStep::http(503, R"({"error":{"message":"overloaded"}})")});
  const std::string args = "eval --dataset " + path("data") + " --model " +
                           shell_quote(spec("&batch=1&concurrency=1&max_retries=0")) + " --out " +
                           path("out");
  const CliResult failed = run(args);
  ASSERT_EQ(failed.status, 1) << failed.output();
  EXPECT_NE(failed.output().find("503 Service Unavailable: overloaded"), std::string::npos)
      << failed.output();
  EXPECT_EQ(server_.texts_answered(), 3u);

  const CliResult rerun = run(args);
  ASSERT_EQ(rerun.status, 0) << rerun.output();
  // 6 documents + 2 queries, each answered exactly once over both runs.
  EXPECT_EQ(server_.texts_answered(), 8u);
  const std::size_t requests = server_.request_count();
  const CliResult again = run(args + " --no-resume");
  ASSERT_EQ(again.status, 0) << again.output();
  EXPECT_EQ(server_.request_count(), requests);  // everything from the cache
}

TEST_F(OpenAiCli, AKilledRunThenARerunPaysForEveryTextOnce) {
  // The third request hangs (the client would wait 120 s): the process is killed there.
  server_.script({FaultStep::ok(), FaultStep::ok(), FaultStep::of(Fault::kSlow, 60)});
  const std::string args = "eval --dataset " + path("data") + " --model " +
                           shell_quote(spec("&batch=1&concurrency=1&timeout_s=120")) + " --out " +
                           path("out");
  CliOptions options;
  options.env = {{kKeyVar, kKey}};
  options.kill_after_s = 5;
  const CliResult killed = run_embeval(args, options);
  ASSERT_EQ(killed.signal, 9) << killed.output();
  const std::size_t answered_before = server_.texts_answered();
  EXPECT_LE(answered_before, 2u);
  const CliResult rerun = run(args);
  ASSERT_EQ(rerun.status, 0) << rerun.output();
  EXPECT_EQ(server_.texts_answered(), 8u);  // nothing answered twice
}

TEST_F(OpenAiCli, PlainHttpToAnotherHostIsRefusedBeforeAnyRequest) {
  const CliResult out =
      run("eval --dataset " + path("data") + " --model " +
          shell_quote("openai:m?base_url=http://192.0.2.1/v1") + " --out " + path("out"));
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("allow_http=true"), std::string::npos) << out.output();
}

}  // namespace
