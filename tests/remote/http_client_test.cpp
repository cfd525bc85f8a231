// The libcurl client against the tests' own fault-injecting server on 127.0.0.1: answers,
// Retry-After, the classified failures (timeout, dropped, refused), the bearer header sent only
// when given, and the plain-http rule.
#include "embeval/remote/http_client.h"

#include <gtest/gtest.h>

#include "embeval/core/error.h"
#include "support/fault_server.h"

namespace embeval {
namespace {

using testing::Fault;
using testing::FaultServer;
using testing::FaultStep;

HttpRequest embeddings_request(const FaultServer& server) {
  HttpRequest r;
  r.url = server.base_url() + "/embeddings";
  r.body = R"({"model":"m","input":["a b","c"]})";
  r.timeout_s = 5;
  return r;
}

TEST(HttpClient, PostsJsonAndReadsTheAnswer) {
  FaultServer server;
  HttpClient client;
  const HttpResponse r = client.post_json(embeddings_request(server));
  ASSERT_EQ(r.failure, HttpFailure::kNone) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.ok());
  EXPECT_NE(r.body.find(R"("prompt_tokens":3)"), std::string::npos) << r.body;
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].path, "/v1/embeddings");
  EXPECT_EQ(seen[0].body, R"({"model":"m","input":["a b","c"]})");
  EXPECT_EQ(seen[0].authorization, "");  // no token: no header
}

TEST(HttpClient, SendsTheBearerTokenOnlyAsAuthorization) {
  FaultServer server;
  HttpClient client;
  HttpRequest request = embeddings_request(server);
  request.bearer_token = "sk-test-123";
  request.headers = {{"X-Note", "hello"}};
  ASSERT_TRUE(client.post_json(request).ok());
  const auto seen = server.requests();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].authorization, "Bearer sk-test-123");
  EXPECT_EQ(seen[0].body.find("sk-test"), std::string::npos);
}

TEST(HttpClient, ReturnsStatusBodyAndRetryAfter) {
  FaultServer server;
  server.script({FaultStep::http(429, R"({"error":{"message":"slow down"}})", "3"),
                 FaultStep::http(401, R"({"error":{"message":"bad key"}})")});
  HttpClient client;
  HttpResponse r = client.post_json(embeddings_request(server));
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.retry_after_s, 3.0);
  EXPECT_EQ(r.body, R"({"error":{"message":"slow down"}})");
  EXPECT_FALSE(r.ok());
  r = client.post_json(embeddings_request(server));
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.retry_after_s, std::nullopt);
}

TEST(HttpClient, ClassifiesTimeoutsAndDroppedConnections) {
  FaultServer server;
  server.script({FaultStep::of(Fault::kSlow, 3.0), FaultStep::of(Fault::kClose)});
  HttpClient client;
  HttpRequest request = embeddings_request(server);
  request.timeout_s = 0.2;
  HttpResponse r = client.post_json(request);
  EXPECT_EQ(r.failure, HttpFailure::kTimeout) << r.error;
  EXPECT_FALSE(r.ok());
  r = client.post_json(request);
  EXPECT_EQ(r.failure, HttpFailure::kConnectionDropped) << r.error;
  // And the client still works afterwards.
  EXPECT_TRUE(client.post_json(request).ok());
}

TEST(HttpClient, ClassifiesARefusedConnection) {
  int port = 0;
  {
    FaultServer server;  // a port that was free a moment ago and is closed now
    port = server.port();
  }
  HttpClient client;
  HttpRequest request;
  request.url = "http://127.0.0.1:" + std::to_string(port) + "/v1/embeddings";
  request.body = "{}";
  request.timeout_s = 2;
  const HttpResponse r = client.post_json(request);
  EXPECT_EQ(r.failure, HttpFailure::kConnectionRefused) << r.error;
}

TEST(RemoteUrl, PlainHttpOnlyToLoopbackUnlessAllowed) {
  EXPECT_NO_THROW(check_remote_url("https://api.openai.com/v1", false, "base_url"));
  EXPECT_NO_THROW(check_remote_url("http://127.0.0.1:8080/v1", false, "base_url"));
  EXPECT_NO_THROW(check_remote_url("http://127.9.8.7/v1", false, "base_url"));
  EXPECT_NO_THROW(check_remote_url("http://localhost:8080", false, "base_url"));
  EXPECT_NO_THROW(check_remote_url("http://[::1]:8080/v1", false, "base_url"));
  EXPECT_THROW(check_remote_url("http://10.0.0.5:8080/v1", false, "base_url"), InputError);
  EXPECT_THROW(check_remote_url("http://example.com/v1", false, "base_url"), InputError);
  EXPECT_THROW(check_remote_url("http://127.0.0.1.example.com/v1", false, "base_url"), InputError);
  EXPECT_NO_THROW(check_remote_url("http://10.0.0.5:8080/v1", true, "base_url"));
  EXPECT_THROW(check_remote_url("ftp://127.0.0.1/v1", true, "base_url"), InputError);
  EXPECT_THROW(check_remote_url("not a url", true, "base_url"), InputError);
  try {
    check_remote_url("http://example.com/v1", false, "base_url");
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("base_url 'http://example.com/v1'"), std::string::npos);
    EXPECT_NE(e.hint().find("allow_http=true"), std::string::npos);
  }
  EXPECT_TRUE(is_loopback_url("http://127.0.0.1:1/v1"));
  EXPECT_FALSE(is_loopback_url("https://api.openai.com/v1"));
}

}  // namespace
}  // namespace embeval
