// A small HTTP client (libcurl) for the remote model families: one JSON POST with headers and a
// timeout, answered with the status, the Retry-After header and the body. A failure to get an
// answer at all is classified (timeout, dropped connection, refused connection, DNS) instead of
// thrown, so retry_policy.h can decide what is worth another try.
//
// Secrets: the bearer token travels in HttpRequest::bearer_token, apart from the other headers,
// and goes out only as the Authorization header of that one request. Nothing here logs a header
// (curl's verbose mode is never turned on), and error texts come from curl's error buffer, which
// names the host and the failure, never a header.
//
// Plain http is refused for any host but a loopback address (localhost, 127.0.0.0/8, ::1)
// unless the caller allows it (check_remote_url), since a bearer key and the user's documents
// would cross the network unencrypted.
//
// Thread-safety: an HttpClient holds one curl handle (connections are reused between calls);
// use one per thread. Creating clients on several threads at once is safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace embeval {

// Why no HTTP answer came back (kNone: one did, whatever its status).
enum class HttpFailure {
  kNone,
  kTimeout,            // no complete answer within HttpRequest::timeout_s
  kConnectionDropped,  // the server closed or reset the connection before answering in full
  kConnectionRefused,  // nothing listens there (or the connection attempt failed)
  kDnsFailure,         // the host name does not resolve
  kTls,                // the TLS handshake or certificate check failed
  kOther,              // anything else curl reports
};

// "timeout", "connection dropped", ...: for messages.
[[nodiscard]] std::string_view failure_name(HttpFailure failure);

struct HttpRequest {
  std::string url;
  std::string body;  // sent as application/json
  // Extra headers, name and value; never a secret (they may appear in messages).
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent as "Authorization: Bearer <token>" when not empty; never printed anywhere.
  std::string bearer_token;
  double timeout_s = 60;          // the whole request, connection to last byte
  double connect_timeout_s = 10;  // the connection alone (capped by timeout_s)
};

struct HttpResponse {
  HttpFailure failure = HttpFailure::kNone;
  long status = 0;  // the HTTP status when failure == kNone
  // Retry-After in seconds (delta-seconds or an HTTP date), when the server sent one.
  std::optional<double> retry_after_s;
  std::string body;
  std::string error;  // what went wrong when failure != kNone (curl's words; no header values)

  [[nodiscard]] bool ok() const {
    return failure == HttpFailure::kNone && status >= 200 && status < 300;
  }
};

// Checks that `url` is http(s) with a host, and that plain http goes only to a loopback host
// unless `allow_plain_http`. Throws InputError naming the URL and the fix (`what` names the
// parameter in the message, e.g. "base_url").
void check_remote_url(std::string_view url, bool allow_plain_http, std::string_view what);

// True when `url`'s host is localhost, an address in 127.0.0.0/8 or ::1.
[[nodiscard]] bool is_loopback_url(std::string_view url);

class HttpClient {
 public:
  HttpClient();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs request.body to request.url. Never throws for network failures or HTTP errors: they
  // come back in the response. The URL must have passed check_remote_url.
  [[nodiscard]] HttpResponse post_json(const HttpRequest& request);

 private:
  void* curl_;  // CURL*
};

// Parses a Retry-After value: delta-seconds ("2", "0.5") or an HTTP date, relative to `now_s`
// (seconds since the epoch). Empty for anything else; a date in the past gives 0.
[[nodiscard]] std::optional<double> parse_retry_after(std::string_view value, double now_s);

}  // namespace embeval
