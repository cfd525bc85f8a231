// WordNet as the neighbours probe's lexicon, on the real files of Debian wordnet-base: synonyms,
// a hypernym one step away and another two steps away, inflected forms through morphy, and the
// word list of single-word lemmas.
#include "embeval/probe/wordnet_relation.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "embeval/core/error.h"

namespace embeval {
namespace {

const std::filesystem::path kWordNet = "/usr/share/wordnet";

TEST(WordNetRelation, SynonymsHypernymsAndInflections) {
  const auto one = open_wordnet_relation(kWordNet, 1);
  EXPECT_TRUE(one->knows("car"));
  EXPECT_TRUE(one->knows("Cars"));  // lower-cased, then morphy
  EXPECT_FALSE(one->knows("qwzx"));
  EXPECT_TRUE(one->related("car", "automobile"));    // one synset: car, auto, automobile, ...
  EXPECT_TRUE(one->related("cars", "automobiles"));  // both through morphy
  EXPECT_TRUE(one->related("dog", "canine"));        // dog @ canine: one step
  EXPECT_FALSE(one->related("dog", "carnivore"));    // canine @ carnivore: two steps
  EXPECT_FALSE(one->related("car", "banana"));
  EXPECT_FALSE(one->related("car", "qwzx"));
  const auto two = open_wordnet_relation(kWordNet, 2);
  EXPECT_TRUE(two->related("dog", "carnivore"));
  EXPECT_NE(two->describe().find("within 2 steps"), std::string::npos);
}

TEST(WordNetRelation, WordListOfSingleWordLemmas) {
  const WordList list = wordnet_word_list(kWordNet);
  EXPECT_EQ(list.source, "wordnet:/usr/share/wordnet");
  EXPECT_GT(list.words.size(), 50000u);
  EXPECT_TRUE(std::binary_search(list.words.begin(), list.words.end(), "car"));
  EXPECT_FALSE(std::binary_search(list.words.begin(), list.words.end(), "motor_vehicle"));
  EXPECT_FALSE(std::binary_search(list.words.begin(), list.words.end(), "x-ray"));
  EXPECT_TRUE(std::is_sorted(list.words.begin(), list.words.end()));
  EXPECT_THROW((void)wordnet_word_list("/nonexistent-wordnet"), InputError);
}

}  // namespace
}  // namespace embeval
