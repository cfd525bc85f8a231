// Query perturbations: the exact output of each family for a fixed seed, checked against an
// independent Python implementation of xoshiro256** and the selection rule for typo and casing
// (tests/probe/perturbation_reference.py), and against the family's rule by
// hand for the others; plus the properties every family keeps (rate -> number of edits, no edit
// -> the input byte for byte, a seed -> the same text).
#include "embeval/probe/perturbation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "embeval/core/error.h"
#include "embeval/text/wordnet.h"

namespace embeval {
namespace {

constexpr std::string_view kQuery = "copy files and directories";

std::string perturbed(std::string_view text, PerturbationFamily family, double rate,
                      std::uint64_t seed, const WordNet* wordnet = nullptr) {
  return perturb(text, family, rate, seed, wordnet).text;
}

const WordNet& wordnet() {
  static const WordNet wn = WordNet::load();
  return wn;
}

TEST(Perturbation, SeedIsFnv1aOfSeedFamilyAndKey) {
  // FNV-1a 64 over 2a 00 00 00 00 00 00 00 't' 'y' 'p' 'o' 00 'q' '1' (the Python reference).
  EXPECT_EQ(perturbation_seed(42, PerturbationFamily::typo, "q1"), 3661583128369970529ULL);
  EXPECT_NE(perturbation_seed(42, PerturbationFamily::typo, "q1"),
            perturbation_seed(42, PerturbationFamily::casing, "q1"));
  EXPECT_NE(perturbation_seed(42, PerturbationFamily::typo, "q1"),
            perturbation_seed(43, PerturbationFamily::typo, "q1"));
}

TEST(Perturbation, TypoMatchesTheReference) {
  // Every word has >= 3 letters: all four edited (a swap, a swap, a swap, an insertion).
  const Perturbation p = perturb(kQuery, PerturbationFamily::typo, 1.0, 7);
  EXPECT_EQ(p.text, "copt flies adn directoriesz");
  EXPECT_EQ(p.eligible, 4u);
  EXPECT_EQ(p.edits, 4u);
  // rate 0.5: ceil(0.5 * 4) = 2 words.
  EXPECT_EQ(perturbed(kQuery, PerturbationFamily::typo, 0.5, 7), "copy filez qnd directories");
}

TEST(Perturbation, CasingMatchesTheReference) {
  // "FILES" has no lower-case letter: not eligible; the three others are edited.
  const Perturbation p = perturb("Copy FILES and directories", PerturbationFamily::casing, 1.0, 7);
  EXPECT_EQ(p.text, "COPY FILES And Directories");
  EXPECT_EQ(p.eligible, 3u);
  EXPECT_EQ(perturbed(kQuery, PerturbationFamily::casing, 0.5, 11), "COPY FILES and directories");
}

TEST(Perturbation, SwapAtRateOneSwapsDisjointPairs) {
  // Pairs (0,1), (1,2), (2,3) all chosen; (1,2) overlaps a moved word and is skipped.
  const Perturbation p = perturb(kQuery, PerturbationFamily::swap, 1.0, 7);
  EXPECT_EQ(p.text, "files copy directories and");
  EXPECT_EQ(p.eligible, 3u);
  EXPECT_EQ(p.edits, 2u);
}

TEST(Perturbation, FixedSeedOutputsFollowEachFamilysRule) {
  // All four words: "list" + '?', "directory" + '?', "contents," loses its comma, "recursively"
  // + ','.
  EXPECT_EQ(
      perturbed("list directory contents, recursively", PerturbationFamily::punctuation, 1.0, 7),
      "list? directory? contents recursively,");
  // "the" dropped (with its space); "the " inserted before file, system and is; "a" -> "the";
  // "a " inserted before tree.
  EXPECT_EQ(perturbed("the file system is a tree", PerturbationFamily::determiner, 1.0, 7),
            "the file the system the is the a tree");
  // ceil(0.34 * 3) = 2 pairs, (1,2) and (2,3): the second overlaps a moved word and is skipped.
  const Perturbation swap = perturb(kQuery, PerturbationFamily::swap, 0.34, 7);
  EXPECT_EQ(swap.text, "copy and files directories");
  EXPECT_EQ(swap.edits, 1u);
  // Cyrillic U+0443 for y, U+0455 for s: NFKC keeps them.
  EXPECT_EQ(perturbed("copy files", PerturbationFamily::unicode, 1.0, 7),
            "cop\xD1\x83 file\xD1\x95");
  // copy and files: white space doubled; and, directories (last: only a split) split.
  EXPECT_EQ(perturbed(kQuery, PerturbationFamily::whitespace, 1.0, 7),
            "copy  files  a nd di rectories");
  // Only "Copy" is eligible ("files", "directories" are no lemmas: plural; "and" a function
  // word): copy.n.01 = {copy, transcript}; the capital and the full stop stay.
  const Perturbation synonym =
      perturb("Copy files and directories.", PerturbationFamily::synonym, 1.0, 7, &wordnet());
  EXPECT_EQ(synonym.text, "Transcript files and directories.");
  EXPECT_EQ(synonym.eligible, 1u);
}

TEST(Perturbation, FullWidthIsUndoneByNfkcAndHomoglyphsAreNot) {
  // Only full-width is possible for a word without a look-alike letter ("dfg" has none).
  EXPECT_EQ(perturbed("dfg", PerturbationFamily::unicode, 1.0, 1),
            "\xEF\xBD\x84\xEF\xBD\x86\xEF\xBD\x87");  // U+FF44 U+FF46 U+FF47
}

TEST(Perturbation, EditsKeepUtf8WholeAndNeverEmptyAQuery) {
  // "été" has no ASCII letter pair to split inside a character: split points are byte 2 (after
  // "é") and byte 3 (before "é"), never inside the two-byte "é".
  for (std::uint64_t seed = 0; seed < 40; ++seed) {
    const std::string out =
        perturbed("\xC3\xA9t\xC3\xA9", PerturbationFamily::whitespace, 1.0, seed);
    EXPECT_TRUE(out == "\xC3\xA9 t\xC3\xA9" || out == "\xC3\xA9t \xC3\xA9") << out;
    // A lone determiner is swapped, never dropped.
    EXPECT_EQ(perturbed("the", PerturbationFamily::determiner, 1.0, seed), "a");
  }
}

TEST(Perturbation, DeterminerRules) {
  // A determiner is dropped or swapped; "an" before a vowel; the case kept.
  for (std::uint64_t seed = 0; seed < 50; ++seed) {
    const std::string out = perturbed("The end", PerturbationFamily::determiner, 0.5, seed);
    EXPECT_TRUE(out == "end" || out == "A end" || out == "An end" || out == "The the end" ||
                out == "The an end" || out == "The a end")
        << out;
  }
}

TEST(Perturbation, RateGivesCeilOfEligibleAndNoEditKeepsTheBytes) {
  const std::string text = "  move   the files\tto a new home  ";  // 6 words
  for (const auto family : all_perturbation_families()) {
    const Perturbation none = perturb(text, family, 0.0, 3, &wordnet());
    EXPECT_EQ(none.text, text) << perturbation_family_name(family);
    EXPECT_EQ(none.edits, 0u);
    for (const double rate : {0.1, 0.5, 1.0}) {
      const Perturbation p = perturb(text, family, rate, 3, &wordnet());
      const auto expected = static_cast<std::size_t>(std::ceil(rate * p.eligible - 1e-9));
      if (family != PerturbationFamily::swap) {
        EXPECT_EQ(p.edits, expected) << perturbation_family_name(family) << " " << rate;
      } else {
        EXPECT_LE(p.edits, expected);
        EXPECT_GE(p.edits, expected == 0 ? 0u : 1u);
      }
      EXPECT_EQ(perturb(text, family, rate, 3, &wordnet()).text, p.text);  // deterministic
      if (p.edits > 0) {
        EXPECT_NE(p.text, text) << perturbation_family_name(family);
      }
    }
  }
}

TEST(Perturbation, FamilyNamesRoundTripAndUnknownIsAnInputError) {
  for (const auto family : all_perturbation_families()) {
    EXPECT_EQ(parse_perturbation_family(perturbation_family_name(family)), family);
  }
  EXPECT_EQ(all_perturbation_families().size(), 8u);
  try {
    (void)parse_perturbation_family("typos");
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_NE(e.message().find("typos"), std::string::npos);
    EXPECT_NE(e.hint().find("whitespace"), std::string::npos);
  }
}

}  // namespace
}  // namespace embeval
