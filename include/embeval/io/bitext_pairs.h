// Bitext: translated sentence or word pairs, the input of the alignment probe. The file format is
// one pair per line, `source<TAB>target`, UTF-8 (a leading byte-order mark and a '\r' before each
// line end are dropped). Pair i is line i; both sides are kept byte for byte. The dataset
// builders (`embeval dataset bitext`, dataset/manpage_bitext.h and dataset/freedict.h) write it
// with write_bitext_tsv, after bitext_side() made each text one clean line.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
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

// `text` as one side of a pair: each run of ASCII whitespace (tabs, line breaks, carriage
// returns included) becomes one space and both ends are trimmed, so no text can break the line
// format. May return "" (the caller skips such a pair: the reader refuses empty sides).
[[nodiscard]] std::string bitext_side(std::string_view text);

// Writes `pairs` to `path` atomically (util/atomic_file.h), English or source side first. Each
// side must already be bitext_side() of itself and non-empty (EMBEVAL_CHECK: the builders
// guarantee it), so read_bitext_tsv reads back exactly `pairs`.
void write_bitext_tsv(const std::filesystem::path& path, const BitextPairs& pairs);

}  // namespace embeval
