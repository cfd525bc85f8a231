#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

class TrecFiles : public ::testing::Test {
 protected:
  std::filesystem::path write(const std::string& name, const std::string& text) {
    return dir_.write(name, text);
  }
  // The message of the InputError `fn` throws (fails the test if none).
  template <typename Fn>
  std::string error_of(Fn&& fn) {
    try {
      fn();
    } catch (const InputError& e) {
      return e.what();
    }
    ADD_FAILURE() << "no InputError";
    return {};
  }
  embeval::testing::TempDir dir_{"embeval-trec-files"};
};

TEST_F(TrecFiles, ReadsTrecQrels) {
  const Qrels q = read_qrels(write("q.txt", "1 0 a 1\n1 0 b 0\n\n2\t0\tc\t2\r\n3 0 d -1\n"));
  ASSERT_EQ(q.judgments.size(), 3u);
  EXPECT_EQ(q.judgments.at("1").at("a"), 1);
  EXPECT_EQ(q.judgments.at("1").at("b"), 0);
  EXPECT_EQ(q.judgments.at("2").at("c"), 2);
  EXPECT_EQ(q.judgments.at("3").at("d"), -1);
  EXPECT_EQ(q.num_judgments(), 4u);
}

TEST_F(TrecFiles, ReadsBeirQrelsWithHeader) {
  const Qrels q =
      read_qrels(write("test.tsv", "query-id\tcorpus-id\tscore\nq1\tdoc-1\t1\nq1\td2\t2\n"));
  EXPECT_EQ(q.judgments.at("q1").size(), 2u);
  EXPECT_EQ(q.judgments.at("q1").at("d2"), 2);
}

TEST_F(TrecFiles, WrittenRunsTieScoresThatAreEqualAsFloat) {
  TrecRun run;
  run.by_query["q"] = {{"a", 0.5 + 1e-12}, {"b", 0.5}};  // equal as float: docno descending
  write_run(dir_ / "r.trec", run);
  std::ifstream in(dir_ / "r.trec");
  std::string first;
  std::getline(in, first);
  EXPECT_EQ(first, "q Q0 b 1 0.5 embeval");
}

TEST_F(TrecFiles, BeirHeaderIsDetectedAndNotReadAsAJudgment) {
  const Qrels q = read_qrels(write("h.tsv", "query-id\tcorpus-id\tscore\n1\ta\t1\n"));
  EXPECT_EQ(q.num_judgments(), 1u);
  EXPECT_EQ(q.judgments.count("query-id"), 0u);
  const auto bad = write("bad.tsv", "query-id\tcorpus-id\tscore\n1\ta\n");
  EXPECT_NE(error_of([&] { (void)read_qrels(bad); }).find("bad.tsv:2:"), std::string::npos);
}

