// Internal to the roff reader: turns roff escape sequences (\fB, \(em, \*(lq, \-, ...) into plain
// UTF-8 text, and splits request lines into arguments.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace embeval::roff {

// Marks an unescaped-to-'-' "\-" when the caller asks for it, so the NAME line "cp \- copy"
// can be split at the escaped dash rather than at a hyphen inside a name ("ssh-keygen").
inline constexpr char kDashMarker = '\x01';

// User-defined strings (.ds), already converted to plain text. Seeded with the strings the man
// and mdoc packages predefine (\*R, \*(lq, \*(Ba, ...).
class RoffStrings {
 public:
  RoffStrings();
  // define/append throw RoffLimitError when the string would exceed kMaxRoffStringBytes.
  void define(std::string name, std::string plain_value);
  void append(const std::string& name, std::string_view plain_value);
  bool defined(const std::string& name) const { return strings_.count(name) != 0; }
  // Unknown names expand to nothing, as in groff. Counts the bytes handed out and throws
  // RoffLimitError past kMaxRoffExpansionBytes (one RoffStrings serves one page).
  std::string_view get(const std::string& name) const;

 private:
  std::unordered_map<std::string, std::string> strings_;
  mutable std::size_t expanded_bytes_ = 0;
};

// The UTF-8 text of a named special character ("em" -> "—", "u00E9" -> "é"); empty if unknown.
std::string special_char(std::string_view name);

struct EscapeResult {
  bool continues = false;  // the text ended with \c: the next line joins without a space
};

// Appends the plain text of roff input `in` (one line, no newline) to `out`. Font, size, motion
// and colour escapes vanish; special characters become UTF-8; \" ends the line (comment).
// Malformed escapes are dropped; the only exception is RoffLimitError from string interpolation.
EscapeResult convert_escapes(std::string_view in, const RoffStrings& strings, std::string& out,
                             bool mark_dash = false);

// Convenience: the plain text of `in`.
std::string plain(std::string_view in, const RoffStrings& strings);

// Splits the arguments of a request line (the part after the macro name): blanks separate
// arguments; "double quotes" group, with "" inside meaning one quote; \" starts a comment.
// Escapes are kept raw (an escaped blank "\ " does not split).
std::vector<std::string> split_arguments(std::string_view args);

// Reads an escape's name argument at in[pos]: "x", "(xx" or "[long name]". Advances pos.
std::string_view read_escape_name(std::string_view in, std::size_t& pos);

}  // namespace embeval::roff
