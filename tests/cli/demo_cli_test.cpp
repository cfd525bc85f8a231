// End-to-end: `embeval demo` on eight fake man pages written here (fast: a few seconds, without
// the tokenizer table, which reads five vocabulary files and has tests of its own). Beside
// the BM25 rows the demo trains word2vec on the corpus, evaluates the GloVe-style vectors given
// with --wink (here a tiny word2vec text file), fuses BM25 with them (hybrid, 5-fold CV), runs the
// probes (eval --probes) and a short ANN table; results.json holds every row with its probes.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

using embeval::testing::read_file;
using embeval::testing::run_embeval;
using embeval::testing::shell_quote;

class DemoCli : public ::testing::Test {
 protected:
  void SetUp() override {
    // Eight pages sharing a small vocabulary, so that word2vec (min count 3) has words to learn.
    const std::vector<std::pair<std::string, std::string>> pages = {
        {"cp", "copy files and directories"},
        {"mv", "move or rename files"},
        {"rm", "remove files or directories"},
        {"ls", "list directory contents"},
        {"pwd", "print name of working directory"},
        {"touch", "change file timestamps"},
        {"mkdir", "make directories"},
        {"cat", "concatenate files and print"}};
    for (const auto& [name, what] : pages) {
      dir_.write("man/man1/" + name + ".1",
                 ".TH " + name + " 1\n.SH NAME\n" + name + " \\- " + what +
                     "\n.SH DESCRIPTION\nThe " + name + " command will " + what +
                     ". It reads files and directories and prints the files it "
                     "changes in the working directory.\n.SH SEE ALSO\ncp(1), ls(1)\n");
    }
    dir_.write("glove.txt",
               "6 2\nfiles 1 0\ndirectories 0.8 0.6\ndirectory 0.8 0.6\ncopy 0.6 0.8\n"
               "print 0 1\nremove 0.7 0.7\n");
  }
  embeval::testing::TempDir dir_{"embeval-demo-cli"};
};

TEST_F(DemoCli, TellsTheWholeStoryWithWord2VecGloveHybridProbesAndAnn) {
  const auto r = run_embeval("demo --man-dir " + shell_quote((dir_ / "man").string()) + " --out " +
                             shell_quote((dir_ / "out").string()) + " --wink " +
                             shell_quote((dir_ / "glove.txt").string()) +
                             " --no-tokenizers");  // loading five vocabularies: most of the time
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("word2vec trained on the corpus"), std::string::npos) << r.out;
  for (const char* row :
       {"\na bm25 ", "\nd static-word2vec_pooling-sif ", "\ne static-glove_pooling-sif ",
        "\nf hybrid-wsum_bm25_static-glove_pooling-sif_cv-5_norm-minmax "}) {  // with their letters
    EXPECT_NE(r.out.find(row), std::string::npos) << row << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("Probes (eval --probes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("typo dNDCG"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Approximate search on static:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\nhnsw "), std::string::npos) << r.out;

  const auto j = nlohmann::json::parse(read_file(dir_ / "out/results/results.json"));
  ASSERT_EQ(j.at("models").size(), 6u);  // three BM25, word2vec, glove, hybrid
  for (const auto& m : j.at("models")) {
    ASSERT_TRUE(m.contains("probes")) << m.at("label");
    EXPECT_EQ(m.at("probes").at("seed"), 42);
  }
  EXPECT_EQ(j.at("models").at(5).at("card").at("family"), "hybrid");
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ / "out/word2vec.bin"));
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ / "out/ann/ann.json"));
  // The decision: every pair tested, one recommendation, the page (scripts/setup.sh fetches
  // its chart libraries, as the report tests need).
  EXPECT_EQ(j.at("comparisons").at("tests").size(), 4u * 15u);  // 4 measures x C(6,2) pairs
  EXPECT_NE(r.out.find("\nrecommendation: "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("report.html"), std::string::npos) << r.out;
  const std::string page = read_file(dir_ / "out/report.html");
  EXPECT_NE(page.find("static-glove_pooling-sif"), std::string::npos);
}

TEST_F(DemoCli, RunsTheBm25RowsAloneWhenAskedTo) {
  const auto r =
      run_embeval("demo --man-dir " + shell_quote((dir_ / "man").string()) + " --out " +
                  shell_quote((dir_ / "out").string()) +
                  " --wink none --no-word2vec --no-probes --no-ann --no-tokenizers --no-report");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_EQ(r.out.find("static-"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("hybrid-"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Probes (eval --probes"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(dir_ / "out/results/results.json"));
  EXPECT_EQ(j.at("models").size(), 3u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "out/report.html"));
}

}  // namespace
