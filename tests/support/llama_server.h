// A real llama-server (llama.cpp's, built by scripts/setup_llama.sh into the prefix's
// bin/llama-server) serving one GGUF file on 127.0.0.1, for the tests of served models.
//
// The constructor picks a free loopback port, starts the server with the arguments given
// (e.g. --embeddings --pooling mean) and waits until GET /health answers 200; the destructor
// stops it (SIGTERM, then SIGKILL after 10 s) and reaps it. The server never outlives the test:
// it is started with PR_SET_PDEATHSIG = SIGKILL, so a test process that crashes or is killed
// takes it down too. Its output goes to a log file in a TempDir, shown when it fails to start.
// Only 127.0.0.1 is ever bound or connected to. Standard library and POSIX only.
//
// Not thread-safe: one fixture per thread; the object is neither copied nor moved.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.h"

namespace embeval::testing {

class LlamaServer {
 public:
  // Starts `server_binary` on `model` with `extra_args`. Throws std::runtime_error (with the
  // server's log) when it exits or does not become healthy within `startup_timeout`.
  LlamaServer(const std::filesystem::path& server_binary, const std::filesystem::path& model,
              const std::vector<std::string>& extra_args,
              std::chrono::seconds startup_timeout = std::chrono::seconds(120))
      : log_dir_("embeval-llama-server"), log_(log_dir_.path() / "server.log") {
    // A port taken between the probe and the server's bind makes the server exit: try again.
    for (int attempt = 0; attempt < 5; ++attempt) {
      port_ = free_loopback_port();
      start(server_binary, model, extra_args);
      if (wait_healthy(startup_timeout)) return;
      const bool exited = pid_ <= 0;
      stop();
      if (!exited) break;  // alive but never healthy: another port will not help
    }
    throw std::runtime_error("llama-server did not become healthy; its log:\n" + log_text());
  }
  ~LlamaServer() { stop(); }
  LlamaServer(const LlamaServer&) = delete;
  LlamaServer& operator=(const LlamaServer&) = delete;

  [[nodiscard]] int port() const { return port_; }
  // "http://127.0.0.1:PORT"
  [[nodiscard]] std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  [[nodiscard]] std::string log_text() const {
    std::ifstream f(log_);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
  }

  // One HTTP/1.1 request to the server with Connection: close; returns the status code and puts
  // the body in `body` (chunked bodies are not decoded: the tests ask llama-server, which sends
  // Content-Length). -1 when the connection fails.
  int request(const std::string& method, const std::string& path, const std::string& payload,
              std::string* body) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    sockaddr_in addr = loopback(port_);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return -1;
    }
    std::string req = method + " " + path +
                      " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                      "\r\nConnection: close\r\n";
    if (!payload.empty()) {
      req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(payload.size()) +
             "\r\n";
    }
    req += "\r\n" + payload;
    for (std::size_t sent = 0; sent < req.size();) {
      const ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        ::close(fd);
        return -1;
      }
      sent += static_cast<std::size_t>(n);
    }
    std::string response;
    char buf[8192];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) response.append(buf, n);
    ::close(fd);
    const std::size_t end_of_head = response.find("\r\n\r\n");
    if (response.compare(0, 9, "HTTP/1.1 ") != 0 || end_of_head == std::string::npos) return -1;
    if (body != nullptr) *body = response.substr(end_of_head + 4);
    return std::stoi(response.substr(9, 3));
  }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }

  // A port the kernel hands out for 127.0.0.1 and that is free right now.
  static int free_loopback_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ::close(fd);
      throw std::runtime_error("no free loopback port");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
  }

  void start(const std::filesystem::path& binary, const std::filesystem::path& model,
             const std::vector<std::string>& extra_args) {
    std::vector<std::string> args{binary.string(),       "--host", "127.0.0.1",   "--port",
                                  std::to_string(port_), "-m",     model.string()};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log = log_.string();
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork() failed");
    if (pid == 0) {  // child: async-signal-safe calls only
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      if (out >= 0) {
        ::dup2(out, 1);
        ::dup2(out, 2);
      }
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    pid_ = pid;
  }

  // Polls /health every 100 ms; false when the server exits (pid_ = 0) or time runs out.
  bool wait_healthy(std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        return false;
      }
      if (request("GET", "/health", "", nullptr) == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {  // 10 s
      if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = 0;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = 0;
  }

  TempDir log_dir_;
  std::filesystem::path log_;
  int port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace embeval::testing
