// The openai encoder against the tests' fault-injecting server on 127.0.0.1: every fault ends in
// the right vectors (the server's hash-seeded ones) or a clear error naming the status and the
// server's message; retries as the policy says (no real sleeping: the clock is injected).
#include "embeval/remote/openai_encoder.h"

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
using testing::fault_server_vector;
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

class OpenAiEncoderTest : public ::testing::Test {
 protected:
  std::unique_ptr<OpenAiEncoder> make(const std::string& params) {
    const std::string spec = "openai:test-model?base_url=" + server.base_url() +
                             "&api_key_env=EMBEVAL_TEST_UNSET_KEY" + params;
    return std::make_unique<OpenAiEncoder>(ModelSpec::parse(spec), sleeps.clock());
  }
  std::vector<std::string> texts(std::size_t n) {
    std::vector<std::string> t;
    for (std::size_t i = 0; i < n; ++i) t.push_back("text number " + std::to_string(i) + " here");
    return t;
  }
  static std::vector<std::string_view> views(const std::vector<std::string>& t) {
    return {t.begin(), t.end()};
  }
  // Every row equals the server's vector for prefix + text, exactly (floats survive 9 digits).
  static void expect_right_vectors(const EmbeddingBatch& got, const std::vector<std::string>& t,
                                   std::size_t dim, const std::string& prefix = "") {
    ASSERT_TRUE(got.dense.has_value());
    ASSERT_EQ(got.dense->rows, t.size());
    ASSERT_EQ(got.dense->cols, dim);
    for (std::size_t i = 0; i < t.size(); ++i) {
      const auto want = fault_server_vector(prefix + t[i], dim);
      for (std::size_t d = 0; d < dim; ++d) {
        ASSERT_EQ(got.dense->row(i)[d], want[d]) << "text " << i << " dim " << d;
      }
    }
  }

  FaultServer server;
  SleepLog sleeps;
};

TEST_F(OpenAiEncoderTest, BatchesConcurrentRequestsAndReturnsRowsInOrder) {
  auto encoder = make("&batch=3&concurrency=2");
  const auto t = texts(10);
  const EmbeddingBatch got = encoder->encode(views(t), Role::kDocument);
  expect_right_vectors(got, t, 8);
  EXPECT_EQ(server.request_count(), 4u);  // 3 + 3 + 3 + 1
  std::size_t tokens = 0;
  for (const auto& s : t) tokens += fault_server_tokens(s);
  const ApiUsage u = encoder->usage();
  EXPECT_EQ(u.requests, 4u);
  EXPECT_EQ(u.retries, 0u);
  EXPECT_EQ(u.texts, 10u);
  EXPECT_EQ(u.reported_tokens, tokens);
  EXPECT_EQ(u.estimated_tokens, 0u);
  EXPECT_EQ(encoder->card().dimension, 8u);
  const auto body = nlohmann::json::parse(server.requests()[0].body);
  EXPECT_EQ(body["model"], "test-model");
  EXPECT_EQ(body["encoding_format"], "float");
  EXPECT_FALSE(body.contains("dimensions"));
  EXPECT_EQ(body["input"].size(), 3u);
}

TEST_F(OpenAiEncoderTest, AppliesPrefixesAndAsksForDimensions) {
  auto encoder = make("&dimensions=5&query_prefix=query:%20&document_prefix=passage:%20");
  const auto t = texts(3);
  expect_right_vectors(encoder->encode(views(t), Role::kQuery), t, 5, "query: ");
  expect_right_vectors(encoder->encode(views(t), Role::kDocument), t, 5, "passage: ");
  const auto body = nlohmann::json::parse(server.requests()[0].body);
  EXPECT_EQ(body["dimensions"], 5);
  EXPECT_EQ(encoder->card().dimension, 5u);
}

TEST_F(OpenAiEncoderTest, SplitsRequestsByTheEstimatedTokenBudget) {
  // Each text is 18 bytes: 5 estimated tokens; a budget of 10 fits two per request.
  auto encoder = make("&batch=64&batch_tokens=10&concurrency=1");
  const auto t = texts(6);
  expect_right_vectors(encoder->encode(views(t), Role::kDocument), t, 8);
  EXPECT_EQ(server.request_count(), 3u);
}

