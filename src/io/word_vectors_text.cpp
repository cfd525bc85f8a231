// Text readers: word2vec/fastText ("COUNT DIM" header) and GloVe (no header).
#include <charconv>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/util/byte_order_mark.h"
#include "io/word_vectors_internal.h"

namespace embeval::word_vectors_internal {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Splits on spaces/tabs (a trailing "\r" counts as a blank: files written on Windows).
void split_fields(std::string_view line, std::vector<std::string_view>& out) {
  out.clear();
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && is_blank(line[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && !is_blank(line[pos])) ++pos;
    if (pos > start) out.push_back(line.substr(start, pos - start));
  }
}

std::size_t parse_count(std::string_view token, const std::string& file, const char* what) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) {
    throw InputError(std::string("malformed header: ") + what + " '" + std::string(token) +
                         "' is not a non-negative integer",
                     file, 1, "a word2vec/fastText text file starts with 'COUNT DIM'");
  }
  return value;
}

}  // namespace

WordVectors load_text_vectors(const std::filesystem::path& path, bool has_header,
                              WordVectorLoadReport* report, std::size_t max_words) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open word-vector file", file, 0, "check the path");

  std::string line;
  std::vector<std::string_view> fields;
  std::size_t line_number = 0;
  std::size_t declared_rows = 0;
  std::size_t dim = 0;
  // A byte-order mark opens the first line, header or row: else it is glued to the first word.
  const auto strip_bom_on_first_line = [&] {
    if (line_number == 1) line.erase(0, line.size() - strip_utf8_bom(line).size());
  };
  if (has_header) {
    if (!std::getline(in, line)) {
      throw InputError("empty file: no 'COUNT DIM' header", file, 1,
                       "is this a GloVe file? use ?format=glove");
    }
    line_number = 1;
    strip_bom_on_first_line();
    split_fields(line, fields);
    if (fields.size() != 2) {
      throw InputError("malformed header: expected 'COUNT DIM', found " +
                           std::to_string(fields.size()) + " fields",
                       file, 1, "is this a GloVe file (no header)? use ?format=glove");
    }
    declared_rows = parse_count(fields[0], file, "COUNT");
    dim = parse_count(fields[1], file, "DIM");
    if (dim == 0) throw InputError("malformed header: DIM is 0", file, 1);
  }

  std::optional<RowCollector> rows;
  if (dim > 0) rows.emplace(dim, max_words, report);
  std::vector<float> values;
  std::size_t data_rows = 0;
  while (std::getline(in, line)) {
    ++line_number;
    strip_bom_on_first_line();
    split_fields(line, fields);
    if (fields.empty()) continue;  // blank line (e.g. at the end)
    if (!rows) {                   // GloVe: the first row fixes the dimension
      if (fields.size() < 2) {
        throw InputError("a row needs a word and at least one value", file, line_number);
      }
      dim = fields.size() - 1;
      rows.emplace(dim, max_words, report);
    }
    if (fields.size() != dim + 1) {
      throw InputError("row has " + std::to_string(fields.size() - 1) + " values, expected " +
                           std::to_string(dim),
                       file, line_number,
                       has_header ? "the header's DIM must match every row"
                                  : "every row must have as many values as the first");
    }
    values.resize(dim);
    for (std::size_t j = 0; j < dim; ++j) {
      const std::string_view token = fields[j + 1];
      const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), values[j]);
      if (ec != std::errc() || ptr != token.data() + token.size() || !std::isfinite(values[j])) {
        throw InputError("value " + std::to_string(j + 1) + " ('" + std::string(token) +
                             "') is not a finite number",
                         file, line_number);
      }
    }
    ++data_rows;
    rows->add(fields[0], values.data());
    if (rows->full()) return std::move(*rows).finish();
  }
  if (has_header && data_rows != declared_rows) {
    throw InputError("header declares " + std::to_string(declared_rows) + " words, file has " +
                         std::to_string(data_rows) + " rows",
                     file, line_number, "the file may be truncated; re-download or re-export it");
  }
  if (!rows || rows->rows() == 0) {
    throw InputError("no word vectors in file", file, line_number);
  }
  return std::move(*rows).finish();
}

}  // namespace embeval::word_vectors_internal
