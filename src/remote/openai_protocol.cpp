#include "remote/openai_protocol.h"

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "embeval/core/error.h"

namespace embeval {

using nlohmann::json;

ApiKey::ApiKey(const std::string& env_name) {
  if (const char* key = std::getenv(env_name.c_str())) key_ = key;
}

ApiKey::~ApiKey() { std::fill(key_.begin(), key_.end(), '\0'); }

std::string ApiKey::redact(std::string text) const {
  if (key_.empty()) return text;
  for (std::size_t at = text.find(key_); at != std::string::npos; at = text.find(key_)) {
    text.replace(at, key_.size(), "[redacted]");
  }
  return text;
}

std::string trim_trailing_slashes(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

std::string http_status_text(long status) {
  switch (status) {
    case 400:
      return "400 Bad Request";
    case 401:
      return "401 Unauthorized";
    case 403:
      return "403 Forbidden";
    case 404:
      return "404 Not Found";
    case 413:
      return "413 Payload Too Large";
    case 422:
      return "422 Unprocessable Entity";
    case 429:
      return "429 Too Many Requests";
    case 500:
      return "500 Internal Server Error";
    case 502:
      return "502 Bad Gateway";
    case 503:
      return "503 Service Unavailable";
    case 504:
      return "504 Gateway Timeout";
    default:
      return std::to_string(status);
  }
}

std::string server_error_message(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (!j.is_discarded() && j.is_object()) {
    if (j.contains("error")) {
      const json& e = j["error"];
      if (e.is_string()) return e.get<std::string>();
      if (e.is_object() && e.contains("message") && e["message"].is_string()) {
        return e["message"].get<std::string>();
      }
    }
    if (j.contains("message") && j["message"].is_string()) return j["message"].get<std::string>();
  }
  std::string text = body.substr(0, 300);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text.empty() ? "(empty body)" : text;
}

std::string describe_failure(const RetryOutcome& outcome, const RemoteCall& call,
                             const ApiKey& key) {
  const HttpResponse& r = outcome.response;
  std::string what = call.label + ": POST " + call.url + " ";
  if (r.failure != HttpFailure::kNone) {
    what += "failed (" + std::string(failure_name(r.failure)) + ": " + r.error + ")";
  } else {
    what += "answered " + http_status_text(r.status) + ": " + server_error_message(r.body);
  }
  if (outcome.attempts > 1) what += " (after " + std::to_string(outcome.attempts) + " attempts)";
  return key.redact(what);
}

void throw_request_failure(const RetryOutcome& outcome, const RemoteCall& call, const ApiKey& key) {
  const HttpResponse& r = outcome.response;
  const std::string message = describe_failure(outcome, call, key);
  if (is_input_too_large(r)) throw InputError(message, {}, 0, call.too_large_hint);
  // A client error other than 429 is the user's to fix (key, model name, input too long).
  if (r.failure == HttpFailure::kNone && r.status >= 400 && r.status < 500 && r.status != 429) {
    const std::string hint =
        r.status == 401 || r.status == 403
            ? "check the key in $" + call.api_key_env + " (it is never printed)"
            : call.client_error_hint;
    throw InputError(message, {}, 0, hint);
  }
  if (r.failure == HttpFailure::kConnectionRefused || r.failure == HttpFailure::kDnsFailure) {
    throw InputError(message, {}, 0, "is the server running at base_url=" + call.base_url + "?");
  }
  throw std::runtime_error(message);
}

}  // namespace embeval