TEST_F(OpenAiEncoderTest, EveryTransientFaultEndsInTheRightVectors) {
  server.script({FaultStep::http(429, R"({"error":{"message":"rate limited"}})", "0.25"),
                 FaultStep::http(503, R"({"error":{"message":"overloaded"}})"),
                 FaultStep::of(Fault::kClose), FaultStep::of(Fault::kSlow, 5.0),
                 FaultStep::of(Fault::kMalformedJson), FaultStep::of(Fault::kWrongRowCount),
                 FaultStep::of(Fault::kShuffled)});
  auto encoder = make("&batch=4&concurrency=1&timeout_s=0.3&max_retries=8");
  const auto t = texts(4);
  expect_right_vectors(encoder->encode(views(t), Role::kDocument), t, 8);
  // Seven faults retried, then the shuffled answer (right vectors in reverse order) is taken.
  EXPECT_EQ(server.request_count(), 7u);
  EXPECT_EQ(encoder->usage().retries, 6u);
  ASSERT_EQ(sleeps.waits.size(), 6u);
  EXPECT_DOUBLE_EQ(sleeps.waits[0], 0.25);  // Retry-After honoured
  // Then backoff with jitter at its lower bound (random01 = 0): base 0.3 (= timeout_s).
  EXPECT_DOUBLE_EQ(sleeps.waits[1], 0.3 * 2 / 2);
  EXPECT_DOUBLE_EQ(sleeps.waits[2], 0.3 * 4 / 2);
}

TEST_F(OpenAiEncoderTest, UnauthorizedIsNeverRetriedAndNamesStatusAndMessage) {
  server.set_fallback(
      FaultStep::http(401, R"({"error":{"message":"Incorrect API key provided"}})"));
  auto encoder = make("");
  const auto t = texts(2);
  try {
    (void)encoder->encode(views(t), Role::kDocument);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("401 Unauthorized"), std::string::npos) << what;
    EXPECT_NE(what.find("Incorrect API key provided"), std::string::npos) << what;
    EXPECT_NE(e.hint().find("$EMBEVAL_TEST_UNSET_KEY"), std::string::npos) << e.hint();
  }
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_TRUE(sleeps.waits.empty());
}

TEST_F(OpenAiEncoderTest, OtherClientErrorsAreClearErrors) {
  server.set_fallback(FaultStep::http(404, R"({"error":{"message":"model 'x' not found"}})"));
  auto encoder = make("");
  const auto t = texts(1);
  try {
    (void)encoder->encode(views(t), Role::kQuery);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("404 Not Found: model 'x' not found"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(server.request_count(), 1u);
}

TEST_F(OpenAiEncoderTest, GivesUpAfterMaxRetriesNamingTheLastFailure) {
  server.set_fallback(FaultStep::http(503, R"({"error":{"message":"overloaded"}})"));
  auto encoder = make("&max_retries=2");
  const auto t = texts(1);
  try {
    (void)encoder->encode(views(t), Role::kQuery);
    FAIL() << "no error";
  } catch (const InputError&) {
    FAIL() << "a server failure is not bad input";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("503 Service Unavailable: overloaded (after 3 attempts)"),
              std::string::npos)
        << what;
  }
  EXPECT_EQ(server.request_count(), 3u);
}

TEST_F(OpenAiEncoderTest, AnInputTooLargeForTheServerIsAskedOnceAndExplained) {
  // llama-server's answer (tools/server/server-context.cpp) to a text beyond its -ub.
  const std::string message =
      "input (600 tokens) is too large to process. increase the physical batch size (current "
      "batch size: 512)";
  server.set_fallback(FaultStep::http(
      500, R"({"error":{"code":500,"message":")" + message + R"(","type":"server_error"}})"));
  auto encoder = make("&max_retries=5");
  const auto t = texts(1);
  try {
    (void)encoder->encode(views(t), Role::kDocument);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("answered 500 Internal Server Error: " + message), std::string::npos)
        << what;
    EXPECT_EQ(what.find("attempts"), std::string::npos) << what;
    EXPECT_NE(e.hint().find("-b and -ub"), std::string::npos) << e.hint();
    EXPECT_NE(e.hint().find("batch_tokens"), std::string::npos) << e.hint();
  }
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_TRUE(sleeps.waits.empty());
  EXPECT_EQ(encoder->usage().retries, 0u);
}

