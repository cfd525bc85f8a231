#include "embeval/text/wordnet.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// The real WordNet 3.0 of Debian's wordnet-base (scripts/setup.sh installs it), loaded once.
const WordNet& real_wordnet() {
  static const WordNet wordnet = WordNet::load();
  return wordnet;
}

bool has_word(const WordNet& wn, SynsetId id, std::string_view word) {
  const auto ws = wn.words(id);
  return std::any_of(ws.begin(), ws.end(), [&](const std::string& w) { return w == word; });
}

bool contains_lemma(const std::vector<WordNetRelated>& related, std::string_view lemma,
                    int distance) {
  return std::any_of(related.begin(), related.end(), [&](const WordNetRelated& r) {
    return r.lemma == lemma && r.distance == distance;
  });
}

TEST(WordNetReal, SynsetAndLemmaCountsAreWordNet30s) {
  const WordNet& wn = real_wordnet();
  // wnstats(7WN) of WordNet 3.0: synsets and unique strings per part of speech.
  EXPECT_EQ(wn.synset_count(WordNetPos::noun), 82115u);
  EXPECT_EQ(wn.synset_count(WordNetPos::verb), 13767u);
  EXPECT_EQ(wn.synset_count(WordNetPos::adjective), 18156u);
  EXPECT_EQ(wn.synset_count(WordNetPos::adverb), 3621u);
  EXPECT_EQ(wn.synset_count(), 82115u + 13767u + 18156u + 3621u);
  EXPECT_EQ(wn.lemma_count(WordNetPos::noun), 117798u);
  EXPECT_EQ(wn.lemma_count(WordNetPos::verb), 11529u);
  EXPECT_EQ(wn.lemma_count(WordNetPos::adjective), 21479u);
  EXPECT_EQ(wn.lemma_count(WordNetPos::adverb), 4481u);
}

TEST(WordNetReal, CarAndAutomobileShareTheirFirstSynset) {
  const WordNet& wn = real_wordnet();
  const auto car = wn.synsets("car", WordNetPos::noun);
  ASSERT_EQ(car.size(), 5u);  // car.n.01 ... car.n.05
  EXPECT_EQ(wn.offset(car[0]), 2958343u);
  EXPECT_TRUE(has_word(wn, car[0], "automobile"));
  EXPECT_TRUE(has_word(wn, car[0], "motorcar"));
  EXPECT_EQ(wn.synsets("Automobile", WordNetPos::noun)[0], car[0]);
  EXPECT_TRUE(wn.gloss(car[0]).starts_with("a motor vehicle with four wheels"));
  const auto synonyms = wn.synonyms("car");
  EXPECT_TRUE(std::binary_search(synonyms.begin(), synonyms.end(), "automobile"));
  EXPECT_TRUE(std::binary_search(synonyms.begin(), synonyms.end(), "railcar"));  // car.n.02
  EXPECT_FALSE(std::binary_search(synonyms.begin(), synonyms.end(), "car"));
  EXPECT_EQ(wn.distance("car", "automobile", 0), 0);
  EXPECT_EQ(wn.distance("Motorcar", "AUTOMOBILE", 0), 0);  // lemma_key folds both
  EXPECT_EQ(wn.distance("motor vehicle", "car", 1), 1);    // "motor_vehicle" is a lemma
}

TEST(WordNetReal, DogHasHypernymCanineAndHyponymPuppy) {
  const WordNet& wn = real_wordnet();
  const SynsetId dog = wn.synsets("dog", WordNetPos::noun)[0];
  const auto hypernyms = wn.targets(dog, WordNetPointer::hypernym);
  ASSERT_EQ(hypernyms.size(), 2u);
  EXPECT_TRUE(has_word(wn, hypernyms[0], "canine"));
  EXPECT_TRUE(has_word(wn, hypernyms[1], "domestic_animal"));
  const auto related = wn.related("dog", 1);
  EXPECT_TRUE(contains_lemma(related, "canine", 1));
  EXPECT_TRUE(contains_lemma(related, "puppy", 1));
  EXPECT_TRUE(contains_lemma(related, "domestic_dog", 0));
  EXPECT_EQ(wn.distance("dog", "carnivore", 2), 2);  // dog -> canine -> carnivore
  EXPECT_EQ(wn.distance("dog", "carnivore", 1), -1);
  EXPECT_EQ(wn.distance("dog", "canine", 1, {WordNetPointer::antonym}), -1);
}

