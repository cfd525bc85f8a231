#include "embeval/io/bitext_pairs.h"

#include <fstream>
#include <sstream>
#include <string_view>

#include "embeval/core/error.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/byte_order_mark.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

bool only_whitespace(std::string_view text) {
  return text.find_first_not_of(" \t\n\v\f\r") == std::string_view::npos;
}

// Checks one side of a pair; `side` names it in the message ("source" or "target").
void check_side(std::string_view text, const char* side, const std::string& file,
                std::size_t line) {
  if (only_whitespace(text)) {
    throw InputError(std::string("empty ") + side + " text", file, line,
                     "every line needs text on both sides of its tab");
  }
  if (!is_valid_utf8(text)) {
    throw InputError(std::string("invalid UTF-8 in the ") + side + " text at byte " +
                         std::to_string(first_invalid_utf8(text) + 1),
                     file, line, "convert the file to UTF-8 (e.g. iconv -t UTF-8)");
  }
}

bool is_ascii_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

}  // namespace

std::string bitext_side(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  for (const char c : text) {
    if (is_ascii_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

void write_bitext_tsv(const std::filesystem::path& path, const BitextPairs& pairs) {
  EMBEVAL_CHECK(pairs.sources.size() == pairs.targets.size(), "bitext sides differ in size");
  std::string bytes;
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    for (const std::string* side : {&pairs.sources[i], &pairs.targets[i]}) {
      EMBEVAL_CHECK(!side->empty() && bitext_side(*side) == *side,
                    "a bitext side is empty or not one clean line");
    }
    bytes += pairs.sources[i];
    bytes += '\t';
    bytes += pairs.targets[i];
    bytes += '\n';
  }
  write_file_atomic(path, bytes);
}

BitextPairs read_bitext_tsv(const std::filesystem::path& path) {
  const std::string file = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read the pairs file", file, 0, "check the path");
  std::ostringstream whole;
  whole << in.rdbuf();
  if (in.bad()) throw InputError("read error", file, 0, "check the file");
  const std::string bytes = whole.str();
  std::string_view rest = strip_utf8_bom(bytes);

  BitextPairs pairs;
  std::size_t line = 0;
  while (!rest.empty()) {
    ++line;
    const std::size_t end = rest.find('\n');
    std::string_view text = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (text.ends_with('\r')) text.remove_suffix(1);
    const std::size_t tab = text.find('\t');
    if (tab == std::string_view::npos || text.find('\t', tab + 1) != std::string_view::npos) {
      throw InputError(
          tab == std::string_view::npos ? "no tab on the line" : "more than one tab on the line",
          file, line, "write one pair per line: source<TAB>target");
    }
    const std::string_view source = text.substr(0, tab);
    const std::string_view target = text.substr(tab + 1);
    check_side(source, "source", file, line);
    check_side(target, "target", file, line);
    pairs.sources.emplace_back(source);
    pairs.targets.emplace_back(target);
  }
  if (pairs.size() < 2) {
    throw InputError(
        "only " + std::to_string(pairs.size()) + " pair(s); alignment needs at least 2", file, 0,
        "add more pairs: each source must be told apart from other targets");
  }
  return pairs;
}

}  // namespace embeval
