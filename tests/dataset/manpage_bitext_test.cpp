// The man-page bitext builder: on a hand-made tree (every skip reason, counted exactly; a tab
// and a line break in a description) and on the translated pages Debian installs
// (manpages-de, -fr, -es, -ja; scripts/setup.sh installs them).
#include "embeval/dataset/manpage_bitext.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "dataset/fake_man_dir.h"
#include "embeval/core/error.h"
#include "embeval/io/bitext_pairs.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::simple_page;
using testing::write_gzip;
using testing::write_plain;

std::string page(const std::string& title, const std::string& name_line) {
  return simple_page(title, name_line, "");
}

class ManPageBitextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path en = dir_ / "man" / "man1";
    const fs::path de = dir_ / "man" / "de" / "man1";
    write_gzip(en / "ls.1.gz", page("LS", "ls \\- list directory contents"));
    write_gzip(de / "ls.1.gz", page("LS", "ls \\- Verzeichnisinhalte auflisten"));
    // A tab inside the English description and a line break (two input lines) in the German.
    write_gzip(en / "cp.1.gz", page("CP", "cp \\- copy\tfiles and\ndirectories"));
    write_gzip(de / "cp.1.gz", page("CP", "cp \\- Dateien und\nVerzeichnisse\tkopieren"));
    write_gzip(de / "only.1.gz", page("ONLY", "only \\- nur deutsch"));  // no English page
    write_gzip(en / "mv.1.gz", page("MV", "mv"));                        // no English NAME
    write_gzip(de / "mv.1.gz", page("MV", "mv \\- verschieben"));
    write_gzip(en / "rm.1.gz", page("RM", "rm \\- remove files"));
    write_gzip(de / "rm.1.gz", page("RM", "rm"));  // no German NAME
    write_gzip(en / "top.1.gz", page("TOP", "top \\- display processes"));
    write_gzip(de / "top.1.gz", page("TOP", "top \\- display processes"));  // untranslated
    // Two pages, one English description: both pairs ambiguous. And two pages whose German
    // descriptions coincide: ambiguous too.
    write_gzip(en / "dir.1.gz", page("DIR", "dir \\- list directory contents briefly"));
    write_gzip(en / "vdir.1.gz", page("VDIR", "vdir \\- list directory contents briefly"));
    write_gzip(de / "dir.1.gz", page("DIR", "dir \\- kurz auflisten"));
    write_gzip(de / "vdir.1.gz", page("VDIR", "vdir \\- lang auflisten"));
    write_gzip(en / "cat.1.gz", page("CAT", "cat \\- concatenate files"));
    write_gzip(en / "tac.1.gz", page("TAC", "tac \\- concatenate files in reverse"));
    write_gzip(de / "cat.1.gz", page("CAT", "cat \\- Dateien verketten"));
    write_gzip(de / "tac.1.gz", page("TAC", "tac \\- Dateien verketten"));
    // Two pages with the same pair (as ls, dir and vdir): one pair, under the first id.
    write_gzip(en / "du.1.gz", page("DU", "du \\- estimate file space usage"));
    write_gzip(en / "du2.1.gz", page("DU2", "du2 \\- estimate file space usage"));
    write_gzip(de / "du.1.gz", page("DU", "du \\- Dateiplatzverbrauch abschätzen"));
    write_gzip(de / "du2.1.gz", page("DU2", "du2 \\- Dateiplatzverbrauch abschätzen"));
  }
  ManPageBitextOptions options() const {
    ManPageBitextOptions o;
    o.man_dir = dir_ / "man";
    o.lang = "de";
    o.show_progress = false;
    return o;
  }
  testing::TempDir dir_{"embeval-manpage-bitext"};
};

TEST_F(ManPageBitextTest, PairsByPageAndCountsEverySkipReason) {
  const ManPageBitext b = build_manpage_bitext(options());
  ASSERT_EQ(b.ids, (std::vector<std::string>{"cp.1", "du.1", "ls.1"}));
  EXPECT_EQ(b.pairs.sources[0], "copy files and directories");
  EXPECT_EQ(b.pairs.targets[0], "Dateien und Verzeichnisse kopieren");
  EXPECT_EQ(b.pairs.sources[1], "estimate file space usage");
  EXPECT_EQ(b.pairs.targets[1], "Dateiplatzverbrauch abschätzen");
  EXPECT_EQ(b.pairs.sources[2], "list directory contents");
  EXPECT_EQ(b.pairs.targets[2], "Verzeichnisinhalte auflisten");
  const ManPageBitextReport& r = b.report;
  EXPECT_EQ(r.translated_pages, 12u);
  EXPECT_EQ(r.english_pages, 11u);
  EXPECT_EQ(r.no_english_page, 1u);
  EXPECT_EQ(r.no_english_name, 1u);
  EXPECT_EQ(r.no_translated_name, 1u);
  EXPECT_EQ(r.identical, 1u);
  EXPECT_EQ(r.repeated, 1u);
  EXPECT_EQ(r.ambiguous, 4u);
  EXPECT_EQ(r.sampled_out, 0u);
  EXPECT_EQ(r.pairs, 3u);
}

