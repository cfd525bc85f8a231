// write_beir replaces a dataset as a whole: a run killed midway leaves the old dataset intact
// (never a new corpus with old queries and qrels), the next run removes the killed run's build,
// and a folder holding anything but a dataset is refused before any work.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/util/atomic_file.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

Dataset make_dataset(const std::string& tag, std::size_t docs) {
  Dataset d;
  for (std::size_t i = 0; i < docs; ++i) {
    d.corpus.push_back({tag + "-d" + std::to_string(i), "", std::string(200, 'x') + tag});
  }
  d.queries = {{tag + "-q1", "query " + tag}};
  d.qrels.judgments[tag + "-q1"] = {{tag + "-d0", 1}};
  return d;
}

// Every file of the folder, by relative path, with its content.
std::string snapshot(const fs::path& dir) {
  std::string s;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files.push_back(fs::relative(e.path(), dir));
  }
  std::sort(files.begin(), files.end());
  for (const auto& f : files) s += f.string() + "\n" + read_file(dir / f) + "\n";
  return s;
}

std::size_t leftovers(const fs::path& dir) {
  std::size_t n = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (is_atomic_temp_name(e.path().filename().string())) ++n;
  }
  return n;
}

class BeirWriterTest : public ::testing::Test {
 protected:
  embeval::testing::TempDir dir_{"embeval-beirw"};
};

TEST_F(BeirWriterTest, ReplacesTheWholeDatasetIncludingOtherSplits) {
  const fs::path d = dir_ / "ds";
  write_beir(d, make_dataset("old", 3), "dev");
  write_beir(d, make_dataset("new", 2), "test");
  EXPECT_FALSE(fs::exists(d / "qrels" / "dev.tsv"));  // the old split would mix with the new corpus
  BeirLoadOptions o;
  o.split = "test";
  const Dataset loaded = load_beir(d, o);
  EXPECT_EQ(loaded.corpus.size(), 2u);
  EXPECT_EQ(loaded.queries.at(0).id, "new-q1");
  EXPECT_EQ(leftovers(dir_), 0u);
  write_beir(dir_ / "slash" / "", make_dataset("a", 1));  // "out/" names the folder "out"
  EXPECT_TRUE(fs::exists(dir_ / "slash" / "corpus.jsonl"));
}

TEST_F(BeirWriterTest, AKilledRunLeavesTheOldDatasetWholeAndTheNextRunCleansUp) {
  const fs::path d = dir_ / "ds";
  write_beir(d, make_dataset("old", 5));
  const std::string old_files = snapshot(d);
  // A child writes a large dataset over it and is killed with SIGKILL while it writes.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    write_beir(d, make_dataset("new", 400000));  // ~90 MB
    ::_exit(0);
  }
  bool building = false;
  for (int i = 0; i < 6000 && !building; ++i) {
    for (const auto& e : fs::directory_iterator(dir_)) {
      building = building || is_atomic_temp_name(e.path().filename().string());
    }
    if (!building) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_TRUE(building);
  std::printf("writer %s\n", WIFSIGNALED(status) ? "killed while building" : "finished first");
  if (WIFSIGNALED(status)) {
    EXPECT_EQ(snapshot(d), old_files);  // the old dataset, untouched: no new corpus beside it
    EXPECT_GE(leftovers(dir_), 1u);     // the killed build
  }
  write_beir(d, make_dataset("third", 2));
  EXPECT_EQ(leftovers(dir_), 0u);
  EXPECT_EQ(load_beir(d).corpus.size(), 2u);
}

TEST_F(BeirWriterTest, RefusesFoldersThatHoldMoreThanADataset) {
  const fs::path d = dir_ / "home";
  fs::create_directories(d);
  std::ofstream(d / "thesis.tex") << "years of work";
  EXPECT_THROW(check_dataset_output(d), InputError);
  EXPECT_THROW(write_beir(d, make_dataset("x", 1)), InputError);
  EXPECT_EQ(read_file(d / "thesis.tex"), "years of work");
  EXPECT_FALSE(fs::exists(d / "corpus.jsonl"));

  fs::create_directories(dir_ / "ds2" / "qrels");
  std::ofstream(dir_ / "ds2" / "qrels" / "notes.txt") << "mine";
  EXPECT_THROW(check_dataset_output(dir_ / "ds2"), InputError);

  std::ofstream(dir_ / "file") << "x";
  EXPECT_THROW(check_dataset_output(dir_ / "file"), InputError);
  fs::create_directory_symlink(dir_ / "ds2", dir_ / "link");
  EXPECT_THROW(check_dataset_output(dir_ / "link"), InputError);
  EXPECT_NO_THROW(check_dataset_output(dir_ / "new-folder"));
  EXPECT_NO_THROW(check_dataset_output(dir_ / "empty"));
}

TEST_F(BeirWriterTest, MetadataRoundTripsAndIsAbsentWhenEmpty) {
  Dataset d = make_dataset("m", 2);
  d.corpus[0].metadata =
      "{\"source\":{\"path\":\"guide/install.md\",\"format\":\"markdown\",\"bytes\":31},"
      "\"sections\":[{\"begin\":0,\"end\":31,\"level\":1,\"heading\":\"Install \xC3\xA9\","
      "\"path\":[\"Install \xC3\xA9\"]}]}";
  write_beir(dir_ / "ds", d);
  const std::string corpus = read_file(dir_ / "ds" / "corpus.jsonl");
  // The object follows text on the line; the document without metadata has no such key.
  EXPECT_NE(corpus.find(",\"metadata\":" + d.corpus[0].metadata + "}\n"), std::string::npos)
      << corpus;
  EXPECT_EQ(corpus.find("metadata", corpus.find("m-d1")), std::string::npos) << corpus;
  BeirLoadOptions o;
  o.show_progress = false;
  const Dataset loaded = load_beir(dir_ / "ds", o);
  ASSERT_EQ(loaded.corpus.size(), 2u);
  EXPECT_EQ(loaded.corpus[0].metadata, d.corpus[0].metadata);
  EXPECT_EQ(loaded.corpus[1].metadata, "");
  // Written again from what was read: the same bytes.
  write_beir(dir_ / "ds2", loaded);
  EXPECT_EQ(read_file(dir_ / "ds2" / "corpus.jsonl"), corpus);
}

TEST_F(BeirWriterTest, DatasetsWithoutMetadataKeepTheirBytes) {
  // A line as every earlier embeval wrote it.
  const Dataset d = make_dataset("p", 1);
  write_beir(dir_ / "ds", d);
  EXPECT_EQ(read_file(dir_ / "ds" / "corpus.jsonl"),
            "{\"_id\":\"p-d0\",\"title\":\"\",\"text\":\"" + std::string(200, 'x') + "p\"}\n");
}

TEST_F(BeirWriterTest, MetadataThatIsNotAnObjectIsAnErrorNamingTheLine) {
  const fs::path ds = dir_ / "bad";
  fs::create_directories(ds / "qrels");
  std::ofstream(ds / "corpus.jsonl") << "{\"_id\":\"a\",\"text\":\"x\"}\n"
                                     << "{\"_id\":\"b\",\"text\":\"y\",\"metadata\":\"path\"}\n";
  std::ofstream(ds / "queries.jsonl") << "";
  std::ofstream(ds / "qrels" / "test.tsv") << "query-id\tcorpus-id\tscore\n";
  BeirLoadOptions o;
  o.show_progress = false;
  try {
    (void)load_beir(ds, o);
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2u);
    EXPECT_NE(e.message().find("expected an object"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace embeval
