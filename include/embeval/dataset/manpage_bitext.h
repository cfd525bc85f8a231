// Translated pairs from the man pages of this machine, for the alignment probe: the NAME
// description of a page in English ("list directory contents") and of the same page (same file
// name and section, "ls.1") translated (Debian's manpages-de, -fr, -es, -ja: "Verzeichnisinhalte
// auflisten"). English is the source side. Pages are matched by id; a pair is skipped, and
// counted by reason, when the translated page has no English page, either description is
// missing, both are identical (not translated), the same pair came from an earlier page (ls,
// dir and vdir share both descriptions: one pair, under dir.1), or either description belongs
// to several different pairs (ambiguous: no way to tell which target is right). Output is sorted
// by page id, so deterministic. Thread-safe as read_man_pages is (dataset/manpages.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "embeval/io/bitext_pairs.h"

namespace embeval {

struct ManPageBitextOptions {
  std::filesystem::path man_dir = "/usr/share/man";
  std::string lang;  // the translated side: "de", "fr", "es", "ja" (a folder of man_dir)
  std::vector<std::string> sections{"1", "2", "3", "4", "5", "6", "7", "8"};
  // Keep at most this many pairs, evenly spread over the sorted list (every k-th); 0 = all.
  std::size_t max_pairs = 0;
  std::size_t threads = 2;  // parsing threads; 0 = the physical cores
  bool show_progress = true;
};

struct ManPageBitextReport {
  std::size_t translated_pages = 0;    // real pages read in `lang`
  std::size_t english_pages = 0;       // real pages read in English
  std::size_t no_english_page = 0;     // skipped: the translated page has no English page
  std::size_t no_english_name = 0;     // skipped: the English page has no NAME description
  std::size_t no_translated_name = 0;  // skipped: the translated page has no NAME description
  std::size_t identical = 0;           // skipped: both descriptions the same (untranslated)
  std::size_t repeated = 0;     // skipped: the same pair again, from another page (first id kept)
  std::size_t ambiguous = 0;    // skipped: a description shared by several pairs
  std::size_t sampled_out = 0;  // dropped by max_pairs
  std::size_t pairs = 0;        // written
};

struct ManPageBitext {
  BitextPairs pairs;             // English description <TAB> translated description
  std::vector<std::string> ids;  // page id of pair i ("ls.1"), sorted
  ManPageBitextReport report;
};

// Reads both languages (dataset/manpages.h read_man_pages) and pairs them. Throws InputError
// when `lang` has no man page folder (the hint lists the languages there) or no page of it
// could be read.
[[nodiscard]] ManPageBitext build_manpage_bitext(const ManPageBitextOptions& options);

// The indices [0, n) that max_pairs keeps: all when max_pairs is 0 or >= n, else
// floor(i * n / max_pairs) for i in [0, max_pairs) (ascending, distinct). Shared by the
// bitext builders.
[[nodiscard]] std::vector<std::size_t> evenly_spread(std::size_t n, std::size_t max_pairs);

}  // namespace embeval
