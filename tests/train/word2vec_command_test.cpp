// `embeval word2vec train` and `neighbours` as a user runs them: bad flags and an --out that
// would destroy the corpus stop with exit status 2 before any work; neighbours names every
// word the model lacks, with close spellings, and parses the expression however it is typed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::run_embeval;

class Word2VecCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(dir_ / "texts");
    std::ofstream corpus(dir_ / "texts/corpus.txt");
    // Enough repetitions for every word to pass --min-count 5.
    for (int i = 0; i < 40; ++i) {
      corpus << "the man walks with the woman to the kingdom\n"
             << "a woman and a man read the manual of the ring\n";
    }
  }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string read(const std::string& name) const {
    std::ifstream in(dir_ / name);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string train(const std::string& extra) const {
    return "word2vec train --corpus " + path("texts/corpus.txt") + " --out " + path("w2v.bin") +
           " --dim 8 --epochs 1 " + extra;
  }

  embeval::testing::TempDir dir_{"embeval-w2v-cli"};
};

TEST_F(Word2VecCommand, OutputMayNotOverwriteOrSitInsideTheCorpus) {
  const std::string before = read("texts/corpus.txt");
  auto out = run_embeval("word2vec train --corpus " + path("texts/corpus.txt") + " --out " +
                         path("texts/corpus.txt"));
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("overwrite the input"), std::string::npos) << out.output();
  EXPECT_EQ(read("texts/corpus.txt"), before);
  out = run_embeval("word2vec train --corpus " + path("texts") + " --out " + path("texts/v.bin"));
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("inside the --corpus directory"), std::string::npos) << out.output();
  EXPECT_FALSE(fs::exists(dir_ / "texts/v.bin"));
}

TEST_F(Word2VecCommand, NumericFlagsOutOfRangeAreInputErrors) {
  for (const char* flag : {"--alpha 1", "--alpha nan", "--alpha -0.5", "--sample 2", "--window -1",
                           "--window 0", "--negative -3", "--dim 0", "--dim -100", "--epochs 0",
                           "--min-count -1", "--threads -2", "--max-vocab -1"}) {
    // Nothing else set: each check must fire before the corpus is read.
    const auto out = run_embeval("word2vec train --corpus " + path("texts/corpus.txt") + " --out " +
                                 path("w2v.bin") + " " + flag);
    EXPECT_EQ(out.status, 2) << flag << ": " << out.output();
    const std::string name = std::string(flag).substr(0, std::string(flag).find(' '));
    EXPECT_NE(out.output().find(name + " is"), std::string::npos) << flag << ": " << out.output();
    EXPECT_FALSE(fs::exists(dir_ / "w2v.bin")) << flag;
  }
}

TEST_F(Word2VecCommand, NeighboursNamesMissingWordsAndParsesExpressions) {
  ASSERT_EQ(run_embeval(train("--min-count 5")).status, 0);
  const std::string model = " --model " + path("w2v.bin") + " --k 3 ";
  // The README's example on a model whose text has no 'king' (nor 'queen').
  auto out = run_embeval("word2vec neighbours" + model + "king - man + queen");
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("'king', 'queen' are not among the model's"), std::string::npos)
      << out.output();
  EXPECT_NE(out.output().find("for 'king' the model has 'ring'"), std::string::npos)
      << out.output();
  // Spaced, quoted, glued inside the quotes, and capitalised: the same expression.
  out = run_embeval("word2vec neighbours" + model + "woman - man + kingdom");
  ASSERT_EQ(out.status, 0) << out.output();
  const std::string result = out.output().substr(out.output().find('\n'));
  for (const char* form :
       {"'woman - man + kingdom'", "'woman -man +kingdom'", "Woman - MAN + Kingdom"}) {
    out = run_embeval("word2vec neighbours" + model + form);
    ASSERT_EQ(out.status, 0) << form << ": " << out.output();
    EXPECT_EQ(out.output().substr(out.output().find('\n')), result) << form;
  }
  out = run_embeval("word2vec neighbours" + model + "woman -");
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("ends with an operator"), std::string::npos) << out.output();
  out = run_embeval("word2vec neighbours" + model + "'woman - + man'");
  EXPECT_EQ(out.status, 2) << out.output();
}

}  // namespace
}  // namespace embeval
