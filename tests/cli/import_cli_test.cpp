// `embeval dataset import` as a user runs it: a folder of this machine's documentation (HTML
// from base-passwd, gzip'ed Markdown from man-db) plus a file it must skip, into a dataset that
// `dataset check` and `eval` accept; bad input exits 2 before any work.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using testing::run_embeval;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

TEST(ImportCliTest, FolderToDatasetThatLoadsAndEvaluates) {
  const fs::path html = "/usr/share/doc/base-passwd/users-and-groups.html";
  const fs::path news = "/usr/share/doc/man-db/NEWS.md.gz";
  if (!fs::exists(html) || !fs::exists(news)) GTEST_SKIP() << "no /usr/share/doc files";
  testing::TempDir dir("embeval-import-cli");
  fs::create_directories(dir / "docs" / "guide");
  fs::copy_file(html, dir / "docs" / "users-and-groups.html");
  fs::copy_file(news, dir / "docs" / "guide" / "NEWS.md.gz");
  dir.write("docs/guide/picture.png", "\x89PNG\r\n\x1a\n");

  auto r = run_embeval("dataset import " + q(dir / "docs") + " --out " + q(dir / "ds"));
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("imported 2 documents from 3 files: 2 imported, 0 repaired, 1 skipped"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("skipped guide/picture.png: unsupported"), std::string::npos) << r.out;
  const std::string corpus = read_file(dir / "ds" / "corpus.jsonl");
  EXPECT_NE(
      corpus.find("{\"_id\":\"guide/NEWS.md.gz\",\"title\":\"man-db 2.11.2 (8 January 2023)\""),
      std::string::npos);
  const auto report = nlohmann::json::parse(read_file(dir / "ds" / "import.json"));
  EXPECT_EQ(report["formats"]["html"]["imported"], 1);
  EXPECT_EQ(report["formats"]["markdown"]["imported"], 1);
  EXPECT_EQ(report["problems"][0]["path"], "guide/picture.png");

  r = run_embeval("dataset check " + q(dir / "ds"));
  EXPECT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("2 documents, 0 queries"), std::string::npos) << r.out;

  // Again into the same folder: replaced as a whole (import.json belongs to a dataset).
  r = run_embeval("dataset import " + q(dir / "docs") + " --out " + q(dir / "ds"));
  EXPECT_EQ(r.status, 0) << r.output();
}

TEST(ImportCliTest, ChunkCutsTheImportedDocumentsAsDatasetChunkDoes) {
  testing::TempDir dir("embeval-import-chunk");
  dir.write("docs/guide.md",
            "# Guide\n\nOne two three four five six seven.\n\n## Install\n\nEight nine ten.\n");
  auto r = run_embeval("dataset import " + q(dir / "docs") + " --out " + q(dir / "whole"));
  ASSERT_EQ(r.status, 0) << r.output();
  r = run_embeval("dataset chunk " + q(dir / "whole") + " --out " + q(dir / "chunked") +
                  " --size 4 --overlap 1 --sections");
  ASSERT_EQ(r.status, 0) << r.output();
  r = run_embeval("dataset import " + q(dir / "docs") + " --out " + q(dir / "direct") +
                  " --chunk --size 4 --overlap 1 --sections");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("chunked 1 documents into"), std::string::npos) << r.out;
  const std::string corpus = read_file(dir / "direct" / "corpus.jsonl");
  EXPECT_EQ(corpus, read_file(dir / "chunked" / "corpus.jsonl"));
  EXPECT_NE(corpus.find("\"_id\":\"guide.md#1\""), std::string::npos) << corpus;
  EXPECT_TRUE(fs::exists(dir / "direct" / "import.json"));
  // Bad chunking flags fail before anything is read or written.
  r = run_embeval("dataset import " + q(dir / "docs") + " --out " + q(dir / "bad") +
                  " --chunk --size 4 --overlap 4");
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_FALSE(fs::exists(dir / "bad"));
}

TEST(ImportCliTest, BadInputExitsTwoBeforeAnyWork) {
  testing::TempDir dir("embeval-import-cli");
  dir.write("docs/a.txt", "text\n");
  dir.write("busy/mine.txt", "the user's file\n");
  auto r = run_embeval("dataset import " + q(dir / "docs") + " --out " + q(dir / "busy"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("holds 'mine.txt', which is not part of a dataset"), std::string::npos)
      << r.err;
  r = run_embeval("dataset import " + q(dir / "absent") + " --out " + q(dir / "ds"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_FALSE(fs::exists(dir / "ds"));
  dir.write("only/x.bin", "\x01\x02");
  r = run_embeval("dataset import " + q(dir / "only") + " --out " + q(dir / "ds"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find("no document could be imported"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace embeval
