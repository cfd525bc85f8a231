// The retry policy with an injected clock: which answers are retried, the backoff bounds with
// jitter, Retry-After honoured and capped, and the retry budget.
#include "embeval/remote/retry_policy.h"

#include <gtest/gtest.h>

#include <deque>
#include <vector>

namespace embeval {
namespace {

HttpResponse status(long code, std::optional<double> retry_after = {}) {
  HttpResponse r;
  r.status = code;
  r.retry_after_s = retry_after;
  return r;
}

HttpResponse failure(HttpFailure f) {
  HttpResponse r;
  r.failure = f;
  return r;
}

TEST(RetryPolicy, RetriesRateLimitsServerErrorsTimeoutsAndDrops) {
  EXPECT_TRUE(is_retryable(status(429)));
  EXPECT_TRUE(is_retryable(status(500)));
  EXPECT_TRUE(is_retryable(status(503)));
  EXPECT_TRUE(is_retryable(status(599)));
  EXPECT_TRUE(is_retryable(failure(HttpFailure::kTimeout)));
  EXPECT_TRUE(is_retryable(failure(HttpFailure::kConnectionDropped)));
}

TEST(RetryPolicy, NeverRetriesOtherClientErrorsOrConfigurationFailures) {
  for (long code : {400L, 401L, 403L, 404L, 413L, 422L}) {
    EXPECT_FALSE(is_retryable(status(code))) << code;
  }
  EXPECT_FALSE(is_retryable(status(200)));
  EXPECT_FALSE(is_retryable(failure(HttpFailure::kDnsFailure)));
  EXPECT_FALSE(is_retryable(failure(HttpFailure::kConnectionRefused)));
  EXPECT_FALSE(is_retryable(failure(HttpFailure::kTls)));
}

TEST(RetryPolicy, NeverRetriesAnInputTooLargeForTheServer) {
  // llama-server's own words (tools/server/server-context.cpp), sent with status 500.
  HttpResponse batch = status(500);
  batch.body =
      R"x({"error":{"code":500,"message":"input (600 tokens) is too large to process. )x"
      R"x(increase the physical batch size (current batch size: 512)","type":"server_error"}})x";
  HttpResponse context = status(500);
  context.body = R"x({"error":{"message":"input (9000 tokens) is larger than the max context )x"
                 R"x(size (8192 tokens). skipping"}})x";
  HttpResponse proxy = status(413);
  proxy.body = "<html><title>413 Request Entity Too Large</title></html>";
  for (const HttpResponse& r : {batch, context, proxy}) {
    EXPECT_TRUE(is_input_too_large(r)) << r.body;
    EXPECT_FALSE(is_retryable(r)) << r.body;
  }
  HttpResponse overloaded = status(503);
  overloaded.body = R"({"error":{"message":"loading model"}})";
  EXPECT_FALSE(is_input_too_large(overloaded));
  EXPECT_TRUE(is_retryable(overloaded));
  HttpResponse bad_request = status(400);  // a 4xx other than 413 is not this case (never retried)
  bad_request.body = "too large";
  EXPECT_FALSE(is_input_too_large(bad_request));
}

TEST(RetryPolicy, BackoffDoublesWithEqualJitterAndIsCapped) {
  RetryPolicy p;
  p.base_delay_s = 0.5;
  p.max_delay_s = 3;
  const HttpResponse r = status(503);
  // bound = min(3, 0.5 * 2^retry): 0.5, 1, 2, 3, 3; wait in [bound/2, bound].
  const double bounds[] = {0.5, 1, 2, 3, 3};
  for (std::size_t retry = 0; retry < 5; ++retry) {
    EXPECT_DOUBLE_EQ(retry_delay_s(p, retry, r, 0.0), bounds[retry] / 2);
    EXPECT_DOUBLE_EQ(retry_delay_s(p, retry, r, 0.5), bounds[retry] * 0.75);
    EXPECT_DOUBLE_EQ(retry_delay_s(p, retry, r, 1.0), bounds[retry]);
  }
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 1000, r, 1.0), 3);  // no overflow far out
}

