// The openai-chat generator against the tests' fault-injecting server on 127.0.0.1: what is sent,
// what comes back (text, finish reason, token counts), every transient fault retried into the
// right answer, 401 and a prompt too large for the server asked once with a clear error, and the
// key nowhere but in the bearer header. No real sleeping: the retry clock is injected.
#include "embeval/remote/openai_chat_generator.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/fault_server.h"

namespace embeval {
namespace {

using testing::Fault;
using testing::fault_server_tokens;
using testing::FaultServer;
using testing::FaultStep;

struct SleepLog {
  std::vector<double> waits;
  RetryClock clock() {
    RetryClock c;
    c.sleep = [this](double s) { waits.push_back(s); };
    c.random01 = [] { return 0.0; };
    return c;
  }
};

class OpenAiChatTest : public ::testing::Test {
 protected:
  std::unique_ptr<OpenAiChatGenerator> make(const std::string& params = "") {
    const std::string spec = "openai-chat:judge-model?base_url=" + server.base_url() +
                             "&api_key_env=EMBEVAL_TEST_UNSET_KEY" + params;
    return std::make_unique<OpenAiChatGenerator>(ModelSpec::parse(spec), sleeps.clock());
  }
  const std::vector<ChatMessage> messages = {{"system", "You grade relevance."},
                                             {"user", "Query: ls flags. Document: ls lists."}};
  FaultServer server;
  SleepLog sleeps;
};

TEST_F(OpenAiChatTest, SendsTheConversationAndSamplingAndReadsTheAnswer) {
  server.set_chat_reply([](const std::vector<FaultServer::ChatTurn>& turns) {
    return "Grade: 2 for " + std::to_string(turns.size()) + " turns";
  });
  auto generator = make();
  GenerationOptions o;
  o.max_tokens = 16;
  o.temperature = 0;
  o.top_p = 0.5;
  o.seed = 7;
  o.stop = {"\n\n"};
  const GeneratedText got = generator->generate(messages, o);
  EXPECT_EQ(got.text, "Grade: 2 for 2 turns");
  EXPECT_EQ(got.finish_reason, "stop");
  const std::size_t prompt =
      fault_server_tokens(messages[0].content) + fault_server_tokens(messages[1].content);  // 3 + 6
  EXPECT_EQ(got.prompt_tokens, prompt);
  EXPECT_EQ(got.completion_tokens, 5u);

  ASSERT_EQ(server.request_count(), 1u);
  const auto request = server.requests()[0];
  EXPECT_EQ(request.path, "/v1/chat/completions");
  EXPECT_EQ(request.authorization, "");  // no key in the environment: no header
  const auto body = nlohmann::json::parse(request.body);
  const auto want = nlohmann::json::parse(R"({"model":"judge-model",
      "messages":[{"role":"system","content":"You grade relevance."},
                  {"role":"user","content":"Query: ls flags. Document: ls lists."}],
      "temperature":0.0,"top_p":0.5,"seed":7,"max_tokens":16,"stop":["\n\n"],"stream":false})");
  EXPECT_EQ(body, want) << body.dump();

  const GeneratorUsage u = generator->usage();
  EXPECT_EQ(u.requests, 1u);
  EXPECT_EQ(u.answers, 1u);
  EXPECT_EQ(u.prompt_tokens, prompt);
  EXPECT_EQ(u.completion_tokens, 5u);
  EXPECT_FALSE(u.cost_usd().has_value());
}

TEST_F(OpenAiChatTest, TopKIsSentOnlyWhenAsked) {
  auto plain = make();
  (void)plain->generate(messages, GenerationOptions{});
  auto with_k = make("&send_top_k=true");
  (void)with_k->generate(messages, GenerationOptions{});
  ASSERT_EQ(server.request_count(), 2u);
  EXPECT_FALSE(nlohmann::json::parse(server.requests()[0].body).contains("top_k"));
  EXPECT_EQ(nlohmann::json::parse(server.requests()[1].body)["top_k"], 25);
  EXPECT_FALSE(nlohmann::json::parse(server.requests()[0].body).contains("stop"));
}

TEST_F(OpenAiChatTest, TransientFaultsAreRetriedIntoTheAnswer) {
  server.script({FaultStep::http(429, R"({"error":{"message":"slow down"}})", "3"),
                 FaultStep::http(503, R"({"error":{"message":"loading"}})"),
                 FaultStep::of(Fault::kMalformedJson), FaultStep::of(Fault::kWrongRowCount),
                 FaultStep::of(Fault::kClose)});
  auto generator = make("&max_retries=5");
  const GeneratedText got = generator->generate(messages, GenerationOptions{});
  EXPECT_EQ(got.text, "fault-server reply");
  EXPECT_EQ(server.request_count(), 6u);
  // Retry-After 3 first; then equal jitter with random01 = 0: half of 0.5 * 2^r.
  EXPECT_EQ(sleeps.waits, (std::vector<double>{3, 0.5, 1, 2, 4}));
  EXPECT_EQ(generator->usage().retries, 5u);
  EXPECT_EQ(generator->usage().requests, 6u);
}

TEST_F(OpenAiChatTest, UnauthorizedIsAskedOnceAndTheKeyNeverShows) {
  ASSERT_EQ(setenv("EMBEVAL_TEST_CHAT_KEY", "sk-chat-secret-42", 1), 0);
  auto generator = std::make_unique<OpenAiChatGenerator>(
      ModelSpec::parse("openai-chat:m?base_url=" + server.base_url() +
                       "&api_key_env=EMBEVAL_TEST_CHAT_KEY"),
      sleeps.clock());
  unsetenv("EMBEVAL_TEST_CHAT_KEY");
  (void)generator->generate(messages, GenerationOptions{});
  server.set_fallback(
      FaultStep::http(401, R"({"error":{"message":"invalid key sk-chat-secret-42"}})"));
  try {
    (void)generator->generate(messages, GenerationOptions{});
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("401 Unauthorized: invalid key [redacted]"), std::string::npos) << what;
    EXPECT_EQ(what.find("sk-chat"), std::string::npos) << what;
    EXPECT_NE(e.hint().find("$EMBEVAL_TEST_CHAT_KEY"), std::string::npos) << e.hint();
    EXPECT_EQ(e.hint().find("sk-chat"), std::string::npos);
  }
  ASSERT_EQ(server.request_count(), 2u);  // the 401 was not retried
  EXPECT_TRUE(sleeps.waits.empty());
  for (const auto& r : server.requests()) {
    EXPECT_EQ(r.authorization, "Bearer sk-chat-secret-42");
    EXPECT_EQ(r.body.find("sk-chat"), std::string::npos);
  }
  EXPECT_EQ(generator->spec().find("sk-chat"), std::string::npos);
}

