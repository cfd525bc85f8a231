// When and how long to wait before trying an HTTP request again. Retried: 429 (rate limit),
// every 5xx, timeouts and dropped connections, the failures that a second try can cure. Never
// retried: every other 4xx (401 bad key, 400 bad request, 404 wrong model: trying again pays
// for nothing), refused connections and unresolved host names (a wrong base_url), TLS failures,
// and an answer saying the input is too large (is_input_too_large): llama-server sends that as a
// 500 when a text exceeds its batch, and the same text fails the same way every time.
//
// The wait before retry r (0-based) is the server's Retry-After when it sent one (capped at
// max_retry_after_s), otherwise exponential backoff with "equal jitter": half of
// min(max_delay_s, base_delay_s * 2^r) plus a uniformly random share of the other half, so
// clients that failed together do not come back together.
//
// The clock is injected (RetryClock), so tests run the policy without sleeping. Pure functions
// and a stateless loop: thread-safe as long as the injected functions are.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>

#include "embeval/remote/http_client.h"

namespace embeval {

struct RetryPolicy {
  std::size_t max_retries = 5;     // tries after the first one
  double base_delay_s = 0.5;       // the first backoff's upper bound
  double max_delay_s = 30;         // no computed backoff is longer
  double max_retry_after_s = 120;  // a longer Retry-After is cut to this
};

// True when `response` is an error whose message says the input is too large for the server:
// llama-server's "input (N tokens) is too large to process" and "... is larger than the max
// context size" (both 500), a proxy's "Request Entity Too Large" (status 413 or any 5xx).
[[nodiscard]] bool is_input_too_large(const HttpResponse& response);

// True when `response` is worth another try (see above).
[[nodiscard]] bool is_retryable(const HttpResponse& response);

// The wait in seconds before retry `retry` (0-based) after `response`; `random01` is uniform in
// [0, 1).
[[nodiscard]] double retry_delay_s(const RetryPolicy& policy, std::size_t retry,
                                   const HttpResponse& response, double random01);

// The side effects the retry loop needs, injectable for tests.
struct RetryClock {
  std::function<void(double seconds)> sleep;  // waits (the real one: std::this_thread)
  std::function<double()> random01;           // uniform in [0, 1)
  static RetryClock real();                   // a real sleep and a per-thread seeded generator
};

struct RetryOutcome {
  HttpResponse response;     // the last answer (ok, not retryable, or retries used up)
  std::size_t attempts = 0;  // requests sent, the first included
  double waited_s = 0;       // total time spent waiting between them
};

// Calls `attempt` until its answer is ok or not retryable, or max_retries retries were made.
// `on_retry` (optional) hears about each retry before its wait: the failed answer and the wait.
[[nodiscard]] RetryOutcome run_with_retries(
    const std::function<HttpResponse()>& attempt, const RetryPolicy& policy,
    const RetryClock& clock,
    const std::function<void(const HttpResponse&, double wait_s)>& on_retry = {});

}  // namespace embeval