TEST(WordNetReal, InstanceAntonymDerivationAndSimilarPointers) {
  const WordNet& wn = real_wordnet();
  EXPECT_EQ(wn.distance("einstein", "physicist", 1), 1);  // @i
  EXPECT_EQ(wn.distance("physicist", "einstein", 1), 1);  // ~i
  EXPECT_EQ(wn.distance("einstein", "physicist", 1, {WordNetPointer::hypernym}), -1);
  EXPECT_EQ(wn.distance("good", "bad", 1, {WordNetPointer::antonym}), 1);
  EXPECT_EQ(wn.distance("teach", "teacher", 1, {WordNetPointer::derivation}), 1);
  EXPECT_EQ(wn.distance("wet", "damp", 1, {WordNetPointer::similar_to}), 1);
  // Lexical: "good"'s antonym "bad" is not an antonym of good's synonym "goodness" (a noun
  // synset of its own) nor of "well" (a synonym of good in good.a.?): the pointer leaves "good".
  const auto antonyms = wn.related("good", 1, {WordNetPointer::antonym});
  for (const auto& r : antonyms) {
    if (r.distance == 1) {
      EXPECT_NE(r.lemma, "goodness");
    }
  }
  EXPECT_EQ(wn.distance("dog", "unknown_word_xyz", 3), -1);
}

TEST(WordNetReal, MorphyFindsBaseForms) {
  const WordNet& wn = real_wordnet();
  EXPECT_EQ(wn.base_forms("geese", WordNetPos::noun), std::vector<std::string>{"goose"});
  EXPECT_EQ(wn.base_forms("dogs", WordNetPos::noun), std::vector<std::string>{"dog"});
  EXPECT_EQ(wn.base_forms("churches", WordNetPos::noun), std::vector<std::string>{"church"});
  EXPECT_EQ(wn.base_forms("ran", WordNetPos::verb), std::vector<std::string>{"run"});
  EXPECT_EQ(wn.base_forms("running", WordNetPos::verb), std::vector<std::string>{"run"});
  EXPECT_EQ(wn.base_forms("faster", WordNetPos::adjective), std::vector<std::string>{"fast"});
  EXPECT_TRUE(wn.base_forms("xqzt", WordNetPos::noun).empty());
}

TEST(WordNet, LemmaKeyFoldsCaseAndSpaces) {
  EXPECT_EQ(WordNet::lemma_key("Motor  Vehicle"), "motor_vehicle");
  EXPECT_EQ(WordNet::lemma_key(" X-ray "), "x-ray");
  EXPECT_EQ(WordNet::lemma_key("U.S."), "u.s.");
}

// A tiny WordNet written by hand. "{N}" in a data line stands for the byte offset of line N of
// the same file (0-based, license lines not counted); offsets are 8 digits like the placeholder
// after replacement, so lengths are known before the offsets are.
std::map<std::string, std::vector<std::uint32_t>> g_offsets;