TEST_F(TrecFiles, QrelsErrorsNameFileAndLine) {
  const auto bad_rel = write("bad.txt", "1 0 a 1\n1 0 b x\n");
  EXPECT_NE(error_of([&] { (void)read_qrels(bad_rel); }).find("bad.txt:2:"), std::string::npos);
  const auto short_line = write("short.txt", "1 0 a 1\n1 0 b\n");
  EXPECT_NE(error_of([&] { (void)read_qrels(short_line); }).find("short.txt:2:"),
            std::string::npos);
  const auto conflict = write("conflict.txt", "1 0 a 1\n1 0 a 2\n");
  const std::string msg = error_of([&] { (void)read_qrels(conflict); });
  EXPECT_NE(msg.find("conflict.txt:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("line 1"), std::string::npos) << msg;
  EXPECT_NO_THROW((void)read_qrels(write("same.txt", "1 0 a 1\n1 0 a 1\n")));
  EXPECT_THROW((void)read_qrels(dir_ / "missing.txt"), InputError);
}

TEST_F(TrecFiles, ReadsRunsAndRejectsWhatTrecEvalRejects) {
  const TrecRun run =
      read_run(write("r.txt", "q1 Q0 a 1 2.5 tag\nq1 Q0 b 2 -1e3 tag\nq2 Q0 a 1 0 tag\n"));
  EXPECT_EQ(run.tag, "tag");
  ASSERT_EQ(run.by_query.at("q1").size(), 2u);
  EXPECT_DOUBLE_EQ(run.by_query.at("q1")[1].score, -1000.0);
  const auto dup = write("dup.txt", "q1 Q0 a 1 2 t\nq1 Q0 a 2 1 t\n");
  const std::string msg = error_of([&] { (void)read_run(dup); });
  EXPECT_NE(msg.find("dup.txt:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("first on line 1"), std::string::npos) << msg;
  for (const char* bad : {"q1 Q0 a 1 nan t\n", "q1 Q0 a 1 inf t\n", "q1 Q0 a 1 1.5x t\n",
                          "q1 Q0 a 1 1\n", "q1 Q0 a 1 1 t extra\n"}) {
    const auto path = write("bad_run.txt", std::string("q0 Q0 z 1 1 t\n") + bad);
    EXPECT_NE(error_of([&] { (void)read_run(path); }).find("bad_run.txt:2:"), std::string::npos)
        << bad;
  }
}

TEST_F(TrecFiles, WrittenRunsAreSortedAndRoundTripScoresExactly) {
  TrecRun run;
  run.tag = "mine";
  run.by_query["q1"] = {{"a", 0.1f}, {"c", 0.30000001192092896}, {"b", 0.30000001192092896}};
  const auto path = dir_ / "sub" / "run.trec";
  write_run(path, run);
  std::ifstream in(path);
  std::string l1, l2, l3;
  std::getline(in, l1);
  std::getline(in, l2);
  std::getline(in, l3);
  EXPECT_EQ(l1, "q1 Q0 c 1 0.30000001192092896 mine");  // tie: docno descending
  EXPECT_EQ(l2, "q1 Q0 b 2 0.30000001192092896 mine");
  const TrecRun back = read_run(path);
  EXPECT_EQ(back.by_query.at("q1")[2].docno, "a");
  EXPECT_EQ(back.by_query.at("q1")[2].score, static_cast<double>(0.1f));
  TrecRun nan_run;
  nan_run.by_query["q1"] = {{"a", std::nan("")}};
  EXPECT_THROW(write_run(dir_ / "nan.trec", nan_run), InputError);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nan.trec"));
  TrecRun spaced;
  spaced.by_query["q 1"] = {{"a", 1}};
  EXPECT_THROW(write_run(dir_ / "bad.trec", spaced), InputError);
}

// Issue 9: a UTF-8 byte-order mark is dropped, never glued to the first query id.
TEST_F(TrecFiles, ByteOrderMarkIsIgnoredInQrelsAndRuns) {
  const std::string bom = "\xEF\xBB\xBF";
  const Qrels trec = read_qrels(write("q.txt", bom + "q1 0 a 1\nq1 0 b 2\n"));
  ASSERT_EQ(trec.judgments.size(), 1u);
  EXPECT_EQ(trec.judgments.at("q1").size(), 2u);
  const Qrels beir =
      read_qrels(write("test.tsv", bom + "query-id\tcorpus-id\tscore\nq1\ta\t1\nq2\tb\t1\n"));
  ASSERT_EQ(beir.judgments.size(), 2u);  // the header is still recognised as one
  EXPECT_EQ(beir.judgments.at("q1").at("a"), 1);
  const TrecRun run = read_run(write("r.trec", bom + "q1 Q0 top 1 9 t\nq1 Q0 next 2 8 t\n"));
  ASSERT_EQ(run.by_query.size(), 1u);
  ASSERT_EQ(run.by_query.at("q1").size(), 2u);  // the first query keeps its top document
  EXPECT_EQ(run.by_query.at("q1")[0].docno, "top");
  // CRLF files with a mark too.
  const Qrels crlf = read_qrels(write("crlf.txt", bom + "q1 0 a 1\r\nq1 0 b 0\r\n"));
  EXPECT_EQ(crlf.judgments.at("q1").size(), 2u);
  // Only a leading mark is special: one inside a line is part of an id and refused there.
  EXPECT_NE(error_of([&] {
              (void)read_qrels(write("mid.txt", "q1 0 a 1\n" + bom + "q2 0 a 1\n"));
            }).find("mid.txt:2:"),
            std::string::npos);
}

// Issue 10: ids that cannot survive a TREC run or a one-per-line ids file are refused where
// they are read, with file and line.
TEST_F(TrecFiles, IdsWithControlCharactersAreRefusedAtReadTime) {
  const std::vector<std::pair<std::string, std::string>> bad = {{"vt", "q\v1"},
                                                                {"nul", std::string("q\0"
                                                                                    "1",
                                                                                    3)},
                                                                {"ff", "q\f1"},
                                                                {"esc", "q\x1B"},
                                                                {"del", "q\x7F"},
                                                                {"nel", "q\xC2\x85"},
                                                                {"ls", "q\xE2\x80\xA8"},
                                                                {"nbsp", "q\xC2\xA0"},
                                                                {"latin1", "q\xE9"}};
  for (const auto& [name, id] : bad) {
    const std::string qrels_msg =
        error_of([&] { (void)read_qrels(write(name + ".qrels", "ok 0 a 1\n" + id + " 0 a 1\n")); });
    EXPECT_NE(qrels_msg.find(name + ".qrels:2:"), std::string::npos) << name << ": " << qrels_msg;
    EXPECT_NE(qrels_msg.find("query id"), std::string::npos) << qrels_msg;
    const std::string docno_msg =
        error_of([&] { (void)read_qrels(write(name + ".d.qrels", "ok 0 " + id + " 1\n")); });
    EXPECT_NE(docno_msg.find(name + ".d.qrels:1:"), std::string::npos) << name << ": " << docno_msg;
    EXPECT_NE(docno_msg.find("document id"), std::string::npos) << docno_msg;
    const std::string run_msg = error_of(
        [&] { (void)read_run(write(name + ".run", "ok Q0 a 1 1 t\nok Q0 " + id + " 2 0.5 t\n")); });
    EXPECT_NE(run_msg.find(name + ".run:2:"), std::string::npos) << name << ": " << run_msg;
  }
  // BEIR TSV splits on tabs only: a space inside an id is caught, not carried to the run.
  const std::string spaced = error_of(
      [&] { (void)read_qrels(write("s.tsv", "query-id\tcorpus-id\tscore\nq1\tdoc 1\t1\n")); });
  EXPECT_NE(spaced.find("s.tsv:2:"), std::string::npos) << spaced;
  EXPECT_NE(spaced.find("holds a space"), std::string::npos) << spaced;
  // An empty id (two tabs in a row).
  const std::string empty = error_of(
      [&] { (void)read_qrels(write("e.tsv", "query-id\tcorpus-id\tscore\n\tdoc1\t1\n")); });
  EXPECT_NE(empty.find("e.tsv:2:"), std::string::npos) << empty;
  EXPECT_NE(empty.find("is empty"), std::string::npos) << empty;
}

TEST_F(TrecFiles, Utf16FilesAreNamedAsSuch) {
  const std::string utf16le(
      "\xFF\xFEq\0 \0"
      "0\0 \0a\0 \0"
      "1\0\n\0",
      18);
  const std::string qrels = error_of([&] { (void)read_qrels(write("u16.qrels", utf16le)); });
  EXPECT_NE(qrels.find("u16.qrels:1: the qrels file is UTF-16"), std::string::npos) << qrels;
  const std::string run = error_of([&] { (void)read_run(write("u16.run", "\xFE\xFF\0q")); });
  EXPECT_NE(run.find("u16.run:1: the run file is UTF-16"), std::string::npos) << run;
}

// Scores below the smallest double read as 0 (as trec_eval's atof does); above the largest,
// they are infinite and refused.
TEST_F(TrecFiles, ScoreUnderflowReadsAsZeroAndOverflowIsRefused) {
  const TrecRun run = read_run(write("tiny.run", "q Q0 a 1 1e-400 t\nq Q0 b 2 -1e-400 t\n"));
  ASSERT_EQ(run.by_query.at("q").size(), 2u);
  EXPECT_EQ(run.by_query.at("q")[0].score, 0.0);
  EXPECT_EQ(run.by_query.at("q")[1].score, 0.0);
  const std::string big = error_of([&] { (void)read_run(write("big.run", "q Q0 a 1 1e400 t\n")); });
  EXPECT_NE(big.find("big.run:1: score '1e400' is not a finite number"), std::string::npos) << big;
}

TEST_F(TrecFiles, DirectoriesAreRefusedNotReadAsEmpty) {
  EXPECT_NE(error_of([&] { (void)read_qrels(dir_); }).find("a directory, not a qrels file"),
            std::string::npos);
  EXPECT_NE(error_of([&] { (void)read_run(dir_); }).find("a directory, not a run file"),
            std::string::npos);
}

// Issue 10: a grade read from the qrels is a value, never a size.
TEST_F(TrecFiles, HugeGradesAreReadAsValues) {
  const Qrels q = read_qrels(write("big.txt", "q 0 a 2147483647\nq 0 b -2147483648\n"));
  EXPECT_EQ(q.judgments.at("q").at("a"), 2147483647);
  EXPECT_EQ(q.judgments.at("q").at("b"), -2147483647 - 1);
  EXPECT_NE(error_of([&] {
              (void)read_qrels(write("over.txt", "q 0 a 2147483648\n"));
            }).find("over.txt:1:"),
            std::string::npos);
}

}  // namespace
}  // namespace embeval
