#include "embeval/core/error.h"

#include <cstdio>
#include <cstdlib>
#include <sstream>

namespace embeval {
namespace {

std::string format_input_error(const std::string& message, const std::string& file,
                               std::size_t line, const std::string& hint) {
  std::ostringstream out;  // not string concatenation: GCC 12 warns falsely (-Wrestrict)
  if (!file.empty()) {
    out << file;
    if (line > 0) out << ':' << line;
    out << ": ";
  }
  out << message;
  if (!hint.empty()) out << " (hint: " << hint << ")";
  return out.str();
}

}  // namespace

InputError::InputError(std::string message, std::string file, std::size_t line, std::string hint)
    : std::runtime_error(format_input_error(message, file, line, hint)),
      file_(std::move(file)),
      line_(line),
      message_(std::move(message)),
      hint_(std::move(hint)) {}

void check_failed(const char* expr, const char* file, int line, const std::string& msg) {
  std::fprintf(stderr, "embeval: internal error at %s:%d: check `%s` failed: %s\n", file, line,
               expr, msg.c_str());
  std::abort();
}

}  // namespace embeval
