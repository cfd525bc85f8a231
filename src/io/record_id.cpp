#include "embeval/io/record_id.h"

#include <cstdint>
#include <cstdio>

#include "embeval/core/error.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

const char* forbidden_name(std::uint32_t cp) {
  switch (cp) {
    case 0x00:
      return "a NUL";
    case 0x09:
      return "a tab";
    case 0x0A:
      return "a newline";
    case 0x0B:
      return "a vertical tab";
    case 0x0C:
      return "a form feed";
    case 0x0D:
      return "a carriage return";
    case 0x20:
      return "a space";
    case 0x85:
      return "a next-line control";
    case 0xA0:
    case 0x202F:
      return "a no-break space";
    case 0x2028:
      return "a line separator";
    case 0x2029:
      return "a paragraph separator";
    case 0xFEFF:  // invisible; a byte-order mark left inside concatenated files
      return "a byte-order mark";
    default:
      break;
  }
  if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F)) return "a control character";
  if (cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x205F || cp == 0x3000) {
    return "a Unicode space";
  }
  return nullptr;
}

// The id as it can be shown in one line of an error message: controls escaped.
std::string printable(std::string_view id) {
  constexpr std::size_t kMaxShown = 80;
  std::string out;
  for (std::size_t i = 0; i < id.size() && i < kMaxShown; ++i) {
    const unsigned char c = static_cast<unsigned char>(id[i]);
    if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (id.size() > kMaxShown) out += "...";
  return out;
}

}  // namespace

std::string record_id_problem(std::string_view id) {
  if (id.empty()) return "is empty";
  for (std::size_t pos = 0; pos < id.size();) {
    std::uint32_t cp = 0;
    const std::size_t len = decode_utf8(id, pos, cp);
    if (len == 0) return "is not valid UTF-8 (byte " + std::to_string(pos + 1) + ")";
    if (const char* name = forbidden_name(cp)) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(cp));
      return std::string("holds ") + name + " (" + code + ") at byte " + std::to_string(pos + 1);
    }
    pos += len;
  }
  return {};
}

void validate_record_id(std::string_view id, std::string_view what, const std::string& file,
                        std::size_t line) {
  const std::string problem = record_id_problem(id);
  if (problem.empty()) return;
  throw InputError(std::string(what) + " \"" + printable(id) + "\" " + problem, file, line,
                   "ids must be non-empty UTF-8 without whitespace or control characters: they "
                   "are written to TREC runs and one-per-line ids files");
}

}  // namespace embeval
