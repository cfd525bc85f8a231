// Runs the built `embeval` binary (EMBEVAL_BINARY) as a user would, for end-to-end CLI tests.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace embeval::testing {

struct CliOutput {
  int status = -1;
  std::string text;  // stdout and stderr
};

// `embeval --quiet ARGS` through the shell (quote specs holding '&' or '?').
inline CliOutput run_embeval(const std::string& args) {
  const std::string cmd = std::string(EMBEVAL_BINARY) + " --quiet " + args + " 2>&1";
  CliOutput out;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.text.append(buf.data(), n);
  const int status = pclose(pipe);
  out.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return out;
}

}  // namespace embeval::testing
