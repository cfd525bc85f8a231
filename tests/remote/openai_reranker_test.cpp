// The openai-rerank reranker against the tests' fault-injecting server on 127.0.0.1: the request
// it sends (Cohere/Jina/llama-server's "documents", TEI's "texts"), both answer shapes (results
// with relevance_score, TEI's bare list with score), top_n answers that leave documents out, and
// faults ending in the right scores or a clear error (no real sleeping: the clock is injected).
#include "embeval/remote/openai_reranker.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/fault_server.h"

namespace embeval {
namespace {

using nlohmann::json;
using testing::Fault;
using testing::FaultServer;
using testing::FaultStep;

class OpenAiRerankerTest : public ::testing::Test {
 protected:
  std::unique_ptr<OpenAiReranker> make(const std::string& params = "") {
    const std::string spec = "openai-rerank:test-reranker?base_url=" + server.base_url() +
                             "&api_key_env=EMBEVAL_TEST_RERANK_KEY" + params;
    RetryClock clock;
    clock.sleep = [this](double s) { waits.push_back(s); };
    clock.random01 = [] { return 0.0; };
    return std::make_unique<OpenAiReranker>(ModelSpec::parse(spec), clock);
  }
  std::vector<float> score(OpenAiReranker& r) {
    const std::vector<std::string_view> views(documents.begin(), documents.end());
    return r.score("which command copies files", views);
  }
  // Cohere / Jina / llama-server: results sorted by score, as those servers send them.
  static std::string cohere_answer() {
    return R"({"model":"test-reranker","object":"list","usage":{"prompt_tokens":42,"total_tokens":42},
              "results":[{"index":2,"relevance_score":3.5},{"index":0,"relevance_score":1.25},
                         {"index":1,"relevance_score":-0.5}]})";
  }
  // TEI: a bare list with "score".
  static std::string tei_answer() {
    return R"([{"index":1,"score":0.875},{"index":2,"score":0.5},{"index":0,"score":0.125}])";
  }

  FaultServer server;
  std::vector<double> waits;
  const std::vector<std::string> documents{"cp copies files", "ls lists files", "cp -r copies"};
};

TEST_F(OpenAiRerankerTest, SendsDocumentsAndReadsRelevanceScoresByIndex) {
  server.set_fallback(FaultStep::http(200, cohere_answer()));
  auto r = make("&top_n=3");
  EXPECT_EQ(score(*r), (std::vector<float>{1.25f, -0.5f, 3.5f}));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].path, "/v1/rerank");
  EXPECT_EQ(requests[0].authorization, "");  // the key variable is unset: no header
  const json body = json::parse(requests[0].body);
  EXPECT_EQ(body["model"], "test-reranker");
  EXPECT_EQ(body["query"], "which command copies files");
  EXPECT_EQ(body["documents"], json(documents));
  EXPECT_EQ(body["top_n"], 3);
  EXPECT_FALSE(body.contains("texts"));
  const RerankStats stats = r->stats();
  EXPECT_EQ(stats.pairs, 3u);
  EXPECT_EQ(stats.requests, 1u);
  EXPECT_EQ(stats.tokens, 42u);
  EXPECT_EQ(stats.tokens_source, "server");
  EXPECT_FALSE(stats.cost_usd.has_value());
}

TEST_F(OpenAiRerankerTest, ShuffledAndUnshuffledAnswersGiveEachDocumentItsOwnScore) {
  server.script({FaultStep::ok(), FaultStep::of(Fault::kShuffled), FaultStep::ok()});
  const std::string query = "which command copies files";
  std::vector<float> expected;
  for (const auto& d : documents) {
    expected.push_back(testing::fault_server_vector(query + "\n" + d, 1)[0]);
  }
  auto cohere = make();
  EXPECT_EQ(score(*cohere), expected);
  EXPECT_EQ(score(*cohere), expected);  // results in reverse order: read by "index"
  auto tei = make("&api=tei");
  EXPECT_EQ(score(*tei), expected);
  EXPECT_EQ(tei->stats().tokens_source, "estimate");  // TEI's answer has no usage
}

TEST_F(OpenAiRerankerTest, TeiRequestAndAnswerShape) {
  server.set_fallback(FaultStep::http(200, tei_answer()));
  auto r = make("&api=tei&price_per_mtok=2");
  EXPECT_EQ(score(*r), (std::vector<float>{0.125f, 0.875f, 0.5f}));
  const json body = json::parse(server.requests().at(0).body);
  EXPECT_EQ(body["texts"], json(documents));
  EXPECT_FALSE(body.contains("documents"));
  EXPECT_FALSE(body.contains("model"));
  // No usage in TEI's answer: ceil(bytes / 4) per query and per document, for each pair.
  const std::size_t q = (std::string("which command copies files").size() + 3) / 4;
  std::size_t expected = 0;
  for (const auto& d : documents) expected += q + (d.size() + 3) / 4;
  const RerankStats stats = r->stats();
  EXPECT_EQ(stats.tokens, expected);
  EXPECT_EQ(stats.tokens_source, "estimate");
  ASSERT_TRUE(stats.cost_usd.has_value());
  EXPECT_DOUBLE_EQ(*stats.cost_usd, static_cast<double>(expected) * 2 / 1e6);
}

