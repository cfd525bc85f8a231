// Model spec strings: `scheme[:path][?key=value&key=value...]`, e.g. `bm25?k1=0.9&b=0.4`,
// `gguf:models/bge.gguf?pooling=mean`, `static:glove.6B.100d.txt`. Values are percent-decoded
// (`%20` is a space). The canonical form sorts keys and percent-encodes what needs it, so
// parse(to_string(s)) == s and an encoder's spec() rebuilds the same encoder. A path starting with
// `~/` is taken relative to $HOME (the shell does not expand it after `gguf:`).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace embeval {

struct ModelSpec {
  std::string scheme;                         // "bm25", "gguf", "static", ...
  std::string path;                           // after ':' (may be empty)
  std::map<std::string, std::string> params;  // sorted: canonical order

  // Throws InputError (with the spec in the message) on an empty scheme or a malformed pair.
  static ModelSpec parse(std::string_view text);
  std::string to_string() const;

  // Typed accessors: the default when absent; InputError naming the key when malformed. Which
  // keys a family takes, and their types and ranges, is its parameter schema (param_schema.h).
  std::string get_string(const std::string& key, const std::string& fallback) const;
  double get_double(const std::string& key, double fallback) const;
  long get_int(const std::string& key, long fallback) const;
  bool get_bool(const std::string& key, bool fallback) const;

  bool operator==(const ModelSpec&) const = default;
};

// A short, file-name-safe label for a spec (used for run file names and table rows).
std::string spec_label(const ModelSpec& spec);

}  // namespace embeval
