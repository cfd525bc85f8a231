#include "support/fault_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

namespace embeval::testing {
namespace {

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

void send_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;  // the client gave up (e.g. its timeout): nothing to do
    sent += static_cast<std::size_t>(n);
  }
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Status";
  }
}

void respond(int fd, int status, const std::string& body,
             const std::optional<std::string>& retry_after) {
  std::ostringstream head;
  head << "HTTP/1.1 " << status << " " << reason(status) << "\r\n"
       << "Content-Type: application/json\r\nConnection: close\r\n"
       << "Content-Length: " << body.size() << "\r\n";
  if (retry_after) head << "Retry-After: " << *retry_after << "\r\n";
  head << "\r\n";
  send_all(fd, head.str() + body);
}

std::string format_float(float v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", static_cast<double>(v));
  return buffer;
}

// POST .../rerank: scripted faults as for embeddings; otherwise each document's score is
// fault_server_vector(query + "\n" + document, 1)[0], answered in Cohere's shape ({"results":
// [{"index","relevance_score"}], "usage"}) for "documents", in TEI's ([{"index","score"}]) for
// "texts". kSlow is not delayed here; kWrongRowCount drops the last result.
void serve_rerank(int fd, const std::string& body, const FaultStep& step) {
  if (step.fault == Fault::kStatus) {
    respond(fd, step.status, step.body, step.retry_after);
    return;
  }
  if (step.fault == Fault::kClose) return;
  if (step.fault == Fault::kMalformedJson) {
    respond(fd, 200, R"({"results":[{"index":0,"relevance_score":)", {});
    return;
  }
  const nlohmann::json request = nlohmann::json::parse(body, nullptr, false);
  const bool tei = !request.is_discarded() && request.contains("texts");
  const char* field = tei ? "texts" : "documents";
  if (request.is_discarded() || !request.contains("query") || !request["query"].is_string() ||
      !request.contains(field) || !request[field].is_array()) {
    respond(fd, 400, R"({"error":"query and documents (or texts) are required"})", {});
    return;
  }
  const std::string query = request["query"].get<std::string>();
  nlohmann::json results = nlohmann::json::array();
  std::size_t tokens = fault_server_tokens(query) * request[field].size();
  std::size_t index = 0;
  for (const auto& d : request[field]) {
    const std::string text = d.get<std::string>();
    tokens += fault_server_tokens(text);
    const float score = fault_server_vector(query + "\n" + text, 1)[0];
    results.push_back({{"index", index++}, {tei ? "score" : "relevance_score", score}});
  }
  if (step.fault == Fault::kWrongRowCount && !results.empty()) results.erase(results.end() - 1);
  if (step.fault == Fault::kShuffled) std::reverse(results.begin(), results.end());
  nlohmann::json answer = results;
  if (!tei) {
    answer = {{"results", results}};
    if (step.fault != Fault::kNoUsage) answer["usage"] = {{"prompt_tokens", tokens}};
  }
  respond(fd, 200, answer.dump(), {});
}

}  // namespace

std::vector<float> fault_server_vector(std::string_view text, std::size_t dim) {
  std::uint64_t state = fnv1a(text);
  std::vector<float> v(dim);
  for (float& x : v) {
    const double u = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;  // [0, 1)
    x = static_cast<float>(2 * u - 1);
  }
  return v;
}