TEST_F(OpenAiRerankerTest, LongDocumentsAreCutAtAUtf8BoundaryBeforeSending) {
  server.set_fallback(FaultStep::http(200, tei_answer()));
  auto r = make("&api=tei&max_document_bytes=4");
  const std::vector<std::string> docs{"Größe", "abc", "abcdef"};  // "Gr" + 2-byte ö + ...
  const std::vector<std::string_view> views(docs.begin(), docs.end());
  (void)r->score("q", views);
  const json body = json::parse(server.requests().at(0).body);
  EXPECT_EQ(body["texts"], json({"Grö", "abc", "abcd"}));
  EXPECT_EQ(body["truncate"], true);
  EXPECT_EQ(r->stats().truncated_pairs, 2u);
}

TEST_F(OpenAiRerankerTest, DocumentsLeftOutByTopNScoreMinusInfinity) {
  server.set_fallback(FaultStep::http(200, R"({"results":[{"index":1,"relevance_score":2.0}]})"));
  auto r = make("&top_n=1");
  const auto s = score(*r);
  EXPECT_EQ(s[1], 2.0f);
  EXPECT_EQ(s[0], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(s[2], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(r->stats().tokens_source, "estimate");
}

TEST_F(OpenAiRerankerTest, RetriesRateLimitsOutagesAndBadAnswersThenScores) {
  server.script({FaultStep::http(429, R"({"error":"slow down"})", "2"),
                 FaultStep::http(503, "overloaded"), FaultStep::of(Fault::kClose),
                 FaultStep::of(Fault::kMalformedJson),
                 FaultStep::http(200, R"({"results":[{"index":7,"relevance_score":1}]})")});
  server.set_fallback(FaultStep::http(200, cohere_answer()));
  auto r = make();
  EXPECT_EQ(score(*r), (std::vector<float>{1.25f, -0.5f, 3.5f}));
  EXPECT_EQ(server.request_count(), 6u);
  ASSERT_EQ(waits.size(), 5u);
  EXPECT_EQ(waits[0], 2.0);  // Retry-After honoured
  const RerankStats stats = r->stats();
  EXPECT_EQ(stats.requests, 6u);
  EXPECT_EQ(stats.retries, 5u);
}

TEST_F(OpenAiRerankerTest, ClientErrorsAreNotRetriedAndNameTheServersMessage) {
  ::setenv("EMBEVAL_TEST_RERANK_KEY", "sk-rerank-secret-123", 1);
  server.set_fallback(FaultStep::http(401, R"({"message":"invalid api token"})"));
  auto r = make();
  try {
    (void)score(*r);
    ADD_FAILURE() << "no error";
  } catch (const InputError& e) {
    const std::string what = std::string(e.what()) + " " + e.hint();
    EXPECT_NE(what.find("401"), std::string::npos) << what;
    EXPECT_NE(what.find("invalid api token"), std::string::npos) << what;
    EXPECT_NE(what.find("EMBEVAL_TEST_RERANK_KEY"), std::string::npos) << what;
    EXPECT_EQ(what.find("sk-rerank-secret-123"), std::string::npos) << what;
  }
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.requests().at(0).authorization, "Bearer sk-rerank-secret-123");
  ::unsetenv("EMBEVAL_TEST_RERANK_KEY");
}

TEST_F(OpenAiRerankerTest, AnswersThatStayWrongEndInAClearError) {
  // A repeated index, then retries used up.
  server.set_fallback(FaultStep::http(
      200, R"({"results":[{"index":0,"relevance_score":1},{"index":0,"relevance_score":2}]})"));
  auto r = make("&max_retries=1");
  try {
    (void)score(*r);
    ADD_FAILURE() << "no error";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("out of range or repeated"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(OpenAiRerankerTest, SpecsAreCheckedBeforeAnyRequest) {
  EXPECT_THROW((void)check_openai_reranker_spec(ModelSpec::parse("openai-rerank:m")), InputError);
  EXPECT_THROW((void)check_openai_reranker_spec(
                   ModelSpec::parse("openai-rerank:m?base_url=http://example.com/v1")),
               InputError);  // plain http beyond loopback
  EXPECT_THROW((void)check_openai_reranker_spec(
                   ModelSpec::parse("openai-rerank:m?base_url=https://x/v1&api=jina")),
               InputError);
  const std::string canonical = check_openai_reranker_spec(
      ModelSpec::parse("openai-rerank:m?base_url=https://api.example.com/v2/"));
  EXPECT_EQ(canonical,
            "openai-rerank:m?allow_http=false&api=cohere&api_key_env=RERANK_API_KEY&base_url="
            "https%3A//api.example.com/v2/&max_retries=5&timeout_s=60&top=100");
  EXPECT_EQ(check_openai_reranker_spec(ModelSpec::parse(canonical)), canonical);
  EXPECT_EQ(server.request_count(), 0u);
}

}  // namespace
}  // namespace embeval
