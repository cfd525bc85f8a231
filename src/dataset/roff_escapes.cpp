#include "dataset/roff_escapes.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>

#include "embeval/dataset/roff.h"

namespace embeval::roff {
namespace {

struct NamedText {
  std::string_view name;
  std::string_view text;
};

// Special characters (groff_char(7)) that man pages actually use; the rest vanish.
constexpr std::array kSpecialChars = {
    NamedText{"em", "\u2014"},  NamedText{"en", "\u2013"},  NamedText{"hy", "-"},
    NamedText{"mi", "-"},       NamedText{"aq", "'"},       NamedText{"dq", "\""},
    NamedText{"lq", "\u201c"},  NamedText{"rq", "\u201d"},  NamedText{"oq", "\u2018"},
    NamedText{"cq", "\u2019"},  NamedText{"Fo", "\u00ab"},  NamedText{"Fc", "\u00bb"},
    NamedText{"fo", "\u2039"},  NamedText{"fc", "\u203a"},  NamedText{"bu", "\u2022"},
    NamedText{"co", "\u00a9"},  NamedText{"rg", "\u00ae"},  NamedText{"tm", "\u2122"},
    NamedText{"de", "\u00b0"},  NamedText{"+-", "\u00b1"},  NamedText{"mu", "\u00d7"},
    NamedText{"di", "\u00f7"},  NamedText{">=", "\u2265"},  NamedText{"<=", "\u2264"},
    NamedText{"!=", "\u2260"},  NamedText{"==", "\u2261"},  NamedText{"->", "\u2192"},
    NamedText{"<-", "\u2190"},  NamedText{"<>", "\u2194"},  NamedText{"rA", "\u21d2"},
    NamedText{"lA", "\u21d0"},  NamedText{"ua", "\u2191"},  NamedText{"da", "\u2193"},
    NamedText{"ti", "~"},       NamedText{"ha", "^"},       NamedText{"rs", "\\"},
    NamedText{"sl", "/"},       NamedText{"ba", "|"},       NamedText{"or", "|"},
    NamedText{"br", "|"},       NamedText{"ul", "_"},       NamedText{"ru", "_"},
    NamedText{"dg", "\u2020"},  NamedText{"dd", "\u2021"},  NamedText{"sc", "\u00a7"},
    NamedText{"ps", "\u00b6"},  NamedText{"ct", "\u00a2"},  NamedText{"Eu", "\u20ac"},
    NamedText{"eu", "\u20ac"},  NamedText{"Po", "\u00a3"},  NamedText{"Ye", "\u00a5"},
    NamedText{"es", "\u2205"},  NamedText{"if", "\u221e"},  NamedText{"pl", "+"},
    NamedText{"eq", "="},       NamedText{"at", "@"},       NamedText{"sh", "#"},
    NamedText{"Do", "$"},       NamedText{"ga", "`"},       NamedText{"aa", "\u00b4"},
    NamedText{"a\"", "\u02dd"}, NamedText{"a^", "^"},       NamedText{"a~", "~"},
    NamedText{"ss", "\u00df"},  NamedText{"AE", "\u00c6"},  NamedText{"ae", "\u00e6"},
    NamedText{":a", "\u00e4"},  NamedText{":o", "\u00f6"},  NamedText{":u", "\u00fc"},
    NamedText{":A", "\u00c4"},  NamedText{":O", "\u00d6"},  NamedText{":U", "\u00dc"},
    NamedText{"'e", "\u00e9"},  NamedText{"`e", "\u00e8"},  NamedText{"'a", "\u00e1"},
    NamedText{"`a", "\u00e0"},  NamedText{",c", "\u00e7"},  NamedText{"~n", "\u00f1"},
    NamedText{"*a", "\u03b1"},  NamedText{"*b", "\u03b2"},  NamedText{"*g", "\u03b3"},
    NamedText{"*d", "\u03b4"},  NamedText{"*e", "\u03b5"},  NamedText{"*l", "\u03bb"},
    NamedText{"*m", "\u03bc"},  NamedText{"*p", "\u03c0"},  NamedText{"*s", "\u03c3"},
    NamedText{"*S", "\u03a3"},  NamedText{"ca", "\u2229"},  NamedText{"cu", "\u222a"},
    NamedText{"mo", "\u2208"},  NamedText{"sr", "\u221a"},  NamedText{"pd", "\u2202"},
    NamedText{"no", "\u00ac"},  NamedText{"OK", "\u2713"},  NamedText{"lB", "["},
    NamedText{"rB", "]"},       NamedText{"lC", "{"},       NamedText{"rC", "}"},
    NamedText{"la", "\u27e8"},  NamedText{"ra", "\u27e9"},  NamedText{"bv", "|"},
    NamedText{"pc", "\u00b7"},  NamedText{"md", "\u22c5"},  NamedText{"%0", "\u2030"},
    NamedText{"12", "\u00bd"},  NamedText{"14", "\u00bc"},  NamedText{"34", "\u00be"},
    NamedText{"S1", "\u00b9"},  NamedText{"S2", "\u00b2"},  NamedText{"S3", "\u00b3"},
    NamedText{"nb", "\u2284"},  NamedText{"ap", "~"},       NamedText{"~~", "\u2248"},
    NamedText{"~=", "\u2245"},  NamedText{"'", "\u00b4"},   NamedText{"`", "`"},
    NamedText{"sq", "\u25a1"},  NamedText{"tno", "\u00ac"}, NamedText{"fm", "\u2032"},
};

// Strings predefined by the man (groff an.tmac) and mdoc packages.
constexpr std::array kPredefinedStrings = {
    NamedText{"R", "\u00ae"},  NamedText{"Tm", "\u2122"}, NamedText{"lq", "\u201c"},
    NamedText{"rq", "\u201d"}, NamedText{"S", ""},        NamedText{"HF", ""},
    NamedText{"Ba", "|"},      NamedText{"Ne", "\u2260"}, NamedText{"Ge", "\u2265"},
    NamedText{"Le", "\u2264"}, NamedText{"Gt", ">"},      NamedText{"Lt", "<"},
    NamedText{"Pm", "\u00b1"}, NamedText{"If", "\u221e"}, NamedText{"Pi", "\u03c0"},
    NamedText{"Na", "NaN"},    NamedText{"Am", "&"},      NamedText{"Lq", "\u201c"},
    NamedText{"Rq", "\u201d"}, NamedText{"Ua", "\u2191"}, NamedText{"Ra", "\u2192"},
    NamedText{"q", "\""},      NamedText{"Aq", "'"},
};

void append_utf8(std::uint32_t cp, std::string& out) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool is_hex(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

// Skips a delimited argument such as 'text' in \w'text' starting at in[pos] (the delimiter);
// returns the text between the delimiters. Advances pos past the closing delimiter.
std::string_view read_delimited(std::string_view in, std::size_t& pos) {
  if (pos >= in.size()) return {};
  const char delim = in[pos++];
  const std::size_t close = in.find(delim, pos);
  if (close == std::string_view::npos) {
    const std::string_view rest = in.substr(pos);
    pos = in.size();
    return rest;
  }
  const std::string_view inside = in.substr(pos, close - pos);
  pos = close + 1;
  return inside;
}

// \s (point size): \sN, \s+N, \s-N, \s(NN, \s[N], \s'N'. Advances pos past it.
void skip_size(std::string_view in, std::size_t& pos) {
  if (pos < in.size() && (in[pos] == '+' || in[pos] == '-')) ++pos;
  if (pos >= in.size()) return;
  const char c = in[pos];
  if (c == '(') {
    pos = std::min(in.size(), pos + 3);
  } else if (c == '[' || c == '\'') {
    const char close = c == '[' ? ']' : '\'';
    const std::size_t end = in.find(close, pos + 1);
    pos = end == std::string_view::npos ? in.size() : end + 1;
  } else if (c >= '0' && c <= '9') {
    ++pos;
    // Old troff: a size of 10..39 is written with two digits.
    if (c >= '1' && c <= '3' && pos < in.size() && in[pos] >= '0' && in[pos] <= '9') ++pos;
  }
}

}  // namespace

RoffStrings::RoffStrings() {
  for (const NamedText& s : kPredefinedStrings) strings_.emplace(s.name, s.text);
}

namespace {

void check_string_size(const std::string& name, std::size_t bytes) {
  if (bytes > kMaxRoffStringBytes) {
    throw RoffLimitError("string '" + name.substr(0, 40) + "' grows beyond " +
                         std::to_string(kMaxRoffStringBytes >> 20) + " MiB");
  }
}

}  // namespace

void RoffStrings::define(std::string name, std::string plain_value) {
  check_string_size(name, plain_value.size());
  strings_[std::move(name)] = std::move(plain_value);
}

void RoffStrings::append(const std::string& name, std::string_view plain_value) {
  std::string& value = strings_[name];
  check_string_size(name, value.size() + plain_value.size());
  value += plain_value;
}

std::string_view RoffStrings::get(const std::string& name) const {
  auto it = strings_.find(name);
  if (it == strings_.end()) return {};
  expanded_bytes_ += it->second.size();
  if (expanded_bytes_ > kMaxRoffExpansionBytes) {
    throw RoffLimitError("string interpolation produces more than " +
                         std::to_string(kMaxRoffExpansionBytes >> 20) + " MiB");
  }
  return it->second;
}

std::string special_char(std::string_view name) {
  for (const NamedText& c : kSpecialChars) {
    if (c.name == name) return std::string(c.text);
  }
  std::string out;
  // \[u00E9] and composites such as \[u0065_0301].
  if (name.size() >= 5 && name[0] == 'u') {
    std::size_t start = 1;
    while (start < name.size()) {
      std::size_t end = name.find('_', start);
      if (end == std::string_view::npos) end = name.size();
      const std::string_view hex = name.substr(start, end - start);
      if (!is_hex(hex) || hex.size() > 6) return {};
      append_utf8(static_cast<std::uint32_t>(std::strtoul(std::string(hex).c_str(), nullptr, 16)),
                  out);
      start = end + 1;
    }
    return out;
  }
  if (name.size() > 4 && name.substr(0, 4) == "char") {  // \[char65] -> "A"
    const std::string digits(name.substr(4));
    char* end = nullptr;
    const unsigned long cp = std::strtoul(digits.c_str(), &end, 10);
    if (end != nullptr && *end == '\0' && cp < 256)
      append_utf8(static_cast<std::uint32_t>(cp), out);
    return out;
  }
  if (name.size() == 1) return std::string(name);  // \[-] and similar
  return {};
}

std::string_view read_escape_name(std::string_view in, std::size_t& pos) {
  if (pos >= in.size()) return {};
  if (in[pos] == '(') {
    const std::string_view name = in.substr(pos + 1, 2);
    pos = std::min(in.size(), pos + 3);
    return name;
  }
  if (in[pos] == '[') {
    const std::size_t close = in.find(']', pos + 1);
    if (close == std::string_view::npos) {
      const std::string_view name = in.substr(pos + 1);
      pos = in.size();
      return name;
    }
    const std::string_view name = in.substr(pos + 1, close - pos - 1);
    pos = close + 1;
    return name;
  }
  return in.substr(pos++, 1);
}

EscapeResult convert_escapes(std::string_view in, const RoffStrings& strings, std::string& out,
                             bool mark_dash) {
  EscapeResult result;
  std::size_t pos = 0;
  const std::size_t n = in.size();
  while (pos < n) {
    const std::size_t backslash = in.find('\\', pos);
    if (backslash == std::string_view::npos) {
      out.append(in.substr(pos));
      break;
    }
    out.append(in.substr(pos, backslash - pos));
    pos = backslash + 1;
    if (pos >= n) break;  // a lone trailing backslash (continuation handled by the reader)
    const char c = in[pos++];
    switch (c) {
      case '"':  // comment to end of line
      case '#':
        return result;
      case 'c':
        result.continues = true;
        return result;
      case '-':
        out += mark_dash ? kDashMarker : '-';
        break;
      case 'e':
      case 'E':
      case '\\':
        out += '\\';
        break;
      case ' ':
      case '~':
      case '0':
      case 't':
        out += ' ';
        break;
      case '.':
        out += '.';
        break;
      case '\'':
        out += '\'';
        break;
      case '`':
        out += '`';
        break;
      case '(':
      case '[': {
        --pos;
        const std::string_view name = read_escape_name(in, pos);
        out += special_char(name);
        break;
      }
      case 'C': {
        const std::string_view name = read_delimited(in, pos);
        out += special_char(name);
        break;
      }
      case '*': {
        if (pos < n && (in[pos] == '[')) {
          // \*[name arg ...]: only the name matters here.
          std::string_view name = read_escape_name(in, pos);
          name = name.substr(0, name.find(' '));
          out += strings.get(std::string(name));
        } else {
          out += strings.get(std::string(read_escape_name(in, pos)));
        }
        break;
      }
      case 'n':  // number register: interpolates a number we do not track
        if (pos < n && (in[pos] == '+' || in[pos] == '-')) ++pos;
        read_escape_name(in, pos);
        break;
      case 'f':
      case 'F':
      case 'm':
      case 'M':
      case 'g':
      case 'k':
      case 'V':
      case 'Y':
      case '$':
        read_escape_name(in, pos);
        break;
      case 's':
        skip_size(in, pos);
        break;
      case 'h': {
        // A forward horizontal motion separates words (DocBook writes bullets as
        // \(bu\h'+03'text); a backward one overprints.
        const std::string_view motion = read_delimited(in, pos);
        if (!motion.empty() && motion[0] != '-' && !out.empty() && out.back() != ' ') out += ' ';
        break;
      }
      case 'v':
      case 'w':
      case 'o':
      case 'l':
      case 'L':
      case 'D':
      case 'X':
      case 'Z':
      case 'b':
      case 'x':
      case 'N':
      case 'R':
      case 'A':
      case 'B':
      case 'S':
      case 'H':
        read_delimited(in, pos);
        break;
      case '&':
      case '|':
      case '^':
      case '%':
      case ':':
      case ',':
      case '/':
      case ')':
      case 'a':
      case 'd':
      case 'u':
      case 'r':
      case 'p':
      case 'z':
      case '{':
      case '}':
      case '!':
      case '?':
        break;
      default:  // groff prints an unknown escape's character
        out += c;
        break;
    }
  }
  return result;
}

std::string plain(std::string_view in, const RoffStrings& strings) {
  std::string out;
  convert_escapes(in, strings, out);
  return out;
}

std::vector<std::string> split_arguments(std::string_view args) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  const std::size_t n = args.size();
  while (pos < n) {
    while (pos < n && (args[pos] == ' ' || args[pos] == '\t')) ++pos;
    if (pos >= n) break;
    if (args[pos] == '\\' && pos + 1 < n && (args[pos + 1] == '"' || args[pos + 1] == '#')) break;
    std::string arg;
    if (args[pos] == '"') {
      ++pos;
      while (pos < n) {
        if (args[pos] == '"') {
          if (pos + 1 < n && args[pos + 1] == '"') {  // "" is a literal quote
            arg += '"';
            pos += 2;
            continue;
          }
          ++pos;
          break;
        }
        if (args[pos] == '\\' && pos + 1 < n) {
          if (args[pos + 1] == '"') {  // comment inside an unterminated quote
            pos = n;
            break;
          }
          arg += args[pos];
          arg += args[pos + 1];
          pos += 2;
          continue;
        }
        arg += args[pos++];
      }
    } else {
      while (pos < n && args[pos] != ' ' && args[pos] != '\t') {
        if (args[pos] == '\\' && pos + 1 < n) {
          if (args[pos + 1] == '"' || args[pos + 1] == '#') {
            pos = n;
            break;
          }
          arg += args[pos];
          arg += args[pos + 1];
          pos += 2;
          continue;
        }
        arg += args[pos++];
      }
    }
    out.push_back(std::move(arg));
  }
  return out;
}

}  // namespace embeval::roff
