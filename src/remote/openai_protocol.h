// What the OpenAI-compatible clients (openai_encoder.cpp: /embeddings, openai_chat.cpp:
// /chat/completions) share: the API key's handling, the server's error message, and the one
// way a failed request becomes an exception. Internal to the remote layer.
//
// The key: read once from the named environment variable, kept in memory only, zeroed when its
// holder goes, sent only as the bearer header (http_client.h), and cut out of every message that
// could carry it (a server may echo it in an error).
#pragma once

#include <stdexcept>
#include <string>

#include "embeval/remote/retry_policy.h"

namespace embeval {

// The key in $`env_name` ("" when unset or empty: no Authorization header is sent).
class ApiKey {
 public:
  explicit ApiKey(const std::string& env_name);
  ~ApiKey();
  ApiKey(const ApiKey&) = delete;
  ApiKey& operator=(const ApiKey&) = delete;

  [[nodiscard]] const std::string& value() const { return key_; }
  [[nodiscard]] bool empty() const { return key_.empty(); }
  // `text` with every copy of the key replaced by "[redacted]".
  [[nodiscard]] std::string redact(std::string text) const;

 private:
  std::string key_;
};

// "https://x/v1/" -> "https://x/v1".
[[nodiscard]] std::string trim_trailing_slashes(std::string url);
// "401 Unauthorized", "503 Service Unavailable", ... or the bare number.
[[nodiscard]] std::string http_status_text(long status);
// The server's own words: OpenAI's {"error":{"message":..}}, TEI's {"error":".."}, a top-level
// "message", or the first 300 bytes of the body (newlines flattened).
[[nodiscard]] std::string server_error_message(const std::string& body);

// A 200 answer that is not what the protocol promises; callers retry it like a dropped
// connection (an answer cut short or mangled on the way).
struct MalformedAnswer : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Who made a request, for the messages of a failure.
struct RemoteCall {
  std::string label;        // "openai:MODEL", "openai-chat:MODEL"
  std::string url;          // the endpoint posted to
  std::string base_url;     // for the "is the server running" hint
  std::string api_key_env;  // named (never the value) in the 401/403 hint
  // The fix for another 4xx (bad request, unknown model).
  std::string client_error_hint = "check the model name, base_url and the spec's parameters";
  // The fix when the server says the input is too large (is_input_too_large).
  std::string too_large_hint;
};

// "LABEL: POST URL answered 503 Service Unavailable: overloaded (after 3 attempts)", redacted.
[[nodiscard]] std::string describe_failure(const RetryOutcome& outcome, const RemoteCall& call,
                                           const ApiKey& key);

// Throws for a request that did not succeed: InputError (the user's to fix) for an input too
// large for the server, a 4xx other than 429, a refused connection or an unknown host;
// std::runtime_error otherwise (retries used up on 429/5xx/timeouts, TLS, ...).
[[noreturn]] void throw_request_failure(const RetryOutcome& outcome, const RemoteCall& call,
                                        const ApiKey& key);

}  // namespace embeval
