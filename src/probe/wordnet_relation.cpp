#include "embeval/probe/wordnet_relation.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <string>

#include "embeval/core/error.h"
#include "embeval/text/wordnet.h"

namespace embeval {
namespace {

// What "related" means here: synonyms (distance 0), hypernym/hyponym (instances too) and
// derivationally related forms; antonyms and similar-to are left out (an antonym is no synonym).
constexpr WordNetPointerSet kNeighbourRelations = {
    WordNetPointer::hypernym, WordNetPointer::instance_hypernym, WordNetPointer::hyponym,
    WordNetPointer::instance_hyponym, WordNetPointer::derivation};

class WordNetRelation : public WordRelation {
 public:
  WordNetRelation(WordNet wordnet, std::filesystem::path dir, std::size_t distance)
      : wordnet_(std::move(wordnet)), dir_(std::move(dir)), distance_(static_cast<int>(distance)) {}

  bool knows(std::string_view word) const override { return !lemmas(word).empty(); }

  bool related(std::string_view word, std::string_view neighbour) const override {
    const std::vector<std::string> from = lemmas(word);
    const std::vector<std::string> to = lemmas(neighbour);
    for (const std::string& a : from) {
      for (const std::string& b : to) {
        if (wordnet_.distance(a, b, distance_, kNeighbourRelations) >= 0) return true;
      }
    }
    return false;
  }

  std::string describe() const override {
    return "WordNet (" + dir_.string() + "): synonym, hypernym/hyponym or derivation within " +
           std::to_string(distance_) + (distance_ == 1 ? " step" : " steps");
  }

 private:
  // The lemma keys `word` may stand for: itself when WordNet lists it, and its morphy base forms
  // in every part of speech ("cars" -> "car").
  std::vector<std::string> lemmas(std::string_view word) const {
    const std::string key = WordNet::lemma_key(word);
    std::set<std::string> out;
    if (key.empty()) return {};
    if (!wordnet_.synsets(key).empty()) out.insert(key);
    for (int p = 0; p < kWordNetPosCount; ++p) {
      for (std::string& base : wordnet_.base_forms(key, static_cast<WordNetPos>(p))) {
        out.insert(std::move(base));
      }
    }
    return {out.begin(), out.end()};
  }

  WordNet wordnet_;
  std::filesystem::path dir_;
  int distance_;
};

bool single_word(const std::string& lemma) {
  return !lemma.empty() &&
         std::all_of(lemma.begin(), lemma.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

}  // namespace

std::unique_ptr<WordRelation> open_wordnet_relation(const std::filesystem::path& dir,
                                                    std::size_t distance) {
  EMBEVAL_CHECK(distance >= 1, "wordnet relation: distance must be at least 1");
  return std::make_unique<WordNetRelation>(WordNet::load(dir), dir, distance);
}

WordList wordnet_word_list(const std::filesystem::path& dir) {
  std::set<std::string> lemmas;
  for (const char* pos : {"noun", "verb", "adj", "adv"}) {
    const std::filesystem::path file = dir / (std::string("index.") + pos);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      throw InputError("cannot read WordNet's index", file.string(), 0,
                       "install Debian's wordnet-base or pass --wordnet-dir");
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with("  ")) continue;  // the license header
      std::string lemma = line.substr(0, line.find(' '));
      if (single_word(lemma)) lemmas.insert(std::move(lemma));
    }
  }
  WordList list;
  list.words.assign(lemmas.begin(), lemmas.end());
  list.source = "wordnet:" + dir.string();
  list.available = list.words.size();
  if (list.words.empty()) {
    throw InputError("WordNet's index files hold no single-word lemma", dir.string(), 0,
                     "point --wordnet-dir at Debian wordnet-base's /usr/share/wordnet");
  }
  return list;
}

}  // namespace embeval