TEST(RetryPolicy, RetryAfterWinsOverBackoffAndIsCapped) {
  RetryPolicy p;
  p.max_retry_after_s = 10;
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 3, status(429, 2.0), 0.9), 2.0);
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 0, status(429, 0.0), 0.9), 0.0);
  EXPECT_DOUBLE_EQ(retry_delay_s(p, 0, status(429, 500.0), 0.9), 10.0);
}

TEST(RetryPolicy, ParsesRetryAfterSecondsAndDates) {
  EXPECT_EQ(parse_retry_after("2", 0), 2.0);
  EXPECT_EQ(parse_retry_after(" 0.25 ", 0), 0.25);
  EXPECT_EQ(parse_retry_after("-1", 0), std::nullopt);
  EXPECT_EQ(parse_retry_after("soon", 0), std::nullopt);
  // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480 s since the epoch.
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0), 10.0);
  EXPECT_EQ(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490.0), 0.0);
}

struct Scripted {
  std::deque<HttpResponse> answers;
  std::vector<double> sleeps;
  std::size_t calls = 0;
  RetryClock clock() {
    RetryClock c;
    c.sleep = [this](double s) { sleeps.push_back(s); };
    c.random01 = [] { return 1.0; };  // the upper bound: waits are exact
    return c;
  }
  std::function<HttpResponse()> attempt() {
    return [this] {
      ++calls;
      HttpResponse r = answers.front();
      answers.pop_front();
      return r;
    };
  }
};

TEST(RetryLoop, RetriesUntilSuccessWaitingAsTold) {
  Scripted s;
  s.answers = {status(429, 1.5), failure(HttpFailure::kTimeout), status(503), status(200)};
  RetryPolicy p;
  p.base_delay_s = 0.25;
  const RetryOutcome out = run_with_retries(s.attempt(), p, s.clock());
  EXPECT_TRUE(out.response.ok());
  EXPECT_EQ(out.attempts, 4u);
  EXPECT_EQ(s.sleeps, (std::vector<double>{1.5, 0.5, 1.0}));  // Retry-After, 0.25*2, 0.25*4
  EXPECT_DOUBLE_EQ(out.waited_s, 3.0);
}

TEST(RetryLoop, StopsAtOnceOnUnauthorized) {
  Scripted s;
  s.answers = {status(401), status(200)};
  const RetryOutcome out = run_with_retries(s.attempt(), RetryPolicy{}, s.clock());
  EXPECT_EQ(out.response.status, 401);
  EXPECT_EQ(out.attempts, 1u);
  EXPECT_TRUE(s.sleeps.empty());
}

TEST(RetryLoop, GivesUpAfterMaxRetriesWithTheLastAnswer) {
  Scripted s;
  for (int i = 0; i < 10; ++i) s.answers.push_back(status(503));
  RetryPolicy p;
  p.max_retries = 2;
  std::size_t heard = 0;
  const RetryOutcome out =
      run_with_retries(s.attempt(), p, s.clock(), [&](const HttpResponse&, double) { ++heard; });
  EXPECT_EQ(out.attempts, 3u);
  EXPECT_EQ(out.response.status, 503);
  EXPECT_EQ(heard, 2u);
  EXPECT_EQ(s.calls, 3u);
}

TEST(RetryLoop, ZeroRetriesMeansOneTry) {
  Scripted s;
  s.answers = {status(500), status(200)};
  RetryPolicy p;
  p.max_retries = 0;
  const RetryOutcome out = run_with_retries(s.attempt(), p, s.clock());
  EXPECT_EQ(out.attempts, 1u);
  EXPECT_EQ(out.response.status, 500);
}

}  // namespace
}  // namespace embeval
