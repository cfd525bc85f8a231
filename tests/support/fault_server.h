// A fault-injecting stand-in for an OpenAI-compatible embedding server, for the remote layer's
// tests: plain POSIX sockets on 127.0.0.1, on a free port (bound as port 0), started by the
// constructor and stopped by the destructor (so a test fixture member lives exactly one test).
//
// POST <anything>/embeddings answers {"data":[{"index":i,"embedding":[...]}], "usage":...}
// where each vector is fault_server_vector(text, dim): deterministic, computed from the text, so
// a test knows the right answer without a model. dim is the request's "dimensions", or
// default_dimension. usage.prompt_tokens is fault_server_tokens() summed over the inputs.
// POST <anything>/chat/completions answers one choice whose content is chat_reply(messages)
// (default: "fault-server reply"), finish_reason "stop", and usage {prompt_tokens: the words of
// every message's content, completion_tokens: the reply's words} (fault_server_tokens).
// Each request takes the next scripted FaultStep (then `fallback`, normally kNone): a status
// with a body and a Retry-After, a closed connection, an answer slower than the client's timeout,
// malformed JSON, one row too few, rows in shuffled "index" order. One response per connection
// ("Connection: close").
//
// POST <anything>/rerank answers rerank requests the same way (fault_server.cpp, serve_rerank):
// scripted faults, or each document scored fault_server_vector(query + "\n" + document, 1)[0]
// in Cohere's answer shape ("documents") or TEI's ("texts").
//
// Thread-safety: every public member may be called from any thread while the server runs; each
// connection is served on its own thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace embeval::testing {

enum class Fault {
  kNone,           // the right answer
  kStatus,         // `status` with `body` (and Retry-After when set)
  kClose,          // read the request, then close without a word
  kSlow,           // wait `delay_s`, then the right answer (past a short client timeout)
  kMalformedJson,  // 200 with a body that is not JSON
  kWrongRowCount,  // 200 with the last row missing (chat: an empty "choices" array)
  kShuffled,       // 200 with the rows in reverse order (their "index" fields still right)
  kNoUsage,        // 200 without the "usage" object
};

struct FaultStep {
  Fault fault = Fault::kNone;
  int status = 200;
  std::string body;
  std::optional<std::string> retry_after;  // the header's value, e.g. "0"
  double delay_s = 0;

  static FaultStep ok() { return {}; }
  static FaultStep http(int status, std::string body, std::optional<std::string> retry = {}) {
    return {Fault::kStatus, status, std::move(body), std::move(retry), 0};
  }
  static FaultStep of(Fault fault, double delay_s = 0) { return {fault, 200, {}, {}, delay_s}; }
};

struct RecordedRequest {
  std::string method;
  std::string path;
  std::string authorization;  // the header's value, "" when absent
  std::string body;
  Fault fault = Fault::kNone;  // what the server did with it
};

// The server's vector for `text`: `dim` values in [-1, 1) from a splitmix64 stream seeded with
// the text's FNV-1a hash, each exactly representable as float (the JSON carries 9 digits).
std::vector<float> fault_server_vector(std::string_view text, std::size_t dim);
// The server's token count for `text`: its whitespace-separated words, at least 1.
std::size_t fault_server_tokens(std::string_view text);

class FaultServer {
 public:
  FaultServer();
  ~FaultServer();
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  int port() const { return port_; }
  // "http://127.0.0.1:PORT/v1"
  std::string base_url() const;

  // Queues steps for the next requests, in order.
  void script(std::vector<FaultStep> steps);
  // What requests get once the script is used up (default: the right answer).
  void set_fallback(FaultStep step);
  std::size_t default_dimension = 8;  // set before the first request

  // A chat message as the server read it: role, content.
  using ChatTurn = std::pair<std::string, std::string>;
  // What /chat/completions answers for a conversation (called on the connection's thread).
  void set_chat_reply(std::function<std::string(const std::vector<ChatTurn>&)> reply);

  std::vector<RecordedRequest> requests() const;
  std::size_t request_count() const;
  // Texts answered with status 200 and their right vectors (kNone, kSlow, kShuffled, kNoUsage).
  std::size_t texts_answered() const;

 private:
  void accept_loop();
  void serve(int fd);
  FaultStep next_step();
  // Sleeps up to `seconds`, returning early when the server stops.
  void pause(double seconds);
  void serve_chat(int fd, const RecordedRequest& request, const FaultStep& step);

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::condition_variable stop_signal_;
  std::deque<FaultStep> script_;
  FaultStep fallback_;
  std::vector<RecordedRequest> requests_;
  std::size_t texts_answered_ = 0;
  std::function<std::string(const std::vector<ChatTurn>&)> chat_reply_;
  std::vector<std::thread> connections_;
  std::thread acceptor_;
};

}  // namespace embeval::testing
