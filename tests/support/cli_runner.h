// The one way tests run the built `embeval` binary (EMBEVAL_BINARY) as a user would: the
// arguments go through /bin/sh (so a test writes them as on a command line and quotes paths
// and specs holding '&', '?' or spaces, e.g. with shell_quote), "--quiet" is put first (progress
// lines are for terminals), stdout and stderr are captured apart, stdin is the given text or
// empty, and the process inherits this one's environment plus the given variables. The call
// blocks until the process ends; it is safe to call from several threads at once.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace embeval::testing {

struct CliOptions {
  std::string stdin_text;  // what the process reads on stdin (then end of file)
  // Set in the process's environment, over what this process has.
  std::vector<std::pair<std::string, std::string>> env;
  // Sends SIGKILL after this many seconds of wall time unless the process ended first.
  std::optional<double> kill_after_s;
};

struct CliResult {
  int status = -1;     // exit status; -1 when a signal ended the process
  int signal = 0;      // the signal that ended it, 0 when it exited
  std::string out;     // all of stdout
  std::string err;     // all of stderr
  double seconds = 0;  // wall time from start to end

  // stdout then stderr: for searching messages wherever the binary prints them (each stream's
  // lines stay whole; their order across the two streams is not kept).
  std::string output() const { return out + err; }
};

// Runs `embeval --quiet ARGS`; ARGS is parsed by /bin/sh.
CliResult run_embeval(std::string_view args, const CliOptions& options = {});

// `text` as one shell word: in single quotes, each ' written as '\''.
std::string shell_quote(std::string_view text);

}  // namespace embeval::testing
