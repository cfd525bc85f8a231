// The words the neighbours probe looks at, and where they came from (recorded in its JSON).
// A word file holds one word (or short phrase) per line, UTF-8; blank lines and lines starting
// with '#' are skipped, surrounding whitespace is trimmed, a repeated word is kept once (first
// place). A sample keeps a seeded choice of n words in their original order, so a seed names
// the same sample on every machine (xoshiro256**, eval/significance.h). Pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace embeval {

struct WordList {
  std::vector<std::string> words;
  std::string source;         // "file:PATH", "wordnet:DIR", ...
  std::size_t available = 0;  // words before sampling
  std::size_t sampled = 0;    // 0: all words kept; else the sample size asked for
  std::uint64_t seed = 0;     // the seed given to sample_word_list (used when sampled > 0)
};

// Reads a word file. Throws InputError(file, line) for a missing file, invalid UTF-8, and a
// file without any word.
[[nodiscard]] WordList read_word_list(const std::filesystem::path& path);

// `n` words drawn without replacement with `seed`, kept in list order; n == 0 or n >= the
// list's size keeps every word (and records no sample).
[[nodiscard]] WordList sample_word_list(WordList list, std::size_t n, std::uint64_t seed);

}  // namespace embeval
