#include "embeval/manpages.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "dataset/fake_man_dir.h"
#include "dataset/man_files.h"
#include "embeval/error.h"

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
    dir_ = testing::unique_temp_dir("embeval_manpages");
    root_ = dir_ / "man";
    testing::make_fake_man_dir(root_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  ManPagesOptions options() const {
    ManPagesOptions o;
    o.man_dir = root_;
    o.show_progress = false;
    return o;
  }

  fs::path dir_;
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

TEST(ManFilesTest, GunzipRejectsCorruptData) {
  std::string error;
  EXPECT_FALSE(man::gunzip("\x1f\x8b garbage", error).has_value());
  EXPECT_FALSE(error.empty());
}

}  // namespace
}  // namespace embeval
