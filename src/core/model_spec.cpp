#include "embeval/core/model_spec.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <filesystem>

#include "embeval/core/error.h"

namespace embeval {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view in, std::string_view whole) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) {
      throw InputError("truncated percent escape in model spec '" + std::string(whole) + "'", {}, 0,
                       "write a literal % as %25");
    }
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) {
      throw InputError("bad percent escape in model spec '" + std::string(whole) + "'", {}, 0,
                       "write a literal % as %25");
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

// Characters that would be ambiguous in a spec or awkward in a shell get escaped.
std::string percent_encode(std::string_view in, bool is_path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : in) {
    const bool reserved = c == '%' || c == '&' || c == '=' || c == '?' || c == '#' ||
                          (!is_path && c == ':') || c <= 0x20 || c == 0x7f;
    if (reserved) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// A leading "~" or "~/" means $HOME, as in a shell: the shell leaves `gguf:~/m.gguf` alone (the ~
// is not at the start of a word), so the spec does it. "~user/" stays as written.
std::string expand_home(std::string path) {
  if (path.empty() || path[0] != '~' || (path.size() > 1 && path[1] != '/')) return path;
  const char* home = std::getenv("HOME");
  if (home == nullptr || *home == '\0') return path;
  return std::string(home) + path.substr(1);
}

}  // namespace

ModelSpec ModelSpec::parse(std::string_view text) {
  ModelSpec spec;
  const std::size_t q = text.find('?');
  const std::string_view head = text.substr(0, q);
  const std::size_t colon = head.find(':');
  spec.scheme = std::string(head.substr(0, colon));
  if (colon != std::string_view::npos) {
    spec.path = expand_home(percent_decode(head.substr(colon + 1), text));
  }
  if (spec.scheme.empty()) {
    throw InputError("model spec '" + std::string(text) + "' has no scheme", {}, 0,
                     "write e.g. bm25, gguf:model.gguf or static:vectors.txt");
  }
  for (char c : spec.scheme) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      throw InputError("model spec '" + std::string(text) + "' has a bad scheme '" + spec.scheme +
                       "'");
    }
  }
  if (q == std::string_view::npos) return spec;
  std::string_view rest = text.substr(q + 1);
  while (!rest.empty()) {
    const std::size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    if (pair.empty()) continue;
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      throw InputError(
          "model spec '" + std::string(text) + "': '" + std::string(pair) + "' is not key=value",
          {}, 0, "parameters look like ?k1=0.9&b=0.4");
    }
    const std::string key = percent_decode(pair.substr(0, eq), text);
    if (spec.params.count(key) != 0) {
      throw InputError("model spec '" + std::string(text) + "' sets '" + key + "' twice");
    }
    spec.params[key] = percent_decode(pair.substr(eq + 1), text);
  }
  return spec;
}

std::string ModelSpec::to_string() const {
  std::string out = scheme;
  // Appends, not `"x" + string`: GCC 12 warns falsely (-Wrestrict) on that form.
  if (!path.empty()) out.append(":").append(percent_encode(path, /*is_path=*/true));
  char sep = '?';
  for (const auto& [key, value] : params) {
    out += sep;
    out.append(percent_encode(key, false)).append("=").append(percent_encode(value, false));
    sep = '&';
  }
  return out;
}

std::string ModelSpec::get_string(const std::string& key, const std::string& fallback) const {
  const auto it = params.find(key);
  return it == params.end() ? fallback : it->second;
}

double ModelSpec::get_double(const std::string& key, double fallback) const {
  const auto it = params.find(key);
  if (it == params.end()) return fallback;
  char* end = nullptr;
  const double v = std::strtod(it->second.c_str(), &end);
  if (it->second.empty() || *end != '\0' || !std::isfinite(v)) {
    throw InputError("model spec '" + to_string() + "': " + key + "=" + it->second +
                     " is not a finite number");
  }
  return v;
}

long ModelSpec::get_int(const std::string& key, long fallback) const {
  const auto it = params.find(key);
  if (it == params.end()) return fallback;
  long v = 0;
  const auto* first = it->second.data();
  const auto* last = first + it->second.size();
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last) {
    throw InputError("model spec '" + to_string() + "': " + key + "=" + it->second +
                     " is not an integer");
  }
  return v;
}

bool ModelSpec::get_bool(const std::string& key, bool fallback) const {
  const auto it = params.find(key);
  if (it == params.end()) return fallback;
  if (it->second == "true" || it->second == "1" || it->second == "yes") return true;
  if (it->second == "false" || it->second == "0" || it->second == "no") return false;
  throw InputError(
      "model spec '" + to_string() + "': " + key + "=" + it->second + " is not a boolean", {}, 0,
      "use true or false");
}

std::string spec_label(const ModelSpec& spec) {
  std::string label = spec.scheme;
  if (!spec.path.empty()) {
    label += "-" + std::filesystem::path(spec.path).stem().string();
  }
  for (const auto& [key, value] : spec.params) label += "_" + key + "-" + value;
  for (char& c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != '_') c = '_';
  }
  return label;
}

}  // namespace embeval