std::size_t fault_server_tokens(std::string_view text) {
  std::size_t words = 0;
  bool in_word = false;
  for (unsigned char c : text) {
    const bool space = std::isspace(c) != 0;
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return std::max<std::size_t>(1, words);
}

FaultServer::FaultServer() {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("FaultServer: socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;  // the kernel picks a free port
  socklen_t length = sizeof address;
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("FaultServer: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FaultServer::~FaultServer() {
  stopping_ = true;
  stop_signal_.notify_all();
  ::shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
  acceptor_.join();
  ::close(listen_fd_);
  std::vector<std::thread> connections;
  {
    std::lock_guard lock(mutex_);
    connections.swap(connections_);
  }
  for (auto& t : connections) t.join();
}

std::string FaultServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

void FaultServer::script(std::vector<FaultStep> steps) {
  std::lock_guard lock(mutex_);
  for (auto& s : steps) script_.push_back(std::move(s));
}

void FaultServer::set_fallback(FaultStep step) {
  std::lock_guard lock(mutex_);
  fallback_ = std::move(step);
}

void FaultServer::set_chat_reply(std::function<std::string(const std::vector<ChatTurn>&)> reply) {
  std::lock_guard lock(mutex_);
  chat_reply_ = std::move(reply);
}

std::vector<RecordedRequest> FaultServer::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

std::size_t FaultServer::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

std::size_t FaultServer::texts_answered() const {
  std::lock_guard lock(mutex_);
  return texts_answered_;
}

FaultStep FaultServer::next_step() {
  std::lock_guard lock(mutex_);
  if (script_.empty()) return fallback_;
  FaultStep step = std::move(script_.front());
  script_.pop_front();
  return step;
}

void FaultServer::pause(double seconds) {
  std::unique_lock lock(mutex_);
  stop_signal_.wait_for(lock, std::chrono::duration<double>(seconds),
                        [this] { return stopping_.load(); });
}

void FaultServer::accept_loop() {
  while (!stopping_) {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard lock(mutex_);
    connections_.emplace_back([this, fd] {
      serve(fd);
      ::close(fd);
    });
  }
}

void FaultServer::serve(int fd) {
  // Read the head, then Content-Length bytes of body.
  std::string data;
  char buffer[8192];
  std::size_t head_end = std::string::npos;
  std::size_t content_length = 0;
  while (true) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return;
    data.append(buffer, static_cast<std::size_t>(n));
    if (head_end == std::string::npos) {
      head_end = data.find("\r\n\r\n");
      if (head_end == std::string::npos) continue;
      const std::string head = lower(data.substr(0, head_end));
      const auto at = head.find("\r\ncontent-length:");
      if (at != std::string::npos) content_length = std::stoul(head.substr(at + 17));
    }
    if (data.size() >= head_end + 4 + content_length) break;
  }
  RecordedRequest request;
  const std::string head = data.substr(0, head_end);
  std::istringstream first_line(head.substr(0, head.find("\r\n")));
  first_line >> request.method >> request.path;
  const std::string head_lower = lower(head);
  const auto auth = head_lower.find("\r\nauthorization:");
  if (auth != std::string::npos) {
    const std::size_t begin = auth + 16;
    const std::size_t end = head.find("\r\n", begin);
    request.authorization = head.substr(begin, end - begin);
    request.authorization.erase(0, request.authorization.find_first_not_of(' '));
  }
  request.body = data.substr(head_end + 4, content_length);

  const FaultStep step = next_step();
  request.fault = step.fault;
  if (request.method == "POST" && request.path.size() >= 7 &&
      request.path.compare(request.path.size() - 7, 7, "/rerank") == 0) {
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
    }
    serve_rerank(fd, request.body, step);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  const auto ends_with = [&](std::string_view suffix) {
    return request.path.size() >= suffix.size() &&
           request.path.compare(request.path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (request.method == "POST" && ends_with("/chat/completions")) {
    serve_chat(fd, request, step);
    return;
  }
  const bool embeddings = ends_with("/embeddings");
  if (request.method != "POST" || !embeddings) {
    respond(fd, 404, R"({"error":{"message":"no such endpoint","type":"invalid_request_error"}})",
            {});
    return;
  }
  switch (step.fault) {
    case Fault::kStatus:
      respond(fd, step.status, step.body, step.retry_after);
      return;
    case Fault::kClose:
      return;
    case Fault::kMalformedJson:
      respond(fd, 200, R"({"data":[{"index":0,"embedding":[0.1,)", {});
      return;
    case Fault::kSlow:
      pause(step.delay_s);
      if (stopping_) return;
      break;
    default:
      break;
  }

  nlohmann::json parsed = nlohmann::json::parse(request.body, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("input") || !parsed["input"].is_array()) {
    respond(fd, 400, R"({"error":{"message":"input must be an array of strings"}})", {});
    return;
  }
  const std::size_t dim =
      parsed.contains("dimensions") ? parsed["dimensions"].get<std::size_t>() : default_dimension;
  std::vector<std::string> rows;
  std::size_t tokens = 0;
  const auto& input = parsed["input"];
  for (std::size_t i = 0; i < input.size(); ++i) {
    const std::string text = input[i].get<std::string>();
    tokens += fault_server_tokens(text);
    std::string row = R"({"object":"embedding","index":)" + std::to_string(i) + R"(,"embedding":[)";
    const auto v = fault_server_vector(text, dim);
    for (std::size_t d = 0; d < v.size(); ++d) {
      if (d > 0) row += ',';
      row += format_float(v[d]);
    }
    rows.push_back(row + "]}");
  }
  if (step.fault == Fault::kWrongRowCount && !rows.empty()) rows.pop_back();
  if (step.fault == Fault::kShuffled) std::reverse(rows.begin(), rows.end());
  std::string body = R"({"object":"list","model":"fault-server","data":[)";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) body += ',';
    body += rows[i];
  }
  body += "]";
  if (step.fault != Fault::kNoUsage) {
    body += R"(,"usage":{"prompt_tokens":)" + std::to_string(tokens) + R"(,"total_tokens":)" +
            std::to_string(tokens) + "}";
  }
  body += "}";
  if (step.fault != Fault::kWrongRowCount) {
    std::lock_guard lock(mutex_);
    texts_answered_ += input.size();
  }
  respond(fd, 200, body, {});
}

void FaultServer::serve_chat(int fd, const RecordedRequest& request, const FaultStep& step) {
  switch (step.fault) {
    case Fault::kStatus:
      respond(fd, step.status, step.body, step.retry_after);
      return;
    case Fault::kClose:
      return;
    case Fault::kMalformedJson:
      respond(fd, 200, R"({"choices":[{"index":0,"message":{"role":"assistant","content":"2)", {});
      return;
    case Fault::kSlow:
      pause(step.delay_s);
      if (stopping_) return;
      break;
    default:
      break;
  }
  const nlohmann::json parsed = nlohmann::json::parse(request.body, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("messages") || !parsed["messages"].is_array()) {
    respond(fd, 400, R"({"error":{"message":"messages must be an array"}})", {});
    return;
  }
  std::vector<ChatTurn> turns;
  std::size_t prompt_tokens = 0;
  for (const auto& m : parsed["messages"]) {
    if (!m.is_object() || !m.contains("role") || !m["role"].is_string() || !m.contains("content") ||
        !m["content"].is_string()) {
      respond(fd, 400, R"({"error":{"message":"each message needs a role and a content"}})", {});
      return;
    }
    turns.emplace_back(m["role"].get<std::string>(), m["content"].get<std::string>());
    prompt_tokens += fault_server_tokens(turns.back().second);
  }
  std::function<std::string(const std::vector<ChatTurn>&)> reply_of;
  {
    std::lock_guard lock(mutex_);
    reply_of = chat_reply_;
  }
  const std::string reply = reply_of ? reply_of(turns) : "fault-server reply";
  nlohmann::json answer = {{"id", "chatcmpl-fault"},
                           {"object", "chat.completion"},
                           {"model", "fault-server"},
                           {"choices", nlohmann::json::array()}};
  if (step.fault != Fault::kWrongRowCount) {
    answer["choices"].push_back({{"index", 0},
                                 {"message", {{"role", "assistant"}, {"content", reply}}},
                                 {"finish_reason", "stop"}});
  }
  if (step.fault != Fault::kNoUsage) {
    const std::size_t completion_tokens = fault_server_tokens(reply);
    answer["usage"] = {{"prompt_tokens", prompt_tokens},
                       {"completion_tokens", completion_tokens},
                       {"total_tokens", prompt_tokens + completion_tokens}};
  }
  respond(fd, 200, answer.dump(), {});
}

}  // namespace embeval::testing
