#include "embeval/dataset/freedict.h"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "dataset/man_files.h"
#include "embeval/core/error.h"
#include "embeval/dataset/manpage_bitext.h"

namespace embeval {
namespace {

// The inflated eng-deu data is 76 MiB; a dictionary is refused past this (a gzip bomb).
constexpr std::size_t kMaxDictionaryBytes = std::size_t{1} << 30;

std::string read_whole_file(const std::filesystem::path& path, const std::string& package) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot read the dictionary file", path.string(), 0,
                     "install it: apt-get install " + package + " (or check --dict-dir)");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  if (in.bad()) throw InputError("read error", path.string(), 0, "check the file");
  return bytes.str();
}

// Removes <...>, [...] and {...} groups (grammar, domain and cross-reference labels).
std::string drop_labels(std::string_view text) {
  std::string out;
  char close = 0;
  for (const char c : text) {
    if (close != 0) {
      if (c == close) close = 0;
      continue;
    }
    if (c == '<') {
      close = '>';
    } else if (c == '[') {
      close = ']';
    } else if (c == '{') {
      close = '}';
    } else {
      out += c;
    }
  }
  return bitext_side(out);
}

// The headword line without its pronunciation: the first " /.../" group that ends the line or
// is followed by a space ("centre / center /sˈɛntə/ (HWRC)" keeps "centre / center").
std::string_view headword_part(std::string_view line) {
  std::size_t from = 0;
  while (true) {
    const std::size_t open = line.find(" /", from);
    if (open == std::string_view::npos) return line;
    const std::size_t close = line.find('/', open + 2);
    if (close == std::string_view::npos) return line;
    if (close + 1 == line.size() || line[close + 1] == ' ') return line.substr(0, open);
    from = open + 1;
  }
}

// The text before the first ',' or ';' outside brackets.
std::string_view first_item(std::string_view line) {
  int depth = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '(' || c == '[' || c == '<' || c == '{') ++depth;
    if ((c == ')' || c == ']' || c == '>' || c == '}') && depth > 0) --depth;
    if ((c == ',' || c == ';') && depth == 0) return line.substr(0, i);
  }
  return line;
}

bool starts_with_any(std::string_view text, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes) {
    if (text.starts_with(p)) return true;
  }
  return false;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool is_metadata(std::string_view headword) {
  return headword.starts_with("00database") || headword.starts_with("00-database");
}

}  // namespace

long long decode_dictd_number(std::string_view digits) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  if (digits.empty()) return -1;
  long long value = 0;
  for (const char c : digits) {
    const std::size_t digit = kAlphabet.find(c);
    if (digit == std::string_view::npos || value > (1LL << 53) / 64) return -1;
    value = value * 64 + static_cast<long long>(digit);
  }
  return value;
}

FreeDictPair parse_freedict_entry(std::string_view entry) {
  FreeDictPair pair;
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < entry.size()) {
    std::size_t end = entry.find('\n', pos);
    if (end == std::string_view::npos) end = entry.size();
    lines.push_back(entry.substr(pos, end - pos));
    pos = end + 1;
  }
  if (lines.empty()) return pair;
  std::string headword = drop_labels(headword_part(lines[0]));
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const std::string line = bitext_side(lines[i]);
    if (line.empty()) continue;
    // The first text line after the headword holds the translations; an entry that goes
    // straight to examples, notes or references has none.
    if (starts_with_any(line, {"\"", "see:", "Synonym", "Note:"})) break;
    std::string_view text = line;
    // "1. conjecturer, se douter de" (eng-fra numbers its senses): the first sense.
    std::size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits > 0 && text.substr(digits).starts_with(". ")) text.remove_prefix(digits + 2);
    std::string translation = drop_labels(first_item(text));
    if (!headword.empty() && !translation.empty()) {
      pair.headword = std::move(headword);
      pair.translation = std::move(translation);
    }
    break;
  }
  return pair;
}