TEST_F(OpenAiChatTest, APromptTooLargeForTheServerIsAskedOnceAndExplained) {
  const std::string message =
      "input (9000 tokens) is too large to process. increase the physical batch size (current "
      "batch size: 512)";
  server.set_fallback(FaultStep::http(
      500, R"({"error":{"code":500,"message":")" + message + R"(","type":"server_error"}})"));
  auto generator = make("&max_retries=5");
  try {
    (void)generator->generate(messages, GenerationOptions{});
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("500 Internal Server Error: " + message),
              std::string::npos)
        << e.what();
    EXPECT_NE(e.hint().find("-b/-ub"), std::string::npos) << e.hint();
    EXPECT_NE(e.hint().find("max_tokens"), std::string::npos) << e.hint();
  }
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_TRUE(sleeps.waits.empty());
}

TEST_F(OpenAiChatTest, GivesUpAfterMaxRetriesWithTheLastStatus) {
  server.set_fallback(FaultStep::http(503, R"({"error":{"message":"overloaded"}})"));
  auto generator = make("&max_retries=1");
  try {
    (void)generator->generate(messages, GenerationOptions{});
    FAIL() << "no error";
  } catch (const InputError&) {
    FAIL() << "a server failure is not bad input";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("openai-chat:judge-model: POST " + server.base_url() +
                                         "/chat/completions answered 503 Service Unavailable: "
                                         "overloaded (after 2 attempts)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(OpenAiChatTest, WithoutUsageTheTokensAreEstimatedAndCostComesFromBothPrices) {
  server.set_fallback(FaultStep::of(Fault::kNoUsage));
  server.set_chat_reply([](const auto&) { return std::string("12345678"); });  // 2 estimated
  auto generator = make("&price_per_mtok_in=2&price_per_mtok_out=10");
  const std::vector<ChatMessage> one = {{"user", "abcdefghijkl"}};  // 12 bytes: 3 estimated
  const GeneratedText got = generator->generate(one, GenerationOptions{});
  EXPECT_EQ(got.prompt_tokens, 3u);
  EXPECT_EQ(got.completion_tokens, 2u);
  const GeneratorUsage u = generator->usage();
  EXPECT_EQ(u.estimated_answers, 1u);
  ASSERT_TRUE(u.cost_usd().has_value());
  EXPECT_DOUBLE_EQ(*u.cost_usd(), (3 * 2.0 + 2 * 10.0) / 1e6);
}

TEST_F(OpenAiChatTest, BadOptionsAndNoMessagesAreInputErrorsBeforeAnyRequest) {
  auto generator = make();
  GenerationOptions bad;
  bad.top_p = 0;
  EXPECT_THROW((void)generator->generate(messages, bad), InputError);
  EXPECT_THROW((void)generator->generate({}, GenerationOptions{}), InputError);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(OpenAiChatSpec, CanonicalSpecWritesDefaultsAndRoundTrips) {
  const std::string canonical = check_openai_chat_spec(ModelSpec::parse("openai-chat:gpt-4o-mini"));
  EXPECT_EQ(canonical,
            "openai-chat:gpt-4o-mini?allow_http=false&api_key_env=OPENAI_API_KEY&"
            "base_url=https%3A//api.openai.com/v1&max_retries=5&send_top_k=false&timeout_s=120");
  EXPECT_EQ(check_openai_chat_spec(ModelSpec::parse(canonical)), canonical);
  EXPECT_EQ(OpenAiChatGenerator(ModelSpec::parse("openai-chat:gpt-4o-mini")).spec(), canonical);
}

TEST(OpenAiChatSpec, RefusesPlainHttpToOtherHostsAndUnknownKeys) {
  EXPECT_THROW(OpenAiChatGenerator(ModelSpec::parse("openai-chat:m?base_url=http://10.1.2.3/v1")),
               InputError);
  EXPECT_NO_THROW(OpenAiChatGenerator(
      ModelSpec::parse("openai-chat:m?base_url=http://10.1.2.3/v1&allow_http=true")));
  EXPECT_THROW(OpenAiChatGenerator(ModelSpec::parse("openai-chat:?base_url=http://127.0.0.1/v1")),
               InputError);
  EXPECT_THROW(OpenAiChatGenerator(ModelSpec::parse("openai-chat:m?api_key=sk-x")), InputError);
  EXPECT_THROW(OpenAiChatGenerator(ModelSpec::parse("openai-chat:m?price_per_mtok_in=-1")),
               InputError);
}

}  // namespace
}  // namespace embeval
