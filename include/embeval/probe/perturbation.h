// Small, seeded edits of a query for the robustness probe: the kind of noise real users type.
// A text is split into words at ASCII white space (the separators are kept, so a text with no
// edit comes back byte for byte). Each family has its "eligible" words; of the m eligible words
// of a text, ceil(rate * m) are chosen uniformly without replacement (a partial Fisher-Yates
// shuffle), so every text with an eligible word gets at least one edit when rate > 0. Families:
//
//   typo         on a word with >= 3 ASCII letters, one of (uniformly): swap two adjacent
//                different letters, drop a letter, insert a QWERTY neighbour of a letter after
//                it, replace a letter by a QWERTY neighbour (case kept).
//   casing       on a word with a lower-case ASCII letter: upper-case it ("COPY") or capitalise
//                it ("Copy"), uniformly; when one of the two leaves the word as it is, the other.
//   punctuation  on any word: remove its trailing ASCII punctuation when it has some, else append
//                one of , . ; : ! ? (uniformly).
//   determiner   on any word: a determiner (the, a, an; any case) is dropped or swapped (the <->
//                a/an), uniformly (swapped when no other word would be left); before another
//                word "the" or "a"/"an" is inserted (an before a vowel letter), uniformly.
//   swap         on each word but the last: it trades places with the next word, unless one of
//                the two has moved already (swaps stay local and never chain).
//   synonym      on a word of >= 3 ASCII letters (or hyphens) that is a WordNet lemma and not a
//                function word: replaced by a synonym drawn uniformly from the first sense, in
//                the order noun, verb, adjective, adverb, that has one ('_' becomes a space; a
//                capitalised or upper-case word stays so). Needs a WordNet.
//   unicode      on a word with an ASCII letter or digit: either (uniformly) every printable
//                ASCII character becomes its full-width form (U+FF01..U+FF5E: NFKC turns it
//                back), or one letter with a look-alike becomes it (Cyrillic a, c, e, o, p, x, y,
//                i, j, s and their capitals A, B, C, E, H, K, M, O, P, T, X: NFKC keeps them);
//                a word with no such letter always goes full-width.
//   whitespace   on any word: split it in two at an interior character boundary (a word of
//                >= 2 characters), join it to the next word (not the last), or double the white
//                space after it (not the last), uniformly among those that apply.
//
// Determinism: text i of family f draws from Xoshiro256StarStar (eval/significance.h) seeded
// with perturbation_seed(seed, f, key), where key names the text (the query id), so a query's
// perturbation depends on neither the other queries nor their order, and is the same on every
// machine. Draws: uniform integers by Xoshiro256StarStar::below(). Pure functions; the WordNet
// is only read: thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/text/wordnet.h"

namespace embeval {

enum class PerturbationFamily : std::uint8_t {
  typo,
  casing,
  punctuation,
  determiner,
  swap,
  synonym,
  unicode,
  whitespace,
};

// Every family, in the order above.
[[nodiscard]] const std::vector<PerturbationFamily>& all_perturbation_families();
[[nodiscard]] std::string_view perturbation_family_name(PerturbationFamily family);
// InputError naming `--family` and listing the known names on anything else.
[[nodiscard]] PerturbationFamily parse_perturbation_family(std::string_view name);

// FNV-1a (64 bit) over the 8 bytes of `seed` (little-endian), the family name, one NUL byte and
// `key`: the seed of one text's generator.
[[nodiscard]] std::uint64_t perturbation_seed(std::uint64_t seed, PerturbationFamily family,
                                              std::string_view key);

struct Perturbation {
  std::string text;          // the perturbed text (== the input when edits == 0)
  std::size_t eligible = 0;  // m: words the family could edit
  std::size_t edits = 0;     // words edited (ceil(rate * m) when eligible words exist)
};

// Perturbs `text` (UTF-8; only ASCII is edited and words split at character boundaries, so valid
// UTF-8 stays valid), drawing from Xoshiro256StarStar(seed): pass perturbation_seed(...) to get
// the probe's per-query draws. 0 <= rate <= 1 (EMBEVAL_CHECK). `wordnet` is needed for
// PerturbationFamily::synonym (EMBEVAL_CHECK), unused otherwise.
[[nodiscard]] Perturbation perturb(std::string_view text, PerturbationFamily family, double rate,
                                   std::uint64_t seed, const WordNet* wordnet = nullptr);

}  // namespace embeval
