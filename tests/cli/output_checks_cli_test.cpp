// Every command that writes checks where it writes before any work: a non-folder or unwritable
// --out fails at once with exit 2 naming it (not after the model ran, with a misleading errno),
// and an --out that names the input is refused instead of destroying the input.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_embeval;

class OutputChecksCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_ / "texts.jsonl") << "{\"_id\": \"a\", \"text\": \"hello world\"}\n";
    std::ofstream(dir_ / "a-file") << "not a folder";
  }
  std::string q(const fs::path& p) const { return "'" + p.string() + "'"; }
  embeval::testing::TempDir dir_{"embeval-outchk"};
};

TEST_F(OutputChecksCliTest, OutputOverTheInputIsRefused) {
  const std::string before = read_file(dir_ / "texts.jsonl");
  auto r = run_embeval("encode --model bm25 --role query --input " + q(dir_ / "texts.jsonl") +
                       " --out " + q(dir_ / "texts.jsonl"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find("overwrite the input"), std::string::npos) << r.output();
  r = run_embeval("word2vec train --corpus " + q(dir_ / "texts.jsonl") + " --out " +
                  q(dir_ / "texts.jsonl"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find("overwrite the input"), std::string::npos) << r.output();
  EXPECT_EQ(read_file(dir_ / "texts.jsonl"), before);
}

TEST_F(OutputChecksCliTest, AnOutUnderAFileFailsBeforeAnyWork) {
  const fs::path under_file = dir_ / "a-file" / "sub";
  fs::create_directories(dir_ / "no-dataset");
  const std::vector<std::string> commands = {
      "encode --model bm25 --role query --input " + q(dir_ / "texts.jsonl") + " --out " +
          q(under_file / "x.npy"),
      "word2vec train --corpus " + q(dir_ / "texts.jsonl") + " --out " + q(under_file / "v.txt"),
      "knn --base " + q(dir_ / "missing.npy") + " --queries " + q(dir_ / "missing.npy") +
          " --k 1 --out " + q(under_file / "knn"),
      // The dataset folder is empty: loading it would fail, so the --out check must come first.
      "eval --dataset " + q(dir_ / "no-dataset") + " --model bm25 --out " + q(under_file),
      "ann --dataset " + q(dir_ / "no-dataset") + " --model bm25 --out " + q(under_file),
      "dataset manpages --man-dir " + q(dir_ / "no-man") + " --out " + q(dir_ / "a-file"),
  };
  for (const std::string& c : commands) {
    const auto r = run_embeval(c);
    EXPECT_EQ(r.status, 2) << c << "\n" << r.output();
    EXPECT_NE(r.output().find("a-file"), std::string::npos) << c << "\n" << r.output();
    EXPECT_EQ(r.output().find("no-dataset"), std::string::npos) << c << "\n" << r.output();
    EXPECT_EQ(r.output().find("missing.npy"), std::string::npos) << c << "\n" << r.output();
    EXPECT_EQ(r.output().find("no-man"), std::string::npos) << c << "\n" << r.output();
  }
  EXPECT_EQ(read_file(dir_ / "a-file"), "not a folder");
}

TEST_F(OutputChecksCliTest, DatasetOutHoldingOtherFilesIsRefusedAndKept) {
  fs::create_directories(dir_ / "home");
  std::ofstream(dir_ / "home" / "notes.txt") << "mine";
  const auto r = run_embeval("dataset manpages --man-dir " + q(dir_ / "no-man") + " --out " +
                             q(dir_ / "home"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find("notes.txt"), std::string::npos) << r.output();
  EXPECT_EQ(read_file(dir_ / "home" / "notes.txt"), "mine");
}

}  // namespace
}  // namespace embeval
