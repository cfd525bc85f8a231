// WordNet 3.0 read straight from its database files (wndb(5WN)): data.{noun,verb,adj,adv} (one
// synset per line), index.{noun,verb,adj,adv} (lemma -> synsets in sense order) and *.exc (the
// irregular inflections morphy uses). Debian's wordnet-base installs them in /usr/share/wordnet.
// Lines starting with two spaces are the license header and are skipped.
//
// Layout: every synset of the four parts of speech gets a dense SynsetId (nouns first, then
// verbs, adjectives, adverbs; within a part of speech in file order). A lemma key is lower-case
// ASCII with '_' between the words of a collocation ("motor_vehicle"), as the index files spell
// it; lemma_key() turns "Motor vehicle" into that. Synset words keep the case the lexicographers
// gave them ("Ford", "U.S.") with the adjective marker "(a)"/"(p)"/"(ip)" removed.
//
// Relatedness: synonyms share a synset (distance 0); every pointer followed is one step. Lexical
// pointers (antonym, derivation: they link one word to one word) are followed from the start word
// only on the first step, and from any word of a synset after that; semantic pointers link whole
// synsets.
//
// A loaded WordNet is immutable: any number of threads may read it. Spans and string_views it
// returns live as long as the WordNet. Loading all four parts of speech takes ~1 s and ~60 MB.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace embeval {

enum class WordNetPos : std::uint8_t { noun = 0, verb = 1, adjective = 2, adverb = 3 };
inline constexpr int kWordNetPosCount = 4;
// "noun", "verb", "adj", "adv": the file suffixes.
[[nodiscard]] std::string_view wordnet_pos_name(WordNetPos pos);

// Every pointer symbol of WordNet 3.0 (wninput(5WN)). `\` is "pertainym" in data.adj and
// "derived from adjective" in data.adv; both are `pertainym` here.
enum class WordNetPointer : std::uint8_t {
  antonym,               // !
  hypernym,              // @
  instance_hypernym,     // @i
  hyponym,               // ~
  instance_hyponym,      // ~i
  member_holonym,        // #m
  substance_holonym,     // #s
  part_holonym,          // #p
  member_meronym,        // %m
  substance_meronym,     // %s
  part_meronym,          // %p
  attribute,             // =
  derivation,            // +  derivationally related form
  domain_topic,          // ;c
  domain_topic_member,   // -c
  domain_region,         // ;r
  domain_region_member,  // -r
  domain_usage,          // ;u
  domain_usage_member,   // -u
  entailment,            // *
  cause,                 // >
  also_see,              // ^
  verb_group,            // $
  similar_to,            // &
  participle,            // <
  pertainym,             // \  (also an adverb's "derived from adjective")
};
inline constexpr int kWordNetPointerCount = 26;
[[nodiscard]] std::string_view wordnet_pointer_symbol(WordNetPointer p);

// A set of pointer types, one bit each.
class WordNetPointerSet {
 public:
  constexpr WordNetPointerSet() = default;
  constexpr WordNetPointerSet(std::initializer_list<WordNetPointer> pointers) {
    for (auto p : pointers) bits_ |= bit(p);
  }
  [[nodiscard]] constexpr bool contains(WordNetPointer p) const { return (bits_ & bit(p)) != 0; }
  [[nodiscard]] constexpr bool empty() const { return bits_ == 0; }

 private:
  static constexpr std::uint32_t bit(WordNetPointer p) {
    return std::uint32_t{1} << static_cast<int>(p);
  }
  std::uint32_t bits_ = 0;
};

// The relations a "related word" means by default: hypernym/hyponym (instances too),
// derivation, antonym and similar-to (synonyms are distance 0 and always count).
inline constexpr WordNetPointerSet kWordNetDefaultRelations = {
    WordNetPointer::hypernym,         WordNetPointer::instance_hypernym, WordNetPointer::hyponym,
    WordNetPointer::instance_hyponym, WordNetPointer::derivation,        WordNetPointer::antonym,
    WordNetPointer::similar_to};

using SynsetId = std::uint32_t;

struct WordNetPointerEdge {
  WordNetPointer type;
  SynsetId target;
  // 1-based word numbers for a lexical pointer; both 0 for a semantic one (whole synsets).
  std::uint8_t source_word = 0;
  std::uint8_t target_word = 0;
};

