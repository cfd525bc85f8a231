#include "embeval/dataset/manpages.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "dataset/fake_man_dir.h"
#include "dataset/man_files.h"
#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using Judgments = std::map<std::string, std::map<std::string, int>>;

Judgments sorted_qrels(const Dataset& dataset) {
  Judgments out;
  for (const auto& [qid, docs] : dataset.qrels.judgments) {
    out[qid] = std::map<std::string, int>(docs.begin(), docs.end());
  }
  return out;
}

std::vector<std::string> ids_of(const std::vector<Document>& docs) {
  std::vector<std::string> ids;
  for (const auto& d : docs) ids.push_back(d.id);
  return ids;
}

class ManPagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_ / "man";
    testing::make_fake_man_dir(root_);
  }

  ManPagesOptions options() const {
    ManPagesOptions o;
    o.man_dir = root_;
    o.show_progress = false;
    return o;
  }

  testing::TempDir dir_{"embeval-manpages"};
  fs::path root_;
};

TEST_F(ManPagesTest, BuildsExpectedDocumentsQueriesAndQrels) {
  ManPagesReport report;
  const Dataset dataset = build_manpages_dataset(options(), &report);

  EXPECT_EQ(dataset.name, "manpages-en-1-8");
  EXPECT_EQ(ids_of(dataset.corpus),
            (std::vector<std::string>{"cp.1", "dir.1", "frob.1", "ls.1", "mv.1", "wobble.8"}));
  const Document& cp = dataset.corpus[0];
  EXPECT_EQ(cp.title, "cp(1)");
  // The NAME section is not in the document, so the query text cannot match it verbatim.
  EXPECT_EQ(cp.text, "DESCRIPTION\nText of CP.\nSEE ALSO\nfrob(1)\n");
  EXPECT_EQ(dataset.corpus[5].title, "wobble(8)");
  EXPECT_EQ(dataset.corpus[5].text.substr(0, 39), "SYNOPSIS\nwobble [-dv] [-f file] device\n");
  EXPECT_EQ(dataset.corpus[4].text, "DESCRIPTION\nText of MV.\n");

  ASSERT_EQ(dataset.queries.size(), 3u);
  EXPECT_EQ(dataset.queries[0].id, "cp.1");
  EXPECT_EQ(dataset.queries[0].text, "copy files");
  EXPECT_EQ(dataset.queries[1].id, "frob.1");
  EXPECT_EQ(dataset.queries[1].text, "frobnicate the bar-baz files");
  EXPECT_EQ(dataset.queries[2].id, "wobble.8");
  EXPECT_EQ(dataset.queries[2].text, "wobble the network device");

  const Judgments expected = {
      {"cp.1", {{"cp.1", 2}, {"frob.1", 1}}},
      {"frob.1", {{"frob.1", 2}, {"ls.1", 1}, {"cp.1", 1}, {"mv.1", 1}}},
      {"wobble.8", {{"wobble.8", 2}, {"frob.1", 1}}},
  };
  EXPECT_EQ(sorted_qrels(dataset), expected);

  EXPECT_EQ(report.files_seen, 11u);
  EXPECT_EQ(report.parsed, 6u);
  EXPECT_EQ(report.skipped_links, 1u);
  EXPECT_EQ(report.skipped_so, 1u);
  EXPECT_EQ(report.skipped_duplicates, 1u);
  EXPECT_EQ(report.failed, 2u);
  ASSERT_EQ(report.failures.size(), 2u);
  EXPECT_NE(report.failures[0].find("bad.1.gz: file name ends in .gz but the data is not gzip"),
            std::string::npos)
      << report.failures[0];
  EXPECT_NE(report.failures[1].find("trunc.1.gz: truncated gzip data"), std::string::npos)
      << report.failures[1];
  EXPECT_EQ(report.queries, 3u);
  EXPECT_EQ(report.queries_dropped_empty, 1u);      // mv
  EXPECT_EQ(report.queries_dropped_ambiguous, 2u);  // ls and dir
  EXPECT_EQ(report.see_also_judgments, 5u);
  EXPECT_EQ(report.empty_bodies, 0u);
  EXPECT_EQ(dataset.report.empty_queries, 1u);
}

