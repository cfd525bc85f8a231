// End-to-end: the `embeval dataset manpages` command on a fake man page tree.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "dataset/fake_man_dir.h"
#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;

using testing::CliResult;
using testing::run_embeval;

class DatasetCliTest : public ::testing::Test {
 protected:
  void SetUp() override { testing::make_fake_man_dir(dir_ / "man"); }
  testing::TempDir dir_{"embeval-dataset-cli"};
};

TEST_F(DatasetCliTest, ManpagesWritesTheBeirLayout) {
  const fs::path out = dir_ / "out";
  const CliResult r = run_embeval("dataset manpages --out '" + out.string() + "' --man-dir '" +
                                  (dir_ / "man").string() + "' --sections 1,8");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("6 pages parsed"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("skipped: 1 symbolic links, 1 .so redirects, 1 duplicates, 2 unreadable"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("queries: 3 (dropped: 1 without a NAME description, 2 ambiguous)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("bad.1.gz"), std::string::npos) << r.err;

  EXPECT_EQ(read_file(out / "qrels" / "test.tsv"),
            "query-id\tcorpus-id\tscore\n"
            "cp.1\tcp.1\t2\n"
            "cp.1\tfrob.1\t1\n"
            "frob.1\tcp.1\t1\n"
            "frob.1\tfrob.1\t2\n"
            "frob.1\tls.1\t1\n"
            "frob.1\tmv.1\t1\n"
            "wobble.8\tfrob.1\t1\n"
            "wobble.8\twobble.8\t2\n");
  EXPECT_EQ(read_file(out / "queries.jsonl"),
            "{\"_id\":\"cp.1\",\"text\":\"copy files\"}\n"
            "{\"_id\":\"frob.1\",\"text\":\"frobnicate the bar-baz files\"}\n"
            "{\"_id\":\"wobble.8\",\"text\":\"wobble the network device\"}\n");
  const std::string corpus = read_file(out / "corpus.jsonl");
  EXPECT_EQ(corpus.substr(0, corpus.find('\n') + 1),
            "{\"_id\":\"cp.1\",\"title\":\"cp(1)\",\"text\":\"DESCRIPTION\\nText of "
            "CP.\\nSEE ALSO\\nfrob(1)\\n\"}\n");
  std::size_t lines = 0;
  for (char c : corpus) lines += c == '\n';
  EXPECT_EQ(lines, 6u);
}

TEST_F(DatasetCliTest, MissingManDirExitsWithInputErrorStatus) {
  const CliResult r = run_embeval("dataset manpages --out '" + (dir_ / "out").string() +
                                  "' --man-dir '" + (dir_ / "nowhere").string() + "'");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("embeval: error:"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(DatasetCliTest, OutIsRequired) {
  const CliResult r = run_embeval("dataset manpages");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
}

TEST_F(DatasetCliTest, CheckLoadsTheBuiltDatasetAndReportsErrorsWithFileAndLine) {
  const fs::path out = dir_ / "out";
  ASSERT_EQ(run_embeval("dataset manpages --out '" + out.string() + "' --man-dir '" +
                        (dir_ / "man").string() + "'")
                .status,
            0);
  const CliResult ok = run_embeval("dataset check '" + out.string() + "'");
  ASSERT_EQ(ok.status, 0) << ok.err;
  EXPECT_EQ(ok.out, "out: 6 documents, 3 queries with judgments, 8 judgments (split test)\n");

  std::ofstream(out / "corpus.jsonl", std::ios::app) << "{\"_id\": \"x\", \"text\": \n";
  const CliResult bad = run_embeval("dataset check '" + out.string() + "'");
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find((out / "corpus.jsonl").string() + ":7: malformed JSON"), std::string::npos)
      << bad.err;

  const CliResult split = run_embeval("dataset check '" + out.string() + "' --split dev");
  EXPECT_EQ(split.status, 2);
  EXPECT_NE(split.err.find("available splits: test"), std::string::npos) << split.err;
}

}  // namespace
}  // namespace embeval
