// End-to-end: `embeval dataset bitext manpages|freedict` on the packages Debian installs
// (scripts/setup.sh: manpages-de, dict-freedict-eng-deu), their files read back by `probe
// alignment`; a corrupt dictionary refused with status 2 naming the file; and the cross-language
// `dataset manpages --cross`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

using embeval::testing::read_file;
using embeval::testing::run_embeval;
using embeval::testing::shell_quote;

class DatasetBitextCli : public ::testing::Test {
 protected:
  embeval::testing::TempDir dir_{"embeval-bitext-cli"};
};

TEST_F(DatasetBitextCli, GermanManPagesThenAlignmentReadsThem) {
  if (!fs::is_directory("/usr/share/man/de/man1")) {
    GTEST_SKIP() << "manpages-de is not installed (scripts/setup.sh installs it)";
  }
  const fs::path out = dir_ / "de.tsv";
  const auto r = run_embeval("dataset bitext manpages --lang de --sections 1 --out " +
                             shell_quote(out.string()));
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("skipped: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("pairs (English<TAB>de) to"), std::string::npos) << r.out;
  const std::string tsv = read_file(out);
  EXPECT_NE(tsv.find("\nlist directory contents\tVerzeichnisinhalte auflisten\n"),
            std::string::npos);
  const auto a = run_embeval("probe alignment --model bm25 --pairs " + shell_quote(out.string()));
  ASSERT_EQ(a.status, 0) << a.output();
  EXPECT_NE(a.out.find("src -> tgt"), std::string::npos) << a.out;
}

TEST_F(DatasetBitextCli, FreeDictEngDeu) {
  if (!fs::exists("/usr/share/dictd/freedict-eng-deu.dict.dz")) {
    GTEST_SKIP() << "dict-freedict-eng-deu is not installed (scripts/setup.sh installs it)";
  }
  const fs::path out = dir_ / "eng-deu.tsv";
  const auto r = run_embeval("dataset bitext freedict eng-deu --max-pairs 500 --out " +
                             shell_quote(out.string()));
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("wrote 500 pairs (headword<TAB>first translation)"), std::string::npos)
      << r.out;
  std::ifstream in(out);
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) ++lines;
  EXPECT_EQ(lines, 500u);
}

TEST_F(DatasetBitextCli, CorruptDictionaryExitsTwoNamingTheFile) {
  dir_.write("freedict-eng-xxx.index", "dog\tA\tE\n");
  dir_.write("freedict-eng-xxx.dict.dz", "\x1f\x8b\x08 broken");
  const auto r =
      run_embeval("dataset bitext freedict eng-xxx --dict-dir " + shell_quote(dir_.string()) +
                  " --out " + shell_quote((dir_ / "x.tsv").string()));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("freedict-eng-xxx.dict.dz"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "x.tsv"));
}

TEST_F(DatasetBitextCli, CrossLanguageManPagesDataset) {
  dir_.write("man/man1/ls.1",
             ".TH LS 1\n.SH NAME\nls \\- list directory contents\n"
             ".SH DESCRIPTION\nList.\n");
  dir_.write("man/de/man1/ls.1",
             ".TH LS 1\n.SH NAME\nls \\- Verzeichnisinhalte auflisten\n"
             ".SH BESCHREIBUNG\nListet.\n");
  const auto r = run_embeval("dataset manpages --lang de --cross en --sections 1 --man-dir " +
                             shell_quote((dir_ / "man").string()) + " --out " +
                             shell_quote((dir_ / "x").string()));
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("queries: 1 in de from 1 pages"), std::string::npos) << r.out;
  EXPECT_NE(read_file(dir_ / "x" / "queries.jsonl").find("Verzeichnisinhalte auflisten"),
            std::string::npos);
  EXPECT_NE(read_file(dir_ / "x" / "corpus.jsonl").find("List."), std::string::npos);
}

}  // namespace