TEST_F(ManPagesTest, MaxPagesKeepsTheFirstPagesById) {
  ManPagesOptions o = options();
  o.max_pages = 3;
  ManPagesReport report;
  const Dataset dataset = build_manpages_dataset(o, &report);
  EXPECT_EQ(ids_of(dataset.corpus), (std::vector<std::string>{"cp.1", "dir.1", "frob.1"}));
  // Without ls.1 in the corpus, dir's description is no longer ambiguous.
  ASSERT_EQ(dataset.queries.size(), 3u);
  EXPECT_EQ(dataset.queries[1].id, "dir.1");
  const Judgments expected = {
      {"cp.1", {{"cp.1", 2}, {"frob.1", 1}}},
      {"dir.1", {{"dir.1", 2}}},
      {"frob.1", {{"frob.1", 2}, {"cp.1", 1}}},
  };
  EXPECT_EQ(sorted_qrels(dataset), expected);
  EXPECT_EQ(report.parsed, 3u);
}

TEST_F(ManPagesTest, SingleSectionAndThreadCountDoNotChangeTheResult) {
  ManPagesOptions o = options();
  o.sections = {"8"};
  const Dataset only8 = build_manpages_dataset(o);
  EXPECT_EQ(ids_of(only8.corpus), std::vector<std::string>{"wobble.8"});
  EXPECT_EQ(sorted_qrels(only8), (Judgments{{"wobble.8", {{"wobble.8", 2}}}}));

  ManPagesOptions one_thread = options();
  one_thread.threads = 1;
  ManPagesOptions four_threads = options();
  four_threads.threads = 4;
  const Dataset a = build_manpages_dataset(one_thread);
  const Dataset b = build_manpages_dataset(four_threads);
  ASSERT_EQ(a.corpus.size(), b.corpus.size());
  for (std::size_t i = 0; i < a.corpus.size(); ++i) {
    EXPECT_EQ(a.corpus[i].id, b.corpus[i].id);
    EXPECT_EQ(a.corpus[i].text, b.corpus[i].text);
  }
  EXPECT_EQ(sorted_qrels(a), sorted_qrels(b));
}

TEST_F(ManPagesTest, TranslatedPages) {
  ManPagesOptions o = options();
  o.lang = "de";
  const Dataset dataset = build_manpages_dataset(o);
  EXPECT_EQ(dataset.name, "manpages-de-1-8");
  ASSERT_EQ(dataset.corpus.size(), 1u);
  EXPECT_EQ(dataset.corpus[0].id, "ls.1");
  EXPECT_EQ(dataset.corpus[0].text, "BESCHREIBUNG\nListet Dateien.\n");
  ASSERT_EQ(dataset.queries.size(), 1u);
  EXPECT_EQ(dataset.queries[0].text, "Verzeichnisinhalte auflisten");
}

TEST_F(ManPagesTest, CrossLanguageQueriesAgainstEnglishDocuments) {
  ManPagesOptions o = options();
  o.lang = "de";
  o.cross_lang = "en";
  ManPagesReport report;
  const Dataset cross = build_manpages_dataset(o, &report);
  const Dataset english = build_manpages_dataset(options());
  EXPECT_EQ(cross.name, "manpages-de-to-en-1-8");
  ASSERT_EQ(cross.corpus.size(), english.corpus.size());  // the English documents, unchanged
  for (std::size_t i = 0; i < cross.corpus.size(); ++i) {
    EXPECT_EQ(cross.corpus[i].id, english.corpus[i].id);
    EXPECT_EQ(cross.corpus[i].text, english.corpus[i].text);
  }
  // ls.1's English description is ambiguous (dir.1 shares it), its German one is not.
  ASSERT_EQ(cross.queries.size(), 1u);
  EXPECT_EQ(cross.queries[0].id, "ls.1");
  EXPECT_EQ(cross.queries[0].text, "Verzeichnisinhalte auflisten");
  const auto& judged = cross.qrels.judgments.at("ls.1");
  EXPECT_EQ(judged.size(), 2u);
  EXPECT_EQ(judged.at("ls.1"), 2);
  EXPECT_EQ(judged.at("dir.1"), 1);  // ls.1's SEE ALSO
  EXPECT_EQ(report.query_pages, 1u);
  EXPECT_EQ(report.queries, 1u);
  EXPECT_EQ(report.queries_dropped_no_document, 0u);
}

