// Internal to the eval layer: what the qrels and run readers share. TREC files are read whole
// (qrels and runs are small next to a corpus) and split into lines and whitespace-separated
// fields without copies.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "embeval/util/byte_order_mark.h"

namespace embeval::eval_detail {

// The file's bytes. Throws InputError for a directory, an unreadable file or a UTF-16 file;
// `what` names the kind of file in the message ("qrels", "run").
std::string read_whole_file(const std::filesystem::path& path, const char* what);

// Calls fn(line_number, line) for each line, without the trailing "\r\n" or "\n".
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  text = strip_utf8_bom(text);  // else glued to the first query id
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line_number, line);
  }
}

// Splits on spaces and tabs; returns the number of fields found (at most fields.size()).
template <std::size_t N>
std::size_t split_fields(std::string_view line, std::array<std::string_view, N>& fields,
                         bool tabs_only = false) {
  std::size_t count = 0;
  std::size_t i = 0;
  const auto is_sep = [&](char c) { return tabs_only ? c == '\t' : (c == ' ' || c == '\t'); };
  while (i < line.size()) {
    if (!tabs_only) {
      while (i < line.size() && is_sep(line[i])) ++i;
      if (i == line.size()) break;
    }
    std::size_t j = i;
    while (j < line.size() && !is_sep(line[j])) ++j;
    if (count < N) fields[count] = line.substr(i, j - i);
    ++count;
    i = j + (tabs_only ? 1 : 0);
    if (tabs_only && j == line.size()) break;
  }
  return count;
}

// True when the line holds only spaces and tabs (or nothing).
bool is_blank(std::string_view line);

}  // namespace embeval::eval_detail
