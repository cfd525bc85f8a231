#include "embeval/probe/perturbation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "embeval/core/error.h"
#include "embeval/eval/significance.h"

namespace embeval {
namespace {

struct Word {
  std::string text;
  std::string separator;  // the white space after it (may be empty for the last word)
};

struct SplitText {
  std::string leading;  // white space before the first word
  std::vector<Word> words;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_letter(char c) { return is_lower(c) || is_upper(c); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_punct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}
char to_upper(char c) { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }

SplitText split_words(std::string_view text) {
  SplitText out;
  std::size_t i = 0;
  while (i < text.size() && is_space(text[i])) out.leading.push_back(text[i++]);
  while (i < text.size()) {
    Word w;
    while (i < text.size() && !is_space(text[i])) w.text.push_back(text[i++]);
    while (i < text.size() && is_space(text[i])) w.separator.push_back(text[i++]);
    out.words.push_back(std::move(w));
  }
  return out;
}

std::string join_words(const SplitText& split) {
  std::string out = split.leading;
  for (const auto& w : split.words) out += w.text + w.separator;
  return out;
}

std::size_t count_letters(std::string_view word) {
  return static_cast<std::size_t>(std::count_if(word.begin(), word.end(), is_letter));
}

// QWERTY neighbours of each lower-case letter: the keys left and right in its row and the
// touching keys of the rows above and below.
constexpr std::array<std::string_view, 26> kKeyboardNeighbours = {
    "qwsz",    // a
    "vghn",    // b
    "xdfv",    // c
    "serfcx",  // d
    "wrds",    // e
    "drtgvc",  // f
    "ftyhbv",  // g
    "gyujnb",  // h
    "uokj",    // i
    "huikmn",  // j
    "jiolm",   // k
    "kop",     // l
    "njk",     // m
    "bhjm",    // n
    "iplk",    // o
    "ol",      // p
    "wa",      // q
    "etfd",    // r
    "awedxz",  // s
    "rygf",    // t
    "yijh",    // u
    "cfgb",    // v
    "qesa",    // w
    "zsdc",    // x
    "tuhg",    // y
    "asx",     // z
};

char keyboard_neighbour(char letter, Xoshiro256StarStar& rng) {
  const std::string_view n = kKeyboardNeighbours[static_cast<std::size_t>(to_lower(letter) - 'a')];
  const char c = n[rng.below(n.size())];
  return is_upper(letter) ? to_upper(c) : c;
}

// Cyrillic look-alikes of Latin letters (UTF-8), which NFKC leaves as they are.
struct Homoglyph {
  char latin;
  std::string_view cyrillic;
};
constexpr std::array<Homoglyph, 21> kHomoglyphs = {{
    {'a', "\xD0\xB0"}, {'c', "\xD1\x81"}, {'e', "\xD0\xB5"}, {'o', "\xD0\xBE"}, {'p', "\xD1\x80"},
    {'x', "\xD1\x85"}, {'y', "\xD1\x83"}, {'i', "\xD1\x96"}, {'j', "\xD1\x98"}, {'s', "\xD1\x95"},
    {'A', "\xD0\x90"}, {'B', "\xD0\x92"}, {'C', "\xD0\xA1"}, {'E', "\xD0\x95"}, {'H', "\xD0\x9D"},
    {'K', "\xD0\x9A"}, {'M', "\xD0\x9C"}, {'O', "\xD0\x9E"}, {'P', "\xD0\xA0"}, {'T', "\xD0\xA2"},
    {'X', "\xD0\xA5"},
}};

std::optional<std::string_view> homoglyph_of(char c) {
  for (const auto& h : kHomoglyphs) {
    if (h.latin == c) return h.cyrillic;
  }
  return std::nullopt;
}

// Function words the synonym family leaves alone: WordNet lists some of them as nouns or verbs
// ("will", "can", "may") in senses a query never means.
const std::unordered_set<std::string_view>& function_words() {
  static const std::unordered_set<std::string_view> kWords = {
      "and",   "are",    "but",     "for",    "into",  "not",   "such",  "that", "the",  "their",
      "then",  "there",  "these",   "they",   "this",  "was",   "will",  "with", "from", "can",
      "has",   "have",   "its",     "all",    "any",   "one",   "which", "who",  "what", "when",
      "where", "how",    "than",    "other",  "some",  "more",  "most",  "does", "did",  "been",
      "being", "were",   "would",   "should", "could", "our",   "your",  "his",  "her",  "she",
      "him",   "you",    "may",     "might",  "must",  "shall", "also",  "only", "very", "each",
      "both",  "either", "neither", "about",  "over",  "under", "upon",  "via",  "per",  "out"};
  return kWords;
}

bool is_determiner(std::string_view word) {
  std::string lower;
  for (const char c : word) lower.push_back(to_lower(c));
  return lower == "the" || lower == "a" || lower == "an";
}

// Gives `replacement` the case pattern of `original`: all upper (2+ letters, no lower) -> upper;
// first letter upper -> first letter upper; otherwise as it is.
std::string with_case_of(std::string_view original, std::string replacement) {
  const bool any_lower = std::any_of(original.begin(), original.end(), is_lower);
  if (count_letters(original) >= 2 && !any_lower) {
    for (auto& c : replacement) c = to_upper(c);
  } else if (!original.empty() && is_upper(original[0]) && !replacement.empty()) {
    replacement[0] = to_upper(replacement[0]);
  }
  return replacement;
}

// The core of a word between leading and trailing ASCII punctuation.
struct WordCore {
  std::size_t begin = 0;
  std::size_t end = 0;
};
WordCore core_of(std::string_view word) {
  WordCore c{0, word.size()};
  while (c.begin < c.end && is_punct(word[c.begin])) ++c.begin;
  while (c.end > c.begin && is_punct(word[c.end - 1])) --c.end;
  return c;
}

// The synonyms the synonym family may put in place of `core` (lemma keys in synset order,
// without `core` itself); empty when it is not eligible.
std::vector<std::string> synonym_candidates(std::string_view core, const WordNet& wordnet) {
  if (core.size() < 3 || count_letters(core) < 3) return {};
  if (!std::all_of(core.begin(), core.end(), [](char c) { return is_letter(c) || c == '-'; })) {
    return {};
  }
  const std::string key = WordNet::lemma_key(core);
  if (function_words().contains(key)) return {};
  for (int p = 0; p < kWordNetPosCount; ++p) {
    for (const SynsetId id : wordnet.synsets(key, static_cast<WordNetPos>(p))) {
      std::vector<std::string> out;
      for (const auto& w : wordnet.words(id)) {
        if (WordNet::lemma_key(w) == key) continue;
        std::string text = w;
        std::replace(text.begin(), text.end(), '_', ' ');
        if (std::find(out.begin(), out.end(), text) == out.end()) out.push_back(std::move(text));
      }
      if (!out.empty()) return out;
      break;  // only the first sense of each part of speech
    }
  }
  return {};
}

// Where a word can be split in two: interior byte positions that start a UTF-8 character.
std::vector<std::size_t> split_points(std::string_view word) {
  std::vector<std::size_t> out;
  for (std::size_t i = 1; i < word.size(); ++i) {
    if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  return out;
}

bool typo_eligible(std::string_view w) { return count_letters(w) >= 3; }
bool casing_eligible(std::string_view w) { return std::any_of(w.begin(), w.end(), is_lower); }
bool unicode_eligible(std::string_view w) {
  return std::any_of(w.begin(), w.end(), [](char c) { return is_letter(c) || is_digit(c); });
}

std::string typo(std::string word, Xoshiro256StarStar& rng) {
  std::vector<std::size_t> letters;
  std::vector<std::size_t> swappable;  // i with letters at i and i + 1 that differ
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (!is_letter(word[i])) continue;
    letters.push_back(i);
    if (i + 1 < word.size() && is_letter(word[i + 1]) && word[i] != word[i + 1]) {
      swappable.push_back(i);
    }
  }
  enum Op { kSwap, kDrop, kInsert, kKeyboard };
  std::vector<Op> ops;
  if (!swappable.empty()) ops.push_back(kSwap);
  ops.insert(ops.end(), {kDrop, kInsert, kKeyboard});
  const Op op = ops[rng.below(ops.size())];
  switch (op) {
    case kSwap: {
      const std::size_t i = swappable[rng.below(swappable.size())];
      std::swap(word[i], word[i + 1]);
      break;
    }
    case kDrop:
      word.erase(letters[rng.below(letters.size())], 1);
      break;
    case kInsert: {
      const std::size_t i = letters[rng.below(letters.size())];
      word.insert(word.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                  keyboard_neighbour(word[i], rng));
      break;
    }
    case kKeyboard: {
      const std::size_t i = letters[rng.below(letters.size())];
      word[i] = keyboard_neighbour(word[i], rng);
      break;
    }
  }
  return word;
}

std::string casing(const std::string& word, Xoshiro256StarStar& rng) {
  std::string upper = word;
  for (auto& c : upper) c = to_upper(c);
  std::string capitalised = word;
  for (auto& c : capitalised) {
    if (is_letter(c)) {
      c = to_upper(c);
      break;
    }
  }
  const bool pick_upper = rng.below(2) == 0;
  if (pick_upper || capitalised == word) return upper;
  return capitalised;
}

std::string punctuation(std::string word, Xoshiro256StarStar& rng) {
  if (!word.empty() && is_punct(word.back())) {
    while (!word.empty() && is_punct(word.back())) word.pop_back();
    return word;
  }
  constexpr std::string_view kMarks = ",.;:!?";
  word.push_back(kMarks[rng.below(kMarks.size())]);
  return word;
}

std::string full_width(std::string_view word) {
  std::string out;
  for (const char c : word) {
    if (c >= 0x21 && c <= 0x7E) {
      // U+FF01..U+FF5E: EF BC 81..BF, EF BD 80..9E.
      const unsigned cp = 0xFEE0u + static_cast<unsigned char>(c);
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string unicode(const std::string& word, Xoshiro256StarStar& rng) {
  std::vector<std::size_t> lookalikes;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (homoglyph_of(word[i])) lookalikes.push_back(i);
  }
  if (lookalikes.empty() || rng.below(2) == 0) return full_width(word);
  const std::size_t i = lookalikes[rng.below(lookalikes.size())];
  return word.substr(0, i) + std::string(*homoglyph_of(word[i])) + word.substr(i + 1);
}

// The edit of one chosen word, in place; false when it did not apply.
bool edit_word(SplitText& split, std::size_t i, PerturbationFamily family, Xoshiro256StarStar& rng,
               const WordNet* wordnet, std::vector<bool>& moved) {
  auto& words = split.words;
  Word& w = words[i];
  const bool last = i + 1 == words.size();
  switch (family) {
    case PerturbationFamily::typo:
      w.text = typo(w.text, rng);
      return true;
    case PerturbationFamily::casing:
      w.text = casing(w.text, rng);
      return true;
    case PerturbationFamily::punctuation:
      w.text = punctuation(w.text, rng);
      return true;
    case PerturbationFamily::unicode:
      w.text = unicode(w.text, rng);
      return true;
    case PerturbationFamily::determiner: {
      if (is_determiner(w.text)) {
        // Drop it (and the white space after it), unless no other word would be left.
        const bool others = std::any_of(words.begin(), words.end(),
                                        [&](const Word& o) { return &o != &w && !o.text.empty(); });
        if (rng.below(2) == 0 && others) {
          if (last && i > 0) words[i - 1].separator = w.separator;
          w.text.clear();
          w.separator.clear();
          return true;
        }
        std::string replacement = "the";  // for "a" and "an"
        if (to_lower(w.text[0]) == 't') {
          const bool vowel_next =
              !last && !words[i + 1].text.empty() &&
              std::string_view("aeiouAEIOU").find(words[i + 1].text[0]) != std::string_view::npos;
          replacement = vowel_next ? "an" : "a";
        }
        w.text = with_case_of(w.text, replacement);
        return true;
      }
      const bool vowel = std::string_view("aeiouAEIOU").find(w.text[0]) != std::string_view::npos;
      const std::string inserted = rng.below(2) == 0 ? "the" : (vowel ? "an" : "a");
      w.text = inserted + " " + w.text;
      return true;
    }
    case PerturbationFamily::swap: {
      if (moved[i] || moved[i + 1]) return false;
      std::swap(w.text, words[i + 1].text);
      moved[i] = moved[i + 1] = true;
      return true;
    }
    case PerturbationFamily::synonym: {
      const WordCore core = core_of(w.text);
      const std::string_view core_text =
          std::string_view(w.text).substr(core.begin, core.end - core.begin);
      const auto candidates = synonym_candidates(core_text, *wordnet);
      EMBEVAL_CHECK(!candidates.empty(), "perturb: a synonym-eligible word without synonyms");
      const std::string replacement =
          with_case_of(core_text, candidates[rng.below(candidates.size())]);
      w.text = w.text.substr(0, core.begin) + replacement + w.text.substr(core.end);
      return true;
    }
    case PerturbationFamily::whitespace: {
      enum Op { kSplit, kJoin, kDouble };
      std::vector<Op> ops;
      const std::vector<std::size_t> splits = split_points(w.text);
      if (!splits.empty()) ops.push_back(kSplit);
      if (!last) ops.insert(ops.end(), {kJoin, kDouble});
      EMBEVAL_CHECK(!ops.empty(), "perturb: a whitespace-eligible word without an edit");
      switch (ops[rng.below(ops.size())]) {
        case kSplit:
          w.text.insert(splits[rng.below(splits.size())], " ");
          break;
        case kJoin:
          w.separator.clear();
          break;
        case kDouble:
          w.separator += w.separator;
          break;
      }
      return true;
    }
  }
  return false;
}

bool eligible(const SplitText& split, std::size_t i, PerturbationFamily family,
              const WordNet* wordnet) {
  const std::string& w = split.words[i].text;
  const bool last = i + 1 == split.words.size();
  switch (family) {
    case PerturbationFamily::typo:
      return typo_eligible(w);
    case PerturbationFamily::casing:
      return casing_eligible(w);
    case PerturbationFamily::punctuation:
      return true;
    case PerturbationFamily::determiner:
      return true;
    case PerturbationFamily::swap:
      return !last;
    case PerturbationFamily::synonym: {
      const WordCore core = core_of(w);
      return !synonym_candidates(std::string_view(w).substr(core.begin, core.end - core.begin),
                                 *wordnet)
                  .empty();
    }
    case PerturbationFamily::unicode:
      return unicode_eligible(w);
    case PerturbationFamily::whitespace:
      return !split_points(w).empty() || !last;
  }
  return false;
}

}  // namespace

const std::vector<PerturbationFamily>& all_perturbation_families() {
  static const std::vector<PerturbationFamily> kAll = {
      PerturbationFamily::typo,        PerturbationFamily::casing,
      PerturbationFamily::punctuation, PerturbationFamily::determiner,
      PerturbationFamily::swap,        PerturbationFamily::synonym,
      PerturbationFamily::unicode,     PerturbationFamily::whitespace};
  return kAll;
}

std::string_view perturbation_family_name(PerturbationFamily family) {
  switch (family) {
    case PerturbationFamily::typo:
      return "typo";
    case PerturbationFamily::casing:
      return "casing";
    case PerturbationFamily::punctuation:
      return "punctuation";
    case PerturbationFamily::determiner:
      return "determiner";
    case PerturbationFamily::swap:
      return "swap";
    case PerturbationFamily::synonym:
      return "synonym";
    case PerturbationFamily::unicode:
      return "unicode";
    case PerturbationFamily::whitespace:
      return "whitespace";
  }
  return "?";
}

PerturbationFamily parse_perturbation_family(std::string_view name) {
  std::string known;
  for (const auto f : all_perturbation_families()) {
    if (perturbation_family_name(f) == name) return f;
    known += (known.empty() ? "" : ", ") + std::string(perturbation_family_name(f));
  }
  throw InputError("unknown --family '" + std::string(name) + "'", "", 0, "one of " + known);
}

std::uint64_t perturbation_seed(std::uint64_t seed, PerturbationFamily family,
                                std::string_view key) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  const auto mix = [&h](unsigned char byte) {
    h ^= byte;
    h *= 0x100000001b3ULL;
  };
  for (int b = 0; b < 8; ++b) mix(static_cast<unsigned char>(seed >> (8 * b)));
  for (const char c : perturbation_family_name(family)) mix(static_cast<unsigned char>(c));
  mix(0);
  for (const char c : key) mix(static_cast<unsigned char>(c));
  return h;
}

Perturbation perturb(std::string_view text, PerturbationFamily family, double rate,
                     std::uint64_t seed, const WordNet* wordnet) {
  EMBEVAL_CHECK(rate >= 0 && rate <= 1, "perturb: rate outside [0, 1]");
  EMBEVAL_CHECK(family != PerturbationFamily::synonym || wordnet != nullptr,
                "perturb: the synonym family needs a WordNet");
  SplitText split = split_words(text);
  std::vector<std::size_t> candidates;
  for (std::size_t i = 0; i < split.words.size(); ++i) {
    if (eligible(split, i, family, wordnet)) candidates.push_back(i);
  }
  Perturbation out;
  out.eligible = candidates.size();
  const auto m = static_cast<double>(candidates.size());
  const auto k = std::min(candidates.size(),
                          static_cast<std::size_t>(std::max(0.0, std::ceil(rate * m - 1e-9))));
  if (k == 0) {
    out.text = std::string(text);
    return out;
  }
  Xoshiro256StarStar rng(seed);
  for (std::size_t j = 0; j < k; ++j) {  // partial Fisher-Yates: the first k are the chosen
    const std::size_t r = j + rng.below(candidates.size() - j);
    std::swap(candidates[j], candidates[r]);
  }
  std::vector<std::size_t> chosen(candidates.begin(), candidates.begin() + k);
  std::sort(chosen.begin(), chosen.end());
  std::vector<bool> moved(split.words.size(), false);
  for (const std::size_t i : chosen) {
    if (edit_word(split, i, family, rng, wordnet, moved)) ++out.edits;
  }
  out.text = join_words(split);
  return out;
}

}  // namespace embeval