TEST_F(ManPageBitextTest, WrittenFileReadsBackWithoutTabsOrBreaksInsideAPair) {
  const ManPageBitext b = build_manpage_bitext(options());
  const fs::path out = dir_ / "pairs.tsv";
  write_bitext_tsv(out, b.pairs);
  const BitextPairs back = read_bitext_tsv(out);
  EXPECT_EQ(back.sources, b.pairs.sources);
  EXPECT_EQ(back.targets, b.pairs.targets);
}

TEST_F(ManPageBitextTest, MaxPairsKeepsAnEvenSpread) {
  ManPageBitextOptions o = options();
  o.max_pairs = 2;
  const ManPageBitext b = build_manpage_bitext(o);
  EXPECT_EQ(b.ids, (std::vector<std::string>{"cp.1", "du.1"}));  // floor(i * 3 / 2): 0, 1
  EXPECT_EQ(b.report.sampled_out, 1u);
}

TEST_F(ManPageBitextTest, UnknownLanguageIsAnInputError) {
  ManPageBitextOptions o = options();
  o.lang = "xx";
  EXPECT_THROW((void)build_manpage_bitext(o), InputError);
}

TEST(EvenlySpread, TakesEveryKthIndex) {
  EXPECT_EQ(evenly_spread(5, 0), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(evenly_spread(5, 9), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
  EXPECT_EQ(evenly_spread(10, 4), (std::vector<std::size_t>{0, 2, 5, 7}));  // floor(i*10/4)
  EXPECT_TRUE(evenly_spread(0, 3).empty());
}

// The real translated pages. Each language's floor is well under what bookworm's packages
// give (docs/datasets.md lists the counts), and over what a broken NAME reader would leave.
struct RealLanguage {
  const char* lang;
  std::size_t floor;
};

class RealManPageBitext : public ::testing::TestWithParam<RealLanguage> {};

TEST_P(RealManPageBitext, KnownPairsAndSaneCounts) {
  const RealLanguage param = GetParam();
  if (!fs::is_directory(fs::path("/usr/share/man") / param.lang / "man1")) {
    GTEST_SKIP() << "/usr/share/man/" << param.lang << "/man1 is absent: install manpages-"
                 << param.lang << " (scripts/setup.sh)";
  }
  ManPageBitextOptions o;
  o.lang = param.lang;
  o.show_progress = false;
  const ManPageBitext b = build_manpage_bitext(o);
  EXPECT_GE(b.report.pairs, param.floor);
  EXPECT_EQ(b.report.pairs, b.pairs.size());
  for (std::size_t i = 0; i < b.pairs.size(); ++i) {
    EXPECT_EQ(bitext_side(b.pairs.sources[i]), b.pairs.sources[i]) << b.ids[i];
    EXPECT_EQ(bitext_side(b.pairs.targets[i]), b.pairs.targets[i]) << b.ids[i];
    EXPECT_NE(b.pairs.sources[i], b.pairs.targets[i]) << b.ids[i];
  }
  EXPECT_TRUE(std::is_sorted(b.ids.begin(), b.ids.end()));
  if (std::string(param.lang) == "de") {
    // ls, dir and vdir share both descriptions: one pair, kept under dir.1.
    const auto it = std::find(b.ids.begin(), b.ids.end(), "dir.1");
    ASSERT_NE(it, b.ids.end());
    const std::size_t i = static_cast<std::size_t>(it - b.ids.begin());
    EXPECT_EQ(b.pairs.sources[i], "list directory contents");
    EXPECT_EQ(b.pairs.targets[i], "Verzeichnisinhalte auflisten");
  }
  if (std::string(param.lang) == "ja") {  // UTF-8 Japanese, read as is
    const auto it = std::find(b.ids.begin(), b.ids.end(), "dir.1");
    ASSERT_NE(it, b.ids.end());
    const std::size_t i = static_cast<std::size_t>(it - b.ids.begin());
    EXPECT_EQ(b.pairs.targets[i],
              "\xE3\x83\x87\xE3\x82\xA3\xE3\x83\xAC\xE3\x82\xAF\xE3\x83\x88\xE3\x83\xAA"
              "\xE3\x81\xAE\xE5\x86\x85\xE5\xAE\xB9\xE3\x82\x92\xE3\x83\xAA\xE3\x82\xB9"
              "\xE3\x83\x88\xE8\xA1\xA8\xE7\xA4\xBA\xE3\x81\x99\xE3\x82\x8B");
  }
}

INSTANTIATE_TEST_SUITE_P(Debian, RealManPageBitext,
                         ::testing::Values(RealLanguage{"de", 500}, RealLanguage{"fr", 300},
                                           RealLanguage{"es", 150}, RealLanguage{"ja", 300}),
                         [](const auto& info) { return std::string(info.param.lang); });

}  // namespace
}  // namespace embeval