FreeDictBitext read_freedict_bitext(const FreeDictOptions& options) {
  const std::string package = "dict-freedict-" + options.name;
  const std::filesystem::path base = options.dict_dir / ("freedict-" + options.name);
  const std::filesystem::path index_path = base.string() + ".index";
  const std::filesystem::path dict_path = base.string() + ".dict.dz";
  const std::string index = read_whole_file(index_path, package);
  const std::string compressed = read_whole_file(dict_path, package);
  std::string error;
  const std::optional<std::string> data = man::gunzip(compressed, error, kMaxDictionaryBytes);
  if (!data) {
    throw InputError("not a readable dictzip (gzip) file: " + error, dict_path.string(), 0,
                     "reinstall it: apt-get install --reinstall " + package);
  }

  FreeDictBitext out;
  FreeDictReport& report = out.report;
  std::set<std::pair<long long, long long>> seen;  // (offset, length): index lines may repeat
  std::map<std::string, std::vector<std::string>> by_headword;  // headword -> translations
  std::size_t line_number = 0;
  std::size_t pos = 0;
  while (pos < index.size()) {
    std::size_t end = index.find('\n', pos);
    if (end == std::string::npos) end = index.size();
    const std::string_view line = std::string_view(index).substr(pos, end - pos);
    pos = end + 1;
    ++line_number;
    if (line.empty()) continue;
    ++report.index_lines;
    const std::size_t tab1 = line.find('\t');
    const std::size_t tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
    if (tab2 == std::string_view::npos) {
      throw InputError("index line without headword, offset and length", index_path.string(),
                       line_number, "a dictd index line is headword<TAB>offset<TAB>length");
    }
    const std::size_t tab3 = line.find('\t', tab2 + 1);
    const long long offset = decode_dictd_number(line.substr(tab1 + 1, tab2 - tab1 - 1));
    const long long length = decode_dictd_number(line.substr(tab2 + 1, tab3 - tab2 - 1));
    if (offset < 0 || length < 0) {
      throw InputError("bad offset or length (dictd base-64 digits A-Za-z0-9+/)",
                       index_path.string(), line_number, "reinstall " + package);
    }
    if (static_cast<unsigned long long>(offset) + static_cast<unsigned long long>(length) >
        data->size()) {
      throw InputError("entry at " + std::to_string(offset) + "+" + std::to_string(length) +
                           " lies past the end of the data (" + std::to_string(data->size()) +
                           " bytes in " + dict_path.filename().string() + ")",
                       index_path.string(), line_number,
                       "the index and the .dict.dz do not match: reinstall " + package);
    }
    if (is_metadata(line.substr(0, tab1)) || !seen.emplace(offset, length).second) {
      ++report.metadata;
      continue;
    }
    FreeDictPair pair = parse_freedict_entry(std::string_view(*data).substr(
        static_cast<std::size_t>(offset), static_cast<std::size_t>(length)));
    if (pair.headword.empty()) {
      ++report.no_translation;
    } else if (lower_ascii(pair.headword) == lower_ascii(pair.translation)) {
      ++report.identical;
    } else {
      by_headword[pair.headword].push_back(std::move(pair.translation));
    }
  }

  std::set<std::string> taken;  // translations already paired with an earlier headword
  std::vector<std::pair<std::string, std::string>> unique;
  for (auto& [headword, translations] : by_headword) {  // sorted by headword
    if (translations.size() > 1) {
      report.ambiguous_headword += translations.size();
    } else if (!taken.insert(translations.front()).second) {
      ++report.shared_translation;
    } else {
      unique.emplace_back(headword, std::move(translations.front()));
    }
  }
  const std::vector<std::size_t> keep = evenly_spread(unique.size(), options.max_pairs);
  report.sampled_out = unique.size() - keep.size();
  for (const std::size_t i : keep) {
    out.pairs.sources.push_back(std::move(unique[i].first));
    out.pairs.targets.push_back(std::move(unique[i].second));
  }
  report.pairs = out.pairs.size();
  return out;
}

}  // namespace embeval