std::string assemble(const std::string& name, const std::vector<std::string>& lines,
                     const std::map<std::string, std::vector<std::uint32_t>>& others = {}) {
  const std::string license = "  1 This is a license line  \n  2 \n";
  std::vector<std::uint32_t> offsets;
  std::size_t position = license.size();
  for (const auto& line : lines) {
    offsets.push_back(static_cast<std::uint32_t>(position));
    std::size_t length = line.size() + 1;
    for (std::size_t p = line.find('{'); p != std::string::npos; p = line.find('{', p + 1)) {
      const std::size_t close = line.find('}', p);
      length = length - (close - p + 1) + 8;
    }
    position += length;
  }
  g_offsets[name] = offsets;
  const auto resolve = [&](const std::string& line) {
    std::string out;
    for (std::size_t i = 0; i < line.size(); ++i) {
      if (line[i] != '{') {
        out.push_back(line[i]);
        continue;
      }
      const std::size_t close = line.find('}', i);
      const std::string ref = line.substr(i + 1, close - i - 1);  // "3" or "noun:3"
      const auto colon = ref.find(':');
      const std::uint32_t offset =
          colon == std::string::npos
              ? offsets.at(std::stoul(ref))
              : others.at(ref.substr(0, colon)).at(std::stoul(ref.substr(colon + 1)));
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "%08u", offset);
      out += buffer;
      i = close;
    }
    return out;
  };
  std::string text = license;
  for (const auto& line : lines) text += resolve(line) + "\n";
  return text;
}

class TinyWordNet : public ::testing::Test {
 protected:
  void SetUp() override {
    noun_lines_ = {"{0} 03 n 01 entity 0 001 ~ {1} n 0000 | that which exists  ",
                   "{1} 05 n 02 dog 0 domestic_dog 0 002 @ {0} n 0000 + {verb:0} v 0101 | a dog  "};
    write_all();
  }

  void write_all() {
    const std::string verb = assemble("verb", {"{0} 29 v 01 dog 0 000 01 + 02 00 | to follow  "});
    const std::string noun = assemble("noun", noun_lines_, g_offsets);
    dir_.write("data.noun", noun);
    dir_.write("data.verb", verb);
    dir_.write("data.adj", assemble("adj", {"{0} 00 a 01 fast(p) 0 000 | quick  "}));
    dir_.write("data.adv", assemble("adv", {"{0} 02 r 01 quickly 0 000 | fast  "}));
    std::string index_noun = "  1 license\n";
    index_noun += "dog n 1 1 @ 1 0 " + format(g_offsets["noun"][1]) + "  \n";
    index_noun += "domestic_dog n 1 1 @ 1 0 " + format(g_offsets["noun"][1]) + "  \n";
    index_noun += "entity n 1 1 ~ 1 0 " +
                  format(index_entity_offset_.value_or(g_offsets["noun"][0])) + "  \n";
    dir_.write("index.noun", index_noun);
    dir_.write("index.verb", "  1 license\ndog v 1 0 1 0 " + format(g_offsets["verb"][0]) + "  \n");
    dir_.write("index.adj", "  1 license\nfast a 1 0 1 0 " + format(g_offsets["adj"][0]) + "  \n");
    dir_.write("index.adv",
               "  1 license\nquickly r 1 0 1 0 " + format(g_offsets["adv"][0]) + "  \n");
    dir_.write("noun.exc", "dogs dog\n");
    dir_.write("verb.exc", "");
    dir_.write("adj.exc", "");
    dir_.write("adv.exc", "");
  }

  static std::string format(std::uint32_t offset) {
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%08u", offset);
    return buffer;
  }

  void expect_error_at(const std::string& file, std::size_t line, const std::string& needle) {
    try {
      (void)WordNet::load(dir_.path());
      ADD_FAILURE() << "no InputError";
    } catch (const InputError& e) {
      EXPECT_EQ(e.file(), (dir_ / file).string());
      EXPECT_EQ(e.line(), line);
      EXPECT_NE(std::string(e.message()).find(needle), std::string::npos) << e.message();
    }
  }

  testing::TempDir dir_{"embeval-wordnet"};
  std::vector<std::string> noun_lines_;
  std::optional<std::uint32_t> index_entity_offset_;
};

