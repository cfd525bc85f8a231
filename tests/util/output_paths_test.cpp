#include "embeval/util/output_paths.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include "embeval/core/error.h"
#include "embeval/util/byte_order_mark.h"
#include "embeval/util/thread_count.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

class OutputPaths : public ::testing::Test {
 protected:
  embeval::testing::TempDir dir_{"embeval-output-paths"};
};

TEST_F(OutputPaths, CreatesMissingDirectoriesAndLeavesNoProbe) {
  const fs::path out = dir_ / "a" / "b";
  prepare_output_directory(out);
  EXPECT_TRUE(fs::is_directory(out));
  EXPECT_TRUE(fs::is_empty(out));
}

TEST_F(OutputPaths, RefusesAFileAsDirectory) {
  std::ofstream(dir_ / "file") << "x";
  EXPECT_THROW(prepare_output_directory(dir_ / "file"), InputError);
  EXPECT_THROW(prepare_output_directory(dir_ / "file" / "sub"), InputError);
}

TEST_F(OutputPaths, RefusesAReadOnlyDirectory) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes through permission bits";
  fs::create_directories(dir_ / "ro");
  fs::permissions(dir_ / "ro", fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_THROW(prepare_output_directory(dir_ / "ro"), InputError);
  fs::permissions(dir_ / "ro", fs::perms::owner_all);
}

TEST_F(OutputPaths, RefusesOverwritingTheInputThroughAnyName) {
  std::ofstream(dir_ / "in.jsonl") << "{}\n";
  fs::create_symlink(dir_ / "in.jsonl", dir_ / "link");
  EXPECT_THROW(refuse_overwriting_input(dir_ / "in.jsonl", dir_ / "in.jsonl", "--out"), InputError);
  EXPECT_THROW(refuse_overwriting_input(dir_ / "in.jsonl", dir_ / "link", "--out"), InputError);
  EXPECT_THROW(refuse_overwriting_input(dir_ / "in.jsonl", dir_ / "." / "in.jsonl", "--out"),
               InputError);
  EXPECT_NO_THROW(refuse_overwriting_input(dir_ / "in.jsonl", dir_ / "out.npy", "--out"));
}

TEST(ByteOrderMark, StripsOnlyALeadingMark) {
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB\xBFq1 0 d1 1"), "q1 0 d1 1");
  EXPECT_EQ(strip_utf8_bom("q1"), "q1");
  EXPECT_EQ(strip_utf8_bom("a\xEF\xBB\xBF"), "a\xEF\xBB\xBF");
  EXPECT_EQ(strip_utf8_bom("\xEF\xBB"), "\xEF\xBB");
}

TEST(ThreadCount, ExplicitRequestWinsAndZeroMeansAtLeastOneCore) {
  EXPECT_EQ(resolve_thread_count(3), 3u);
  EXPECT_GE(resolve_thread_count(0), 1u);
  EXPECT_LE(physical_core_count(), std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace
}  // namespace embeval