TEST_F(ManPagesTest, CrossLanguageTheOtherWayDropsPagesWithoutADocument) {
  ManPagesOptions o = options();
  o.lang = "en";
  o.cross_lang = "de";
  ManPagesReport report;
  const Dataset cross = build_manpages_dataset(o, &report);
  ASSERT_EQ(cross.corpus.size(), 1u);
  EXPECT_EQ(cross.corpus[0].text, "BESCHREIBUNG\nListet Dateien.\n");
  ASSERT_EQ(cross.queries.size(), 1u);
  EXPECT_EQ(cross.queries[0].text, "list directory contents");
  EXPECT_EQ(report.query_pages, 6u);  // the English pages the tree's first test counts
  EXPECT_EQ(report.queries_dropped_no_document, 5u);
}

TEST_F(ManPagesTest, CrossLanguageUntranslatedDescriptionIsNoQuery) {
  testing::write_gzip(root_ / "de" / "man1" / "cp.1.gz",
                      testing::simple_page("CP", "cp \\- copy files", ""));
  ManPagesOptions o = options();
  o.lang = "de";
  o.cross_lang = "en";
  ManPagesReport report;
  const Dataset cross = build_manpages_dataset(o, &report);
  EXPECT_EQ(cross.queries.size(), 1u);
  EXPECT_EQ(report.queries_dropped_untranslated, 1u);
}

TEST_F(ManPagesTest, UnknownLanguageListsTheAvailableOnes) {
  ManPagesOptions o = options();
  o.lang = "xx";
  try {
    (void)build_manpages_dataset(o);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.hint(), "languages under " + root_.string() + ": en, de");
  }
}

TEST_F(ManPagesTest, MissingDirectoryIsAnInputError) {
  ManPagesOptions o = options();
  o.man_dir = dir_ / "nowhere";
  EXPECT_THROW((void)build_manpages_dataset(o), InputError);
}

TEST_F(ManPagesTest, InvalidUtf8IsReplacedAndCounted) {
  testing::write_plain(root_ / "man1" / "latin.1",
                       ".TH L 1\n.SH NAME\nlatin \\- caf\xE9 page\n.SH DESCRIPTION\nna\xEFve\n");
  ManPagesReport report;
  const Dataset dataset = build_manpages_dataset(options(), &report);
  EXPECT_EQ(report.invalid_utf8_replaced, 1u);
  const auto it = std::find_if(dataset.corpus.begin(), dataset.corpus.end(),
                               [](const Document& d) { return d.id == "latin.1"; });
  ASSERT_NE(it, dataset.corpus.end());
  EXPECT_EQ(it->text, "DESCRIPTION\nna\xEF\xBF\xBDve\n");
}