TEST_F(TinyWordNet, LoadsAndLinks) {
  const WordNet wn = WordNet::load(dir_.path());
  EXPECT_EQ(wn.synset_count(), 5u);  // 2 nouns, a verb, an adjective, an adverb
  const auto dog = wn.synsets("Dog", WordNetPos::noun);
  ASSERT_EQ(dog.size(), 1u);
  EXPECT_EQ(wn.offset(dog[0]), 34u + 70u);  // two license lines (34 bytes), entity (69 + newline)
  EXPECT_EQ(wn.gloss(dog[0]), "a dog");
  EXPECT_EQ(wn.words(dog[0])[1], "domestic_dog");
  EXPECT_EQ(wn.words(wn.synsets("fast", WordNetPos::adjective)[0])[0], "fast");  // "(p)" dropped
  ASSERT_EQ(wn.pointers(dog[0]).size(), 2u);
  const WordNetPointerEdge derivation = wn.pointers(dog[0])[1];
  EXPECT_EQ(derivation.type, WordNetPointer::derivation);
  EXPECT_EQ(wn.pos(derivation.target), WordNetPos::verb);
  EXPECT_EQ(derivation.source_word, 1);
  EXPECT_EQ(derivation.target_word, 1);
  // The derivation leaves "dog" (word 1), not "domestic_dog" (word 2).
  EXPECT_EQ(wn.distance("dog", "entity", 1), 1);
  const auto from_domestic = wn.related("domestic_dog", 1);
  ASSERT_EQ(from_domestic.size(), 2u);
  EXPECT_EQ(from_domestic[0].lemma, "dog");  // synonym, distance 0; the verb "dog" is not reached
  EXPECT_EQ(from_domestic[0].distance, 0);
  EXPECT_EQ(from_domestic[1].lemma, "entity");
  EXPECT_EQ(wn.synsets("dog").size(), 2u);  // noun and verb
  EXPECT_EQ(wn.base_forms("dogs", WordNetPos::noun), std::vector<std::string>{"dog"});
}

TEST_F(TinyWordNet, OffsetThatIsNotTheBytePositionNamesFileAndLine) {
  noun_lines_[1] = "00000001 05 n 01 dog 0 000 | a dog  ";
  write_all();
  expect_error_at("data.noun", 4, "is not the line's byte offset 104");
}

TEST_F(TinyWordNet, PointerToNoSynsetNamesTheSourceLine) {
  noun_lines_[0] = "{0} 03 n 01 entity 0 001 ~ 00000077 n 0000 | that which exists  ";
  write_all();
  expect_error_at("data.noun", 3, "a pointer to 77, which is no synset of data.noun");
}

TEST_F(TinyWordNet, UnknownPointerSymbol) {
  noun_lines_[0] = "{0} 03 n 01 entity 0 001 ?? {1} n 0000 | that which exists  ";
  write_all();
  expect_error_at("data.noun", 3, "unknown pointer symbol \"??\"");
}

TEST_F(TinyWordNet, WordCountBeyondTheWords) {
  noun_lines_[1] = "{1} 05 n 03 dog 0 domestic_dog 0 000 | a dog  ";
  write_all();
  expect_error_at("data.noun", 4, "lex_id");
}

TEST_F(TinyWordNet, MissingGloss) {
  noun_lines_[1] = "{1} 05 n 01 dog 0 000 a dog";
  write_all();
  expect_error_at("data.noun", 4, "expected \"| gloss\"");
}

TEST_F(TinyWordNet, IndexOffsetToNoSynset) {
  index_entity_offset_ = 12345;
  write_all();
  expect_error_at("index.noun", 4, "synset_offset 12345 is no synset of data.noun");
}

TEST_F(TinyWordNet, MissingFile) {
  std::filesystem::remove(dir_ / "data.adv");
  expect_error_at("data.adv", 0, "cannot open");
}

}  // namespace
}  // namespace embeval
