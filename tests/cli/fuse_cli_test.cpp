// End-to-end: `embeval fuse` on run files written here. The runs are fuse_runs_test.cpp's A and
// B (scores 4, 2, 1 and 0.9, 0.6, 0.3), whose fused scores are worked out there:
//   rrf k=60:  d2 1/62 + 1/61 = 0.03252247488101534, d1 1/61 + 1/63 = 0.032266458495966696,
//              d4 1/62, d3 1/63
//   wsum minmax 0.3,0.7: d2 0.8, d4 0.35, d1 0.3, d3 0
#include <gtest/gtest.h>

#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

using embeval::testing::CliResult;
using embeval::testing::shell_quote;

class FuseCli : public ::testing::Test {
 protected:
  void SetUp() override {
    a_ = path("a.trec", "q1 Q0 d1 1 4 A\nq1 Q0 d2 2 2 A\nq1 Q0 d3 3 1 A\nq2 Q0 z 1 5 A\n");
    b_ = path("b.trec", "q1 Q0 d1 3 0.3 B\nq1 Q0 d2 1 0.9 B\nq1 Q0 d4 2 0.6 B\n");
  }
  std::string path(const std::string& name, const std::string& text) {
    return shell_quote(dir_.write(name, text).string());
  }
  CliResult fuse(const std::string& args) {
    return embeval::testing::run_embeval("fuse " + a_ + " " + b_ + " " + args + " --out " +
                                         shell_quote((dir_ / "fused.trec").string()));
  }
  std::string fused() { return embeval::testing::read_file(dir_ / "fused.trec"); }

  embeval::testing::TempDir dir_{"embeval-fuse-cli"};
  std::string a_;
  std::string b_;
};

TEST_F(FuseCli, RrfWritesTheFusedRunInTrecEvalOrder) {
  const CliResult r = fuse("--method rrf");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("fused 2 runs (rrf) over 2 queries: 5 lines"), std::string::npos) << r.out;
  // Scores: the shortest text that reads back to the same double (17 significant digits here).
  EXPECT_EQ(fused(),
            "q1 Q0 d2 1 0.03252247488101534 fuse-rrf\n"
            "q1 Q0 d1 2 0.032266458495966696 fuse-rrf\n"
            "q1 Q0 d4 3 0.016129032258064516 fuse-rrf\n"
            "q1 Q0 d3 4 0.015873015873015872 fuse-rrf\n"
            "q2 Q0 z 1 0.01639344262295082 fuse-rrf\n");
}

TEST_F(FuseCli, WeightedSumWithTopAndTag) {
  const CliResult r = fuse("--method wsum --norm minmax --weights 0.3,0.7 --top 2 --tag hyb");
  ASSERT_EQ(r.status, 0) << r.output();
  const std::string text = fused();
  EXPECT_EQ(text.substr(0, text.find("q2")),
            "q1 Q0 d2 1 0.7999999999999999 hyb\n"
            "q1 Q0 d4 2 0.3499999999999999 hyb\n");
}

TEST_F(FuseCli, NormIsIgnoredByRrfWithANote) {
  const CliResult r = fuse("--method rrf --norm zmuv");
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.err.find("--norm zmuv is ignored"), std::string::npos) << r.err;
  EXPECT_NE(fused().find("q1 Q0 d2 1 0.03252247488101534"), std::string::npos);
}

TEST_F(FuseCli, BadInputExitsTwoWithFileAndLine) {
  const std::string bad = path("bad.trec", "q1 Q0 d1 1 4 A\nq1 Q0 d2 2 A\n");
  CliResult r = embeval::testing::run_embeval("fuse " + a_ + " " + bad + " --method rrf --out " +
                                              shell_quote((dir_ / "f.trec").string()));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("bad.trec:2"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "f.trec"));

  r = fuse("--method wsum --weights 1,2,3");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("3 weights for 2 runs"), std::string::npos) << r.err;
  r = fuse("--method borda");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("unknown fusion method 'borda'"), std::string::npos) << r.err;
}

}  // namespace
