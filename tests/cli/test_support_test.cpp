// tests/support/ itself: TempDir makes a fresh folder and removes it with its contents however
// its scope is left; run_embeval keeps stdout and stderr apart and passes stdin, environment
// variables and a kill deadline to the binary.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kData = fs::path(EMBEVAL_TEST_DATA_DIR) / "eval";

TEST(TempDir, IsAFreshEmptyFolderOfItsOwn) {
  const TempDir a("embeval-support");
  const TempDir b("embeval-support");
  EXPECT_NE(a.path(), b.path());
  EXPECT_EQ(a.path().parent_path(), fs::temp_directory_path());
  EXPECT_TRUE(fs::is_directory(a.path()));
  EXPECT_TRUE(fs::is_empty(a.path()));
  EXPECT_EQ(a.path().filename().string().rfind("embeval-support-", 0), 0u) << a.path();
}

TEST(TempDir, IsRemovedWithItsContentsAlsoWhenLeftByAnException) {
  fs::path kept;
  try {
    const TempDir dir("embeval-support");
    kept = dir.path();
    fs::create_directories(dir / "a" / "b");
    std::ofstream(dir / "a" / "b" / "file.txt") << "x";
    throw std::runtime_error("a failing test");
  } catch (const std::runtime_error&) {
  }
  ASSERT_FALSE(kept.empty());
  EXPECT_FALSE(fs::exists(kept));
}

TEST(TempDir, WritesFilesInsideItselfAndReadFileReadsThemBack) {
  const TempDir dir("embeval-support");
  const fs::path file = dir.write("a/b.bin", std::string("x\0y\n", 4));
  EXPECT_EQ(file, dir / "a" / "b.bin");
  EXPECT_EQ(read_file(file), std::string("x\0y\n", 4));
  dir.write("a/b.bin", "z");  // replaced, not appended
  EXPECT_EQ(read_file(file), "z");
  EXPECT_EQ(read_file(dir / "missing"), "");
}

TEST(RunEmbeval, KeepsStdoutAndStderrApart) {
  const CliResult ok =
      run_embeval("metrics -m num_q " + shell_quote((kData / "qrels.txt").string()) + " " +
                  shell_quote((kData / "run.txt").string()));
  EXPECT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.signal, 0);
  EXPECT_EQ(ok.out, "num_q                 \tall\t2\n");
  EXPECT_EQ(ok.err, "");

  const CliResult bad = run_embeval("metrics -m num_q /nonexistent/qrels.txt /nonexistent/run");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "");
  EXPECT_NE(bad.err.find("/nonexistent/qrels.txt"), std::string::npos) << bad.err;
  EXPECT_EQ(bad.output(), bad.out + bad.err);
}

TEST(RunEmbeval, PassesStdinAndTheEnvironment) {
  CliOptions options;
  options.stdin_text = read_file(kData / "run.txt");
  ASSERT_FALSE(options.stdin_text.empty());
  options.env = {{"EMBEVAL_SUPPORT_QRELS", (kData / "qrels.txt").string()}};
  // The shell expands the variable, so it reached the process's environment.
  const CliResult r =
      run_embeval("metrics -m num_q \"$EMBEVAL_SUPPORT_QRELS\" /dev/stdin", options);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "num_q                 \tall\t2\n");
}

TEST(RunEmbeval, KillsAtTheDeadline) {
  CliOptions options;
  options.kill_after_s = 0.0;  // before the binary can have finished anything
  const CliResult r = run_embeval("--help", options);
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(r.status, -1);
}

TEST(ShellQuote, MakesOneWordOfAnyText) {
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_quote("hnsw?M=8&ef=2"), "'hnsw?M=8&ef=2'");
}

}  // namespace
}  // namespace embeval::testing