struct WordNetRelated {
  std::string lemma;  // lemma key, e.g. "motor_vehicle"
  int distance;       // 0 = synonym, else the fewest pointer steps
};

class WordNet {
 public:
  [[nodiscard]] static std::filesystem::path default_folder();  // /usr/share/wordnet

  // Reads the eight database files and the four exception lists of `folder`. InputError with
  // file and line on a missing file or a line that breaks the format (an offset that is not the
  // line's byte position, a pointer to no synset, an unknown pointer symbol, a count that does
  // not match the fields).
  [[nodiscard]] static WordNet load(const std::filesystem::path& folder = default_folder());

  WordNet(WordNet&&) noexcept;
  WordNet& operator=(WordNet&&) noexcept;
  ~WordNet();

  [[nodiscard]] std::size_t synset_count() const;
  [[nodiscard]] std::size_t synset_count(WordNetPos pos) const;
  [[nodiscard]] std::size_t lemma_count(WordNetPos pos) const;  // lines of index.<pos>

  // "Motor  Vehicle" -> "motor_vehicle": ASCII lower case, runs of spaces/tabs/'_' become one
  // '_', none at either end; hyphens and dots stay ("x-ray", "u.s.").
  [[nodiscard]] static std::string lemma_key(std::string_view text);

  // The synsets of a lemma (any spelling lemma_key() accepts) in sense order (most frequent
  // first); all parts of speech in the order noun, verb, adjective, adverb; empty when unknown.
  // No inflection is undone here: use base_forms() first.
  [[nodiscard]] std::vector<SynsetId> synsets(std::string_view lemma) const;
  [[nodiscard]] std::span<const SynsetId> synsets(std::string_view lemma, WordNetPos pos) const;

  [[nodiscard]] WordNetPos pos(SynsetId id) const;
  // True for an adjective satellite (ss_type 's'); pos() says adjective for both.
  [[nodiscard]] bool is_satellite(SynsetId id) const;
  [[nodiscard]] std::uint32_t offset(SynsetId id) const;                // byte offset in data.<pos>
  [[nodiscard]] std::span<const std::string> words(SynsetId id) const;  // as entered, '_' joined
  [[nodiscard]] std::string_view gloss(SynsetId id) const;
  [[nodiscard]] std::span<const WordNetPointerEdge> pointers(SynsetId id) const;
  // The targets of one pointer type from a synset (semantic and lexical pointers alike).
  [[nodiscard]] std::vector<SynsetId> targets(SynsetId id, WordNetPointer type) const;
  // The synset at a byte offset of data.<pos>; InputError when there is none.
  [[nodiscard]] SynsetId synset_at(WordNetPos pos, std::uint32_t offset) const;

  // Lemma keys of the synonyms of `lemma` (all its synsets, all parts of speech), without the
  // lemma itself, sorted, unique.
  [[nodiscard]] std::vector<std::string> synonyms(std::string_view lemma) const;

  // Every lemma reachable from `lemma` within `max_distance` pointer steps of the given types
  // (breadth first; see the header comment for lexical pointers), with its distance, sorted by
  // distance then lemma. The lemma itself is not listed.
  [[nodiscard]] std::vector<WordNetRelated> related(
      std::string_view lemma, int max_distance,
      WordNetPointerSet relations = kWordNetDefaultRelations) const;
  // The fewest steps from `a` to `b` (0: synonyms or the same lemma), or -1 when beyond
  // `max_distance` or either lemma is unknown.
  [[nodiscard]] int distance(std::string_view a, std::string_view b, int max_distance,
                             WordNetPointerSet relations = kWordNetDefaultRelations) const;

  // Morphy (morphy(7WN)): the lemma keys in index.<pos> that `word` may inflect, from the
  // exception list and the detachment rules ("dogs" -> "dog", "geese" -> "goose"); the word
  // itself first when it is a lemma. Sorted otherwise in rule order, unique.
  [[nodiscard]] std::vector<std::string> base_forms(std::string_view word, WordNetPos pos) const;

 private:
  struct Data;
  explicit WordNet(std::unique_ptr<Data> data);
  std::unique_ptr<Data> data_;
};

}  // namespace embeval
