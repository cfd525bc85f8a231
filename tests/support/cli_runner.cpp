#include "support/cli_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

extern char** environ;

namespace embeval::testing {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const char* what) {
  throw std::runtime_error(std::string("run_embeval: ") + what + ": " + std::strerror(errno));
}

// The parent's environment with `overrides` set; built before fork, since the child may only
// call async-signal-safe functions.
std::vector<std::string> child_environment(
    const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view entry(*e);
    bool overridden = false;
    for (const auto& [name, value] : overrides) {
      overridden |= entry.starts_with(name + "=");
    }
    if (!overridden) env.emplace_back(entry);
  }
  for (const auto& [name, value] : overrides) env.push_back(name + "=" + value);
  return env;
}

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Both ends close on exec (the child's copies on 0, 1, 2 stay) and when the Pipe is destroyed.
struct Pipe {
  int read = -1;
  int write = -1;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) fail("pipe");
    read = fds[0];
    write = fds[1];
  }
  ~Pipe() {
    close_fd(read);
    close_fd(write);
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
};

}  // namespace

std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

CliResult run_embeval(std::string_view args, const CliOptions& options) {
  // exec: the shell becomes embeval, so the pid (and a SIGKILL) is the binary's own.
  const std::string command =
      "exec " + shell_quote(EMBEVAL_BINARY) + " --quiet " + std::string(args);
  const std::vector<std::string> env = child_environment(options.env);
  std::vector<char*> envp;
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const char* argv[] = {"sh", "-c", command.c_str(), nullptr};

  if (!options.stdin_text.empty()) {
    // A process may exit without reading all of stdin: the write must fail with EPIPE, not kill
    // the test. The child restores the default before exec (an ignored signal stays ignored).
    ::signal(SIGPIPE, SIG_IGN);
  }
  Pipe in, out, err;
  const auto start = Clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) fail("fork");
  if (pid == 0) {
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    ::sigaction(SIGPIPE, &default_action, nullptr);
    if (::dup2(in.read, 0) < 0 || ::dup2(out.write, 1) < 0 || ::dup2(err.write, 2) < 0) _exit(126);
    ::execve("/bin/sh", const_cast<char* const*>(argv), envp.data());
    _exit(127);
  }
  close_fd(in.read);
  close_fd(out.write);
  close_fd(err.write);
  // Written between reads, so that a process that prints before it reads cannot deadlock us.
  ::fcntl(in.write, F_SETFL, O_NONBLOCK);
  if (options.stdin_text.empty()) close_fd(in.write);

  CliResult result;
  std::size_t stdin_written = 0;
  bool killed = false;
  std::array<char, 65536> buffer;
  // Appends what `fd` has to `text`; closes it at end of file.
  auto drain = [&](int& fd, short revents, std::string& text) {
    if (fd < 0 || (revents & (POLLIN | POLLHUP | POLLERR)) == 0) return;
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
      text.append(buffer.data(), static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      close_fd(fd);
    }
  };
  while (out.read >= 0 || err.read >= 0) {
    std::array<pollfd, 3> fds = {pollfd{out.read, POLLIN, 0}, pollfd{err.read, POLLIN, 0},
                                 pollfd{in.write, POLLOUT, 0}};
    int timeout_ms = -1;  // poll ignores the negative descriptors of closed streams
    if (options.kill_after_s && !killed) {
      const auto left =
          std::chrono::duration<double>(*options.kill_after_s) - (Clock::now() - start);
      if (left.count() <= 0) {
        ::kill(pid, SIGKILL);  // the streams close when it dies
        killed = true;
        continue;
      }
      timeout_ms = static_cast<int>(std::chrono::ceil<std::chrono::milliseconds>(left).count());
    }
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0) {
      if (errno == EINTR) continue;
      fail("poll");
    }
    if (ready == 0) continue;  // the deadline came: the next round kills
    drain(out.read, fds[0].revents, result.out);
    drain(err.read, fds[1].revents, result.err);
    if (in.write >= 0 && fds[2].revents != 0) {
      const std::string_view rest = std::string_view(options.stdin_text).substr(stdin_written);
      const ssize_t n = ::write(in.write, rest.data(), rest.size());
      if (n > 0) stdin_written += static_cast<std::size_t>(n);
      // EPIPE: the process closed stdin without reading it all, which is its right.
      if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
          stdin_written == options.stdin_text.size()) {
        close_fd(in.write);
      }
    }
  }
  close_fd(in.write);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) fail("waitpid");
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (WIFEXITED(status)) result.status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace embeval::testing
