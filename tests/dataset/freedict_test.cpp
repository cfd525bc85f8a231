// FreeDict pairs: entry parsing on hand-written entries, dictd's base-64 numbers, every failure
// on a made-up dictionary (missing, corrupt gzip, bad or out-of-range index lines), and the real
// eng-deu, eng-fra and eng-spa dictionaries Debian installs (scripts/setup.sh).
#include "embeval/dataset/freedict.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "dataset/fake_man_dir.h"
#include "embeval/core/error.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::write_gzip;
using testing::write_plain;

TEST(FreeDictEntry, HeadwordWithoutPronunciationAndFirstTranslationWithoutLabels) {
  const FreeDictPair p = parse_freedict_entry(
      "sex /s\xCB\x88\xC9\x9B"
      "ks/\n [coll.] Geschlechtsverkehr <masc>, Verkehr <masc> [ugs.]\n"
      "      \"have sex\"  - Sex haben\n");
  EXPECT_EQ(p.headword, "sex");
  EXPECT_EQ(p.translation, "Geschlechtsverkehr");
}

TEST(FreeDictEntry, SlashInsideTheHeadwordIsKept) {
  const FreeDictPair p = parse_freedict_entry(
      "recycling centre / center /r\xC9\xAA/ (HWRC /x/)\nWertstoffhof <masc>; Recyclinghof\n");
  EXPECT_EQ(p.headword, "recycling centre / center");
  EXPECT_EQ(p.translation, "Wertstoffhof");
}

TEST(FreeDictEntry, CommaInsideParenthesesDoesNotSplit) {
  const FreeDictPair p =
      parse_freedict_entry("sex /x/ <v>\ndas Geschlecht (eines Tieres, Vogels) bestimmen <v>\n");
  EXPECT_EQ(p.headword, "sex");
  EXPECT_EQ(p.translation, "das Geschlecht (eines Tieres, Vogels) bestimmen");
}

TEST(FreeDictEntry, NoPronunciationAndTabsBecomeSpaces) {
  const FreeDictPair p = parse_freedict_entry("dog\tcollar\nHunde\thalsband\n");
  EXPECT_EQ(p.headword, "dog collar");
  EXPECT_EQ(p.translation, "Hunde halsband");
}

TEST(FreeDictEntry, EntryWithoutATranslationLineGivesNothing) {
  EXPECT_TRUE(parse_freedict_entry("house /h/\n   see: {houses}\n").headword.empty());
  EXPECT_TRUE(parse_freedict_entry("house /h/\n\n").headword.empty());
  EXPECT_TRUE(parse_freedict_entry("").headword.empty());
  EXPECT_TRUE(parse_freedict_entry("<n>\nHaus\n").headword.empty());  // headword all label
}

TEST(FreeDictEntry, LeadingSenseNumberIsDropped) {
  const FreeDictPair p =
      parse_freedict_entry("surmise /s/\n1. conjecturer, se douter de\n2. supposer\n");
  EXPECT_EQ(p.translation, "conjecturer");
}

TEST(DictdNumber, Base64Digits) {
  EXPECT_EQ(decode_dictd_number("A"), 0);
  EXPECT_EQ(decode_dictd_number("DD"), 3 * 64 + 3);
  EXPECT_EQ(decode_dictd_number("/"), 63);
  EXPECT_EQ(decode_dictd_number("BAA"), 4096);
  EXPECT_EQ(decode_dictd_number(""), -1);
  EXPECT_EQ(decode_dictd_number("A-"), -1);
  EXPECT_EQ(decode_dictd_number("//////////"), -1);  // 2^60 - 1: over 2^53
}

// A made-up dictionary (offsets in dictd's base-64): a metadata entry, two pairs, an entry whose
// translation equals its headword, the same headword twice (ambiguous), and a second headword
// with cat's translation (kept once, under "cat").
class FreeDictFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    // 0: "00-database-info\nabout\n" (23 bytes)   23: "dog /d/\nHund <masc>\n" (20)
    // 43: "cat\nKatze\n" (10)   53: "radio\nRadio\n" (12)   65: "bank\nBanc\n" (10)
    // 75: "bank\nUfer\n" (10)   85: "kitty\nKatze\n" (12)
    data_ =
        "00-database-info\nabout\ndog /d/\nHund <masc>\ncat\nKatze\nradio\nRadio\n"
        "bank\nBanc\nbank\nUfer\nkitty\nKatze\n";
    index_ =
        "00databaseinfo\tA\tX\nbank\tBL\tK\nbank\tBL\tK\nbank\tBB\tK\ncat\tr\tK\n"
        "dog\tX\tU\nkitty\tBV\tM\nradio\t1\tM\n";
    write_gzip(dir_ / "freedict-eng-tst.dict.dz", data_);
    write_plain(dir_ / "freedict-eng-tst.index", index_);
  }
  FreeDictOptions options() const {
    FreeDictOptions o;
    o.dict_dir = dir_.path();
    o.name = "eng-tst";
    return o;
  }
  std::string data_, index_;
  testing::TempDir dir_{"embeval-freedict"};
};

