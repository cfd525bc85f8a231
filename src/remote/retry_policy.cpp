#include "embeval/remote/retry_policy.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <random>
#include <string>
#include <thread>

namespace embeval {

bool is_input_too_large(const HttpResponse& response) {
  if (response.failure != HttpFailure::kNone) return false;
  if (response.status != 413 && (response.status < 500 || response.status >= 600)) return false;
  std::string body = response.body.substr(0, 4096);
  std::transform(body.begin(), body.end(), body.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return body.find("too large") != std::string::npos ||
         body.find("larger than the max context") != std::string::npos;
}

bool is_retryable(const HttpResponse& response) {
  switch (response.failure) {
    case HttpFailure::kNone:
      if (is_input_too_large(response)) return false;
      return response.status == 429 || (response.status >= 500 && response.status < 600);
    case HttpFailure::kTimeout:
    case HttpFailure::kConnectionDropped:
      return true;
    case HttpFailure::kConnectionRefused:
    case HttpFailure::kDnsFailure:
    case HttpFailure::kTls:
    case HttpFailure::kOther:
      return false;
  }
  return false;
}

double retry_delay_s(const RetryPolicy& policy, std::size_t retry, const HttpResponse& response,
                     double random01) {
  if (response.retry_after_s) {
    return std::clamp(*response.retry_after_s, 0.0, policy.max_retry_after_s);
  }
  // 2^retry overflows nothing: the exponent is capped where the bound passes max_delay_s.
  const double exponent = std::min<double>(static_cast<double>(retry), 60);
  const double bound = std::min(policy.max_delay_s, policy.base_delay_s * std::exp2(exponent));
  const double r = std::clamp(random01, 0.0, 1.0);
  return bound / 2 + r * (bound / 2);
}

RetryClock RetryClock::real() {
  RetryClock clock;
  clock.sleep = [](double seconds) {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  };
  clock.random01 = [] {
    thread_local std::mt19937_64 generator(std::random_device{}());
    return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
  };
  return clock;
}

RetryOutcome run_with_retries(const std::function<HttpResponse()>& attempt,
                              const RetryPolicy& policy, const RetryClock& clock,
                              const std::function<void(const HttpResponse&, double)>& on_retry) {
  RetryOutcome outcome;
  for (std::size_t retry = 0;; ++retry) {
    outcome.response = attempt();
    ++outcome.attempts;
    if (outcome.response.ok() || !is_retryable(outcome.response) || retry >= policy.max_retries) {
      return outcome;
    }
    const double wait = retry_delay_s(policy, retry, outcome.response, clock.random01());
    if (on_retry) on_retry(outcome.response, wait);
    clock.sleep(wait);
    outcome.waited_s += wait;
  }
}

}  // namespace embeval
