#include "embeval/util/utf8.h"

#include <utf8proc.h>

namespace embeval {
namespace {

// Length of the valid sequence at `pos`, or a negative value when invalid.
utf8proc_ssize_t valid_length(std::string_view text, std::size_t pos) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
  if (*p < 0x80) return 1;  // ASCII fast path
  utf8proc_int32_t cp = 0;
  return utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
}

}  // namespace

std::size_t decode_utf8(std::string_view text, std::size_t pos, std::uint32_t& code_point) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + pos);
  utf8proc_int32_t cp = 0;
  const utf8proc_ssize_t n =
      utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(text.size() - pos), &cp);
  if (n <= 0) return 0;
  code_point = static_cast<std::uint32_t>(cp);
  return static_cast<std::size_t>(n);
}

std::size_t first_invalid_utf8(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const utf8proc_ssize_t n = valid_length(text, pos);
    if (n <= 0) return pos;
    pos += static_cast<std::size_t>(n);
  }
  return text.size();
}

bool is_valid_utf8(std::string_view text) { return first_invalid_utf8(text) == text.size(); }

std::string replace_invalid_utf8(std::string_view text, std::size_t* replaced) {
  std::string out;
  out.reserve(text.size());
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const utf8proc_ssize_t n = valid_length(text, pos);
    if (n > 0) {
      out.append(text.data() + pos, static_cast<std::size_t>(n));
      pos += static_cast<std::size_t>(n);
    } else {
      out += "\xEF\xBF\xBD";  // U+FFFD for one invalid byte
      ++count;
      ++pos;
    }
  }
  if (replaced != nullptr) *replaced = count;
  return out;
}

}  // namespace embeval
