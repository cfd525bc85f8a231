#include "embeval/remote/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <ctime>
#include <memory>
#include <mutex>

#include "embeval/core/error.h"

namespace embeval {
namespace {

void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    EMBEVAL_CHECK(curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK, "curl_global_init failed");
  });
}

HttpFailure classify(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return HttpFailure::kNone;
    case CURLE_OPERATION_TIMEDOUT:
      return HttpFailure::kTimeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return HttpFailure::kDnsFailure;
    case CURLE_COULDNT_CONNECT:
      return HttpFailure::kConnectionRefused;
    case CURLE_GOT_NOTHING:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return HttpFailure::kConnectionDropped;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
      return HttpFailure::kTls;
    default:
      return HttpFailure::kOther;
  }
}

bool iequals_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

struct Received {
  std::string body;
  std::optional<std::string> retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t n, void* user) {
  static_cast<Received*>(user)->body.append(data, size * n);
  return size * n;
}

std::size_t on_header(char* data, std::size_t size, std::size_t n, void* user) {
  const std::string_view line(data, size * n);
  constexpr std::string_view kName = "retry-after:";
  if (iequals_prefix(line, kName)) {
    static_cast<Received*>(user)->retry_after = std::string(trim(line.substr(kName.size())));
  }
  return size * n;
}

struct UrlParts {
  std::string scheme;
  std::string host;
};

// Scheme and host of `url` through curl's own parser (the one that will send the request), so
// the loopback check and the request can never disagree on the host.
std::optional<UrlParts> split_url(std::string_view url) {
  init_curl_once();
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  if (!handle) return std::nullopt;
  const std::string text(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return std::nullopt;
  UrlParts parts;
  for (auto [part, out] :
       {std::pair{CURLUPART_SCHEME, &parts.scheme}, std::pair{CURLUPART_HOST, &parts.host}}) {
    char* value = nullptr;
    if (curl_url_get(handle.get(), part, &value, 0) != CURLUE_OK || value == nullptr) {
      return std::nullopt;
    }
    *out = value;
    curl_free(value);
  }
  std::transform(parts.scheme.begin(), parts.scheme.end(), parts.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::transform(parts.host.begin(), parts.host.end(), parts.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return parts;
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "[::1]" || host == "::1") return true;
  // 127.0.0.0/8 written as a dotted quad.
  unsigned a = 0, b = 0, c = 0, d = 0;
  char tail = 0;
  if (std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4) {
    return a == 127 && b < 256 && c < 256 && d < 256;
  }
  return false;
}

}  // namespace

std::string_view failure_name(HttpFailure failure) {
  switch (failure) {
    case HttpFailure::kNone:
      return "none";
    case HttpFailure::kTimeout:
      return "timeout";
    case HttpFailure::kConnectionDropped:
      return "connection dropped";
    case HttpFailure::kConnectionRefused:
      return "connection refused";
    case HttpFailure::kDnsFailure:
      return "host name not resolved";
    case HttpFailure::kTls:
      return "TLS failure";
    case HttpFailure::kOther:
      return "transfer failed";
  }
  return "transfer failed";
}

bool is_loopback_url(std::string_view url) {
  const auto parts = split_url(url);
  return parts && is_loopback_host(parts->host);
}

void check_remote_url(std::string_view url, bool allow_plain_http, std::string_view what) {
  const auto parts = split_url(url);
  const std::string name(what);
  if (!parts || parts->host.empty()) {
    throw InputError(name + " '" + std::string(url) + "' is not a URL", {}, 0,
                     "write e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1");
  }
  if (parts->scheme == "https") return;
  if (parts->scheme != "http") {
    throw InputError(name + " '" + std::string(url) + "': only http and https are supported", {}, 0,
                     "write e.g. https://api.openai.com/v1");
  }
  if (is_loopback_host(parts->host) || allow_plain_http) return;
  throw InputError(name + " '" + std::string(url) + "' is plain http to a host that is not " +
                       "loopback: the documents (and any API key) would travel unencrypted",
                   {}, 0, "use https, or add allow_http=true to the spec if the network is yours");
}

std::optional<double> parse_retry_after(std::string_view value, double now_s) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (ec == std::errc() && end == value.data() + value.size()) {
    if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
    return seconds;
  }
  const std::string text(value);
  const time_t when = curl_getdate(text.c_str(), nullptr);
  if (when == -1) return std::nullopt;
  return std::max(0.0, static_cast<double>(when) - now_s);
}

HttpClient::HttpClient() {
  init_curl_once();
  curl_ = curl_easy_init();
  EMBEVAL_CHECK(curl_ != nullptr, "curl_easy_init failed");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpClient::post_json(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  Received received;
  char error_buffer[CURL_ERROR_SIZE] = {0};

  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                      &curl_slist_free_all);
  auto add_header = [&](const std::string& line) {
    curl_slist* next = curl_slist_append(headers.get(), line.c_str());
    EMBEVAL_CHECK(next != nullptr, "curl_slist_append failed");
    headers.release();
    headers.reset(next);
  };
  add_header("Content-Type: application/json");
  add_header("Accept: application/json");
  add_header("Expect:");  // no 100-continue round trip before the body
  for (const auto& [name, value] : request.headers) add_header(name + ": " + value);
  std::string authorization;
  if (!request.bearer_token.empty()) {
    authorization = "Authorization: Bearer " + request.bearer_token;
    add_header(authorization);
  }

  const auto timeout_ms = static_cast<long>(std::ceil(std::max(0.001, request.timeout_s) * 1000));
  const auto connect_ms = std::min(
      timeout_ms, static_cast<long>(std::ceil(std::max(0.001, request.connect_timeout_s) * 1000)));
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect must not carry the key away
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);        // threads: no SIGALRM for timeouts
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &received);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &received);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // whatever curl can decode

  const CURLcode code = curl_easy_perform(curl);
  // Scrub our copy of the key; curl's copy goes with the slist below.
  std::fill(authorization.begin(), authorization.end(), '\0');

  HttpResponse response;
  response.failure = classify(code);
  if (response.failure != HttpFailure::kNone) {
    response.error = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    return response;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  if (received.retry_after) {
    response.retry_after_s =
        parse_retry_after(*received.retry_after, static_cast<double>(std::time(nullptr)));
  }
  response.body = std::move(received.body);
  return response;
}

}  // namespace embeval
