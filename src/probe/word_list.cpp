#include "embeval/probe/word_list.h"

#include <algorithm>
#include <fstream>
#include <unordered_set>

#include "embeval/core/error.h"
#include "embeval/eval/significance.h"
#include "embeval/util/byte_order_mark.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

std::string trim(const std::string& s) {
  const char* space = " \t\r\n\v\f";
  const std::size_t first = s.find_first_not_of(space);
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(space) - first + 1);
}

}  // namespace

WordList read_word_list(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot read the word list", path.string(), 0,
                     "give a file with one word per line");
  }
  WordList list;
  list.source = "file:" + path.string();
  std::unordered_set<std::string> seen;
  std::string line;
  for (std::size_t number = 1; std::getline(in, line); ++number) {
    if (number == 1) line = std::string(strip_utf8_bom(line));
    if (!is_valid_utf8(line)) {
      throw InputError("invalid UTF-8", path.string(), number, "save the word list as UTF-8");
    }
    const std::string word = trim(line);
    if (word.empty() || word[0] == '#') continue;
    if (seen.insert(word).second) list.words.push_back(word);
  }
  if (list.words.empty()) {
    throw InputError("the word list holds no word", path.string(), 0,
                     "one word per line; '#' starts a comment line");
  }
  list.available = list.words.size();
  return list;
}

WordList sample_word_list(WordList list, std::size_t n, std::uint64_t seed) {
  list.available = list.words.size();
  list.seed = seed;
  if (n == 0 || n >= list.words.size()) return list;
  // A partial Fisher-Yates shuffle of the indices, then the chosen ones in list order.
  std::vector<std::size_t> order(list.words.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  Xoshiro256StarStar random(seed);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t j = i + static_cast<std::size_t>(random.below(order.size() - i));
    std::swap(order[i], order[j]);
  }
  order.resize(n);
  std::sort(order.begin(), order.end());
  std::vector<std::string> chosen;
  chosen.reserve(n);
  for (const std::size_t i : order) chosen.push_back(std::move(list.words[i]));
  list.words = std::move(chosen);
  list.sampled = n;
  return list;
}

}  // namespace embeval
