// End-to-end: the built `embeval metrics` on files in tests/data/eval, output compared byte for
// byte with expected files derived by hand from trec_eval 9.0.8's definitions:
//   query 1 ranks d3(0.9) d2(0.9) dx(0.7) d1(0.5) -> judgments 0 1 - 2 (tie: docno descending);
//   query 2 ranks d5(2.0) d1(1.0) -> - 1; query 3 is judged but absent; query 4 is not judged.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

using embeval::testing::read_file;

const std::filesystem::path kData = std::filesystem::path(EMBEVAL_TEST_DATA_DIR) / "eval";

using Output = embeval::testing::CliResult;

class MetricsCli : public ::testing::Test {
 protected:
  Output run(const std::string& args) { return embeval::testing::run_embeval("metrics " + args); }

  std::string write(const std::string& name, const std::string& text) {
    return embeval::testing::shell_quote(dir_.write(name, text).string());
  }

  embeval::testing::TempDir dir_{"embeval-metrics-cli"};
};

const std::string kMeasures =
    "-m num_q -m num_ret -m num_rel -m num_rel_ret -m map -m Rprec -m recip_rank -m P.10,5 "
    "-m ndcg -m ndcg_cut.3";

std::string quoted(const std::filesystem::path& p) {
  return embeval::testing::shell_quote(p.string());
}

TEST_F(MetricsCli, PerQueryOutputMatchesTrecEvalByteForByte) {
  const Output o = run(kMeasures + " -q --qrels " + quoted(kData / "qrels.txt") + " --run " +
                       quoted(kData / "run.txt"));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, read_file(kData / "expected_q.txt"));
}

TEST_F(MetricsCli, PositionalFilesAndBeirQrelsGiveTheSameOutput) {
  const Output o =
      run(kMeasures + " -q " + quoted(kData / "qrels.tsv") + " " + quoted(kData / "run.txt"));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, read_file(kData / "expected_q.txt"));
}

TEST_F(MetricsCli, CompleteModeAveragesOverEveryJudgedQuery) {
  const Output o = run(kMeasures + " -q -c --qrels " + quoted(kData / "qrels.txt") + " --run " +
                       quoted(kData / "run.txt"));
  ASSERT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(o.out, read_file(kData / "expected_qc.txt"));
}

// A partial run (issue 9): every judged query missing from the run gets its per-query lines
// under -c -q, in query order, and the summary is unchanged.
TEST_F(MetricsCli, CompleteModePrintsEveryMissingQueryOfAPartialRun) {
  std::string qrels_text;
  std::string run_text;
  for (int q = 10; q < 30; ++q) {
    qrels_text += std::to_string(q) + " 0 rel" + std::to_string(q) + " 1\n";
    qrels_text += std::to_string(q) + " 0 also" + std::to_string(q) + " 2\n";
    if (q % 3 != 0) run_text += std::to_string(q) + " Q0 rel" + std::to_string(q) + " 1 1.5 r\n";
  }
  const std::string files =
      write("partial.qrels", qrels_text) + " " + write("partial.run", run_text);
  const Output o = run("-m num_ret -m num_rel -m map -m P.5 -q -c " + files);
  ASSERT_EQ(o.status, 0) << o.err;
  std::string expected;
  const auto line = [&](const char* m, const std::string& q, const std::string& v) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%-22s\t%s\t%s\n", m, q.c_str(), v.c_str());
    expected += buf;
  };
  for (int q = 10; q < 30; ++q) {
    const bool missing = q % 3 == 0;
    const std::string qid = std::to_string(q);
    line("num_ret", qid, missing ? "0" : "1");
    line("num_rel", qid, "2");
    line("map", qid, missing ? "0.0000" : "0.5000");
    line("P_5", qid, missing ? "0.0000" : "0.2000");
  }
  // 6 of 20 queries missing (12, 15, ..., 27): map = 14 * 0.5 / 20, P_5 = 14 * 0.2 / 20.
  line("num_ret", "all", "14");
  line("num_rel", "all", "40");
  line("map", "all", "0.3500");
  line("P_5", "all", "0.1400");
  EXPECT_EQ(o.out, expected);
}

TEST_F(MetricsCli, SummaryOnlyAndPrecisionFlag) {
  const Output o = run("-m map -m P.5 --precision 6 --qrels " + quoted(kData / "qrels.txt") +
                       " --run " + quoted(kData / "run.txt"));
  ASSERT_EQ(o.status, 0) << o.err;
  // map = (1/3 + 1/2) / 2, P_5 = (2/5 + 1/5) / 2.
  EXPECT_EQ(o.out,
            "map                   \tall\t0.416667\n"
            "P_5                   \tall\t0.300000\n");
}

TEST_F(MetricsCli, RelevanceLevelTwo) {
  const Output o = run("-m num_rel -m map -m ndcg_cut.3 -l 2 --qrels " +
                       quoted(kData / "qrels.txt") + " --run " + quoted(kData / "run.txt"));
  ASSERT_EQ(o.status, 0) << o.err;
  // Only query 1's d1 (judged 2) is relevant, found at rank 4: map 1/4 for q1, 0 for q2.
  // nDCG gains still use every judgment value, so ndcg_cut_3 is unchanged by -l.
  EXPECT_EQ(o.out,
            "num_rel               \tall\t1\n"
            "map                   \tall\t0.1250\n"
            "ndcg_cut_3            \tall\t0.4162\n");
}

TEST_F(MetricsCli, BadInputExitsTwoNamingFileAndLine) {
  const std::string qrels = quoted(kData / "qrels.txt");
  const Output dup = run("--qrels " + qrels + " --run " +
                         write("dup.run", "1 Q0 a 1 2 t\n1 Q0 b 2 1 t\n1 Q0 a 3 0 t\n"));
  EXPECT_EQ(dup.status, 2);
  EXPECT_NE(dup.err.find("dup.run:3:"), std::string::npos) << dup.err;
  const Output nan = run("--qrels " + qrels + " --run " + write("nan.run", "1 Q0 a 1 nan t\n"));
  EXPECT_EQ(nan.status, 2);
  EXPECT_NE(nan.err.find("nan.run:1:"), std::string::npos) << nan.err;
  const Output bad_qrels =
      run("--qrels " + write("bad.qrels", "1 0 a 1\n1 0 b\n") + " --run " + qrels);
  EXPECT_EQ(bad_qrels.status, 2);
  EXPECT_NE(bad_qrels.err.find("bad.qrels:2:"), std::string::npos) << bad_qrels.err;
  const Output unknown = run("-m nope --qrels " + qrels + " --run " + quoted(kData / "run.txt"));
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("unknown measure 'nope'"), std::string::npos) << unknown.err;
  const Output disjoint =
      run("--qrels " + qrels + " --run " + write("other.run", "9 Q0 a 1 1 t\n"));
  EXPECT_EQ(disjoint.status, 2);
  EXPECT_TRUE(dup.out.empty() && nan.out.empty() && disjoint.out.empty());
}

}  // namespace