// Hostile pages cost only themselves: each is skipped with its reason, counted per reason, and
// the other pages are kept (the parser threads once let any exception terminate the process).
TEST_F(ManPagesTest, HostilePagesAreSkippedPerReasonAndTheRestIsKept) {
  const fs::path man1 = root_ / "man1";
  // A 592-byte page doubling a string 40 times (1 TB if expanded).
  std::string bomb = ".TH BOMB 1\n.SH NAME\nbomb \\- doubles strings\n.ds a x\n";
  for (int i = 0; i < 40; ++i) bomb += ".ds a \\*a\\*a\n";
  bomb += ".SH DESCRIPTION\n\\*a\n";
  ASSERT_EQ(bomb.size(), 592u);
  testing::write_gzip(man1 / "bomb.1.gz", bomb);
  // A 512 KiB string compared on 200 lines: the interpolation budget stops it.
  std::string conditions = ".TH COND 1\n.SH NAME\ncond \\- compares\n.ds a x\n";
  for (int i = 0; i < 19; ++i) conditions += ".ds a \\*a\\*a\n";
  for (int i = 0; i < 200; ++i) conditions += ".if '\\*a'y' never\n";
  testing::write_plain(man1 / "cond.1", conditions);
  // A gzip member that inflates past the 64 MiB page limit (a few hundred KB on disk).
  {
    const fs::path path = man1 / "gzbomb.1.gz";
    gzFile out = gzopen(path.c_str(), "wb9");
    ASSERT_NE(out, nullptr);
    const std::string head = ".TH GZBOMB 1\n.SH NAME\ngzbomb \\- inflates\n.SH DESCRIPTION\n";
    ASSERT_EQ(gzwrite(out, head.data(), static_cast<unsigned>(head.size())),
              static_cast<int>(head.size()));
    const std::string block(1 << 20, 'z');
    for (int i = 0; i < 65; ++i) {
      ASSERT_EQ(gzwrite(out, block.data(), static_cast<unsigned>(block.size())),
                static_cast<int>(block.size()));
    }
    ASSERT_EQ(gzclose(out), Z_OK);
    EXPECT_LT(fs::file_size(path), 1u << 20);
  }

  ManPagesReport report;
  const Dataset dataset = build_manpages_dataset(options(), &report);
  EXPECT_EQ(ids_of(dataset.corpus),
            (std::vector<std::string>{"cp.1", "dir.1", "frob.1", "ls.1", "mv.1", "wobble.8"}));
  EXPECT_EQ(report.failed, 5u);  // the fixture's bad.1.gz and trunc.1.gz, and the three above
  const std::map<std::string, std::size_t> expected = {
      {"expansion limit", 2},
      {"file name ends in .gz but the data is not gzip", 1},
      {"inflates to more than 64 MiB (gzip bomb?)", 1},
      {"truncated gzip data", 1}};
  EXPECT_EQ(report.failed_by_reason, expected);
  EXPECT_EQ(format_failure_counts(report),
            "2 expansion limit, 1 file name ends in .gz but the data is not gzip, 1 inflates to "
            "more than 64 MiB (gzip bomb?), 1 truncated gzip data");
  bool named = false;
  for (const std::string& failure : report.failures) {
    named = named || failure.find("bomb.1.gz: expansion limit: string 'a' grows beyond 1 MiB") !=
                         std::string::npos;
  }
  EXPECT_TRUE(named);
}

TEST(ManFilesTest, OversizedPlainPageIsRefusedBeforeReading) {
  const testing::TempDir dir("embeval-man-big");
  const fs::path page = dir / "big.1";
  { std::ofstream(page) << ".TH BIG 1\n"; }
  fs::resize_file(page, man::kMaxPageBytes + 1);  // sparse: no disk used
  std::string error;
  EXPECT_FALSE(man::read_page_source(page, error).has_value());
  EXPECT_EQ(error, "file is larger than 64 MiB");
}

TEST(ManFilesTest, GunzipStopsAtTheSizeLimit) {
  std::string compressed;
  {
    // gzip of 10,000 'a's, built with zlib's one-shot API into memory.
    const std::string plain(10000, 'a');
    z_stream s{};
    ASSERT_EQ(deflateInit2(&s, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    compressed.resize(deflateBound(&s, plain.size()));
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    s.avail_in = static_cast<uInt>(plain.size());
    s.next_out = reinterpret_cast<Bytef*>(compressed.data());
    s.avail_out = static_cast<uInt>(compressed.size());
    ASSERT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
    compressed.resize(s.total_out);
    deflateEnd(&s);
  }
  std::string error;
  EXPECT_EQ(man::gunzip(compressed, error, 10000).value_or(""), std::string(10000, 'a'));
  EXPECT_FALSE(man::gunzip(compressed, error, 9999).has_value());
  EXPECT_EQ(error, "inflates to more than 9999 bytes (gzip bomb?)");
}

TEST(ManFilesTest, GunzipRejectsCorruptData) {
  std::string error;
  EXPECT_FALSE(man::gunzip("\x1f\x8b garbage", error).has_value());
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace embeval
