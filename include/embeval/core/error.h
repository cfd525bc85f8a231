// Two tiers of failure (see docs/errors.md):
//  * InputError: the user's input is wrong (a file, a flag, a spec). It names the file and line
//    when there is one and says how to fix it. The CLI prints it and exits with status 2.
//  * EMBEVAL_CHECK: an invariant of our own code broke. It prints and aborts; never caught.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace embeval {

class InputError : public std::runtime_error {
 public:
  // `file` may be empty (e.g. a bad flag); `line` is 1-based, 0 when not meaningful.
  InputError(std::string message, std::string file = {}, std::size_t line = 0,
             std::string hint = {});

  const std::string& file() const noexcept { return file_; }
  std::size_t line() const noexcept { return line_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& hint() const noexcept { return hint_; }

 private:
  std::string file_;
  std::size_t line_;
  std::string message_;
  std::string hint_;
};

[[noreturn]] void check_failed(const char* expr, const char* file, int line,
                               const std::string& msg);

}  // namespace embeval

#define EMBEVAL_CHECK(cond, msg)                                            \
  do {                                                                      \
    if (!(cond)) ::embeval::check_failed(#cond, __FILE__, __LINE__, (msg)); \
  } while (0)