TEST_F(OpenAiEncoderTest, PersistentTimeoutsEndInAClearError) {
  server.set_fallback(FaultStep::of(Fault::kSlow, 5.0));
  auto encoder = make("&max_retries=1&timeout_s=0.2");
  const auto t = texts(1);
  try {
    (void)encoder->encode(views(t), Role::kQuery);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("failed (timeout"), std::string::npos) << e.what();
  }
  EXPECT_EQ(server.request_count(), 2u);
}

TEST_F(OpenAiEncoderTest, WithoutUsageTheTokensAreEstimated) {
  server.set_fallback(FaultStep::of(Fault::kNoUsage));
  auto encoder = make("");
  const std::vector<std::string> t = {"abcdefgh", "abcdefghi"};  // 2 and 3 estimated tokens
  (void)encoder->encode(views(t), Role::kDocument);
  const ApiUsage u = encoder->usage();
  EXPECT_EQ(u.reported_tokens, 0u);
  EXPECT_EQ(u.estimated_tokens, 5u);
  EXPECT_EQ(u.unreported_requests, 1u);
}

TEST_F(OpenAiEncoderTest, SendsTheKeyOnlyAsBearerAndNowhereElse) {
  ASSERT_EQ(setenv("EMBEVAL_TEST_OPENAI_KEY", "sk-test-abc123", 1), 0);
  auto encoder =
      std::make_unique<OpenAiEncoder>(ModelSpec::parse("openai:m?base_url=" + server.base_url() +
                                                       "&api_key_env=EMBEVAL_TEST_OPENAI_KEY"),
                                      sleeps.clock());
  unsetenv("EMBEVAL_TEST_OPENAI_KEY");
  const auto t = texts(2);
  (void)encoder->encode(views(t), Role::kDocument);
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.requests()[0].authorization, "Bearer sk-test-abc123");
  EXPECT_EQ(server.requests()[0].body.find("sk-test"), std::string::npos);
  EXPECT_EQ(encoder->spec().find("sk-test"), std::string::npos);
  EXPECT_EQ(encoder->vector_identity().find("sk-test"), std::string::npos);
  for (const auto& s : encoder->settings()) EXPECT_EQ(s.value.find("sk-test"), std::string::npos);
  // A server echoing the key in its error message does not get it printed.
  server.set_fallback(FaultStep::http(401, R"({"error":{"message":"bad key sk-test-abc123"}})"));
  try {
    (void)encoder->encode(views(t), Role::kDocument);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find("sk-test-abc123"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[redacted]"), std::string::npos) << e.what();
  }
}

TEST_F(OpenAiEncoderTest, NoKeyMeansNoAuthorizationHeader) {
  auto encoder = make("");
  const auto t = texts(1);
  (void)encoder->encode(views(t), Role::kDocument);
  EXPECT_EQ(server.requests()[0].authorization, "");
}

TEST(OpenAiSpec, CanonicalSpecWritesDefaultsAndRoundTrips) {
  const std::string canonical =
      check_openai_spec(ModelSpec::parse("openai:text-embedding-3-small"));
  EXPECT_EQ(canonical,
            "openai:text-embedding-3-small?allow_http=false&api_key_env=OPENAI_API_KEY&"
            "base_url=https%3A//api.openai.com/v1&batch=64&batch_tokens=65536&concurrency=4&"
            "max_retries=5&normalize=false&timeout_s=60");
  EXPECT_EQ(check_openai_spec(ModelSpec::parse(canonical)), canonical);
}

TEST(OpenAiSpec, RefusesPlainHttpToOtherHostsUnlessAllowed) {
  EXPECT_THROW(OpenAiEncoder(ModelSpec::parse("openai:m?base_url=http://10.1.2.3/v1")), InputError);
  EXPECT_NO_THROW(
      OpenAiEncoder(ModelSpec::parse("openai:m?base_url=http://10.1.2.3/v1&allow_http=true")));
  EXPECT_THROW(OpenAiEncoder(ModelSpec::parse("openai:?base_url=http://127.0.0.1/v1")),
               InputError);  // no model name
  EXPECT_THROW(OpenAiEncoder(ModelSpec::parse("openai:m?concurrency=0")), InputError);
  EXPECT_THROW(OpenAiEncoder(ModelSpec::parse("openai:m?api_key=sk-x")), InputError);
}

}  // namespace
}  // namespace embeval
