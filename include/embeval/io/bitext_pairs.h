// Bitext: translated sentence or word pairs, the input of the alignment probe. The file format is
// one pair per line, `source<TAB>target`, UTF-8 (a leading byte-order mark and a '\r' before each
// line end are dropped). Pair i is line i; both sides are kept byte for byte.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace embeval {

struct BitextPairs {
  std::vector<std::string> sources;  // sources[i] translates targets[i]
  std::vector<std::string> targets;  // same size as sources

  std::size_t size() const { return sources.size(); }
};

// Reads `path`. Throws InputError naming the file and the 1-based line (with a hint) for a line
// without exactly one tab, a side that is empty or only whitespace, invalid UTF-8, or a file of
// fewer than 2 pairs (an alignment needs a wrong candidate to beat); and when it cannot be read.
[[nodiscard]] BitextPairs read_bitext_tsv(const std::filesystem::path& path);

}  // namespace embeval