TEST_F(FreeDictFiles, PairsAndCounts) {
  const FreeDictBitext b = read_freedict_bitext(options());
  EXPECT_EQ(b.pairs.sources, (std::vector<std::string>{"cat", "dog"}));
  EXPECT_EQ(b.pairs.targets, (std::vector<std::string>{"Katze", "Hund"}));
  EXPECT_EQ(b.report.index_lines, 8u);
  EXPECT_EQ(b.report.metadata, 2u);  // 00databaseinfo and the repeated bank line
  EXPECT_EQ(b.report.identical, 1u);
  EXPECT_EQ(b.report.ambiguous_headword, 2u);
  EXPECT_EQ(b.report.shared_translation, 1u);
  EXPECT_EQ(b.report.pairs, 2u);
}

TEST_F(FreeDictFiles, CorruptDictzipNamesTheFile) {
  const fs::path dict = dir_ / "freedict-eng-tst.dict.dz";
  std::string bytes = testing::read_file(dict);
  bytes.resize(bytes.size() / 2);  // truncated
  write_plain(dict, bytes);
  try {
    (void)read_freedict_bitext(options());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), dict.string());
    EXPECT_NE(std::string(e.what()).find("dictzip"), std::string::npos) << e.what();
  }
  write_plain(dict, "not gzip at all");
  EXPECT_THROW((void)read_freedict_bitext(options()), InputError);
}

TEST_F(FreeDictFiles, MissingFileNamesItAndThePackage) {
  fs::remove(dir_ / "freedict-eng-tst.index");
  try {
    (void)read_freedict_bitext(options());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), (dir_ / "freedict-eng-tst.index").string());
    EXPECT_NE(e.hint().find("dict-freedict-eng-tst"), std::string::npos) << e.hint();
  }
}

TEST_F(FreeDictFiles, IndexPastTheDataOrMalformedNamesTheLine) {
  const fs::path index = dir_ / "freedict-eng-tst.index";
  write_plain(index, "cat\tr\tK\ndog\tX\tZZ\n");  // 23 + 1625 > 97 bytes
  try {
    (void)read_freedict_bitext(options());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), index.string());
    EXPECT_EQ(e.line(), 2u);
  }
  write_plain(index, "cat\tr-\tK\n");
  EXPECT_THROW((void)read_freedict_bitext(options()), InputError);
  write_plain(index, "cat only\n");
  EXPECT_THROW((void)read_freedict_bitext(options()), InputError);
}

struct RealDictionary {
  const char* name;
  std::size_t floor;
  const char* headword;
  const char* translation;
};

class RealFreeDict : public ::testing::TestWithParam<RealDictionary> {};

TEST_P(RealFreeDict, KnownPairAndSaneCount) {
  const RealDictionary param = GetParam();
  FreeDictOptions o;
  o.name = param.name;
  if (!fs::exists(o.dict_dir / ("freedict-" + o.name + ".dict.dz"))) {
    GTEST_SKIP() << "dict-freedict-" << param.name << " is not installed (scripts/setup.sh)";
  }
  const FreeDictBitext b = read_freedict_bitext(o);
  EXPECT_GE(b.report.pairs, param.floor);
  bool found = false;
  for (std::size_t i = 0; i < b.pairs.size(); ++i) {
    EXPECT_NE(b.pairs.sources[i], b.pairs.targets[i]);
    if (b.pairs.sources[i] == param.headword) {
      found = true;
      EXPECT_EQ(b.pairs.targets[i], param.translation);
    }
  }
  EXPECT_TRUE(found) << param.headword;
}

INSTANTIATE_TEST_SUITE_P(Debian, RealFreeDict,
                         ::testing::Values(RealDictionary{"eng-deu", 150000, "apple", "Apfel"},
                                           RealDictionary{"eng-fra", 4000, "dog", "chien"},
                                           RealDictionary{"eng-spa", 2000, "dog", "perro"}),
                         [](const auto& info) {
                           std::string name = info.param.name;
                           name.erase(name.find('-'), 1);
                           return name;
                         });

}  // namespace
}  // namespace embeval
