// AtomicFileWriter: all-or-nothing writes that never follow a planted link, and cleanup of the
// temporary files a killed writer left behind.
#include "embeval/util/atomic_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

// A pid that surely belongs to no running process: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

std::vector<std::string> temp_files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    if (is_atomic_temp_name(name) || name.find(".tmp") != std::string::npos) names.push_back(name);
  }
  return names;
}

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(dir_ / "out"); }
  embeval::testing::TempDir dir_{"embeval-atomic"};
};

TEST_F(AtomicFileTest, WritesTheWholeFileWithUmaskedMode) {
  const fs::path target = dir_ / "out" / "sub" / "file.txt";
  {
    AtomicFileWriter w(target);
    w.write("hello ");
    w.write(std::string(3 << 20, 'x'));  // larger than the buffer: written straight through
    EXPECT_FALSE(fs::exists(target));    // nothing visible before commit
    w.commit();
  }
  EXPECT_EQ(read_file(target).size(), 6u + (3u << 20));
  EXPECT_EQ(read_file(target).substr(0, 7), "hello x");
  const mode_t mask = ::umask(022);
  ::umask(mask);
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644 & ~mask);
  write_file_atomic(dir_ / "out" / "private", "p", 0600);
  ASSERT_EQ(::stat((dir_ / "out" / "private").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600 & ~mask);
  EXPECT_TRUE(temp_files_in(dir_ / "out").empty());
}

TEST_F(AtomicFileTest, PlantedSymlinksAreNeverFollowed) {
  const fs::path victim = dir_ / "victim";
  std::ofstream(victim) << "precious";
  const fs::path target = dir_ / "out" / "results.json";
  // The old predictable temporary name, and the target itself, both point at the victim.
  fs::create_symlink(victim, dir_ / "out" / ("results.json.tmp." + std::to_string(::getpid())));
  fs::create_symlink(victim, target);
  write_file_atomic(target, "new");
  EXPECT_EQ(read_file(victim), "precious");
  EXPECT_FALSE(fs::is_symlink(target));  // the link itself was replaced by the new file
  EXPECT_EQ(read_file(target), "new");
}

TEST_F(AtomicFileTest, UncommittedOrFailedWritesLeaveNothing) {
  const fs::path out = dir_ / "out";
  {
    AtomicFileWriter w(out / "a.bin");
    w.write("partial");
  }  // destroyed without commit, as when an exception unwinds
  EXPECT_FALSE(fs::exists(out / "a.bin"));
  fs::create_directories(out / "is-a-folder" / "child");
  AtomicFileWriter w(out / "is-a-folder");
  w.write("x");
  EXPECT_THROW(w.commit(), InputError);
  EXPECT_TRUE(fs::is_directory(out / "is-a-folder" / "child"));
  EXPECT_FALSE(fs::exists(w.temporary_path()));
  EXPECT_TRUE(temp_files_in(out).empty());
}

TEST_F(AtomicFileTest, TempNamesAreRecognisedExactly) {
  EXPECT_TRUE(is_atomic_temp_name(".corpus.jsonl.embeval-tmp.123.0a1b2c3d4e5f6789"));
  EXPECT_FALSE(is_atomic_temp_name("corpus.jsonl"));
  EXPECT_FALSE(is_atomic_temp_name("corpus.jsonl.embeval-tmp.123.00"));  // no leading dot
  EXPECT_FALSE(is_atomic_temp_name(".x.embeval-tmp.abc.00"));
  EXPECT_FALSE(is_atomic_temp_name(".x.embeval-tmp.123."));
  EXPECT_FALSE(is_atomic_temp_name(".x.embeval-tmp.123.zz"));
}

TEST_F(AtomicFileTest, NextWriterRemovesWhatAKilledWriterLeft) {
  const fs::path out = dir_ / "out";
  const fs::path victim = dir_ / "victim";
  std::ofstream(victim) << "precious";
  const std::string dead = std::to_string(dead_pid());
  const std::string alive = std::to_string(::getppid());
  std::ofstream(out / (".run.trec.embeval-tmp." + dead + ".00ff")) << "half a run";
  std::ofstream(out / (".other.embeval-tmp." + alive + ".00ff")) << "a live writer's file";
  fs::create_symlink(victim, out / (".link.embeval-tmp." + dead + ".00ff"));
  fs::create_directories(out / (".dir.embeval-tmp." + dead + ".00ff"));
  std::ofstream(out / "keep.txt") << "user file";

  write_file_atomic(out / "results.json", "{}");

  EXPECT_FALSE(fs::exists(out / (".run.trec.embeval-tmp." + dead + ".00ff")));
  EXPECT_TRUE(fs::exists(out / (".other.embeval-tmp." + alive + ".00ff")));
  EXPECT_TRUE(fs::is_symlink(out / (".link.embeval-tmp." + dead + ".00ff")));  // links: never
  EXPECT_TRUE(fs::is_directory(out / (".dir.embeval-tmp." + dead + ".00ff")));
  EXPECT_EQ(read_file(victim), "precious");
  EXPECT_EQ(read_file(out / "keep.txt"), "user file");
  // The sweep can be asked for directly too; it is idempotent.
  std::ofstream(out / (".again.embeval-tmp." + dead + ".01")) << "x";
  EXPECT_EQ(remove_stale_temp_files(out), 1u);
  EXPECT_EQ(remove_stale_temp_files(out), 0u);
}

}  // namespace
}  // namespace embeval
