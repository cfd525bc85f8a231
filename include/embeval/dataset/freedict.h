// Word and phrase pairs from a FreeDict dictionary as Debian ships it (dict-freedict-eng-deu,
// ...): <dir>/freedict-<name>.dict.dz, the entries (dictzip: gzip with a random-access table,
// which zlib reads as plain gzip), and <dir>/freedict-<name>.index, one line per entry:
// "headword<TAB>offset<TAB>length" with offset and length in dictd's base-64 digits. An entry is
// its headword line ("house /hˈaʊs/", pronunciation and <pos> optional) and then its
// translations ("Haus <neut>", then examples, notes, "see:" lines). One pair per entry:
// headword <TAB> first translation, grammar and domain labels (<neut>, [comp.]) removed.
// Skipped and counted: the dictionary's own 00-database entries, entries without a translation,
// a translation equal to the headword (ignoring ASCII case), the pairs of a headword with
// several entries (ambiguous: "house" is Haus, Geschlecht and House-Musik), and repeats of a
// translation: several headwords translated alike ("fell", "knock down": abattre) keep only the
// first headword, so every source and every target occurs once. A leading sense number
// ("1. conjecturer") is dropped. Output sorted by headword. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "embeval/io/bitext_pairs.h"

namespace embeval {

struct FreeDictOptions {
  std::filesystem::path dict_dir = "/usr/share/dictd";
  std::string name;           // "eng-deu": reads freedict-eng-deu.dict.dz and .index
  std::size_t max_pairs = 0;  // keep at most this many, evenly spread (evenly_spread); 0 = all
};

struct FreeDictReport {
  std::size_t index_lines = 0;         // entries the index lists
  std::size_t metadata = 0;            // skipped: 00-database-* entries, repeated index lines
  std::size_t no_translation = 0;      // skipped: no headword or no translation found
  std::size_t identical = 0;           // skipped: translation = headword (ASCII case ignored)
  std::size_t ambiguous_headword = 0;  // skipped: pairs of a headword with several entries
  std::size_t shared_translation = 0;  // skipped: translation already paired with a headword
  std::size_t sampled_out = 0;         // dropped by max_pairs
  std::size_t pairs = 0;               // kept
};

struct FreeDictBitext {
  BitextPairs pairs;  // headword <TAB> first translation
  FreeDictReport report;
};

// Throws InputError naming the file for a missing or unreadable file (the hint names the
// Debian package), corrupt gzip data, and an index line that is malformed or points past the
// end of the data (with its line number).
[[nodiscard]] FreeDictBitext read_freedict_bitext(const FreeDictOptions& options);

// One entry's text -> its pair; both empty when it has no headword or no translation. Exposed
// for tests.
struct FreeDictPair {
  std::string headword;
  std::string translation;
};
[[nodiscard]] FreeDictPair parse_freedict_entry(std::string_view entry);

// dictd's base-64 number ("DD" = 3 * 64 + 3 = 195); -1 for an empty string, a character outside
// A-Za-z0-9+/, or a value over 2^53. Exposed for tests.
[[nodiscard]] long long decode_dictd_number(std::string_view digits);

}  // namespace embeval
