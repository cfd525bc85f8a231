// End-to-end: `embeval compare` on run files written here. The runs are those of
// compare_runs_test.cpp (A, B, C with the relevant document of q1..q5 at known ranks), so the
// expected p values are the mpmath ones derived there:
//   recip_rank A-B: p = 0.034109423167409626, Holm over the six tests 0.20465653900445775.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

using embeval::testing::CliResult;
using embeval::testing::shell_quote;

std::string run_text(const std::string& tag, const std::vector<int>& rank_of_relevant) {
  std::string text;
  for (std::size_t i = 0; i < rank_of_relevant.size(); ++i) {
    const std::string q = std::to_string(i + 1);
    std::vector<std::string> docs = {"x0", "x1", "x2"};
    docs.insert(docs.begin() + (rank_of_relevant[i] - 1), std::string("d") + q);
    for (std::size_t r = 0; r < docs.size(); ++r) {
      text += std::string("q") + q + " Q0 " + docs[r] + " " + std::to_string(r + 1) + " " +
              std::to_string(10 - static_cast<int>(r)) + " " + tag + "\n";
    }
  }
  return text;
}

class CompareCli : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string qrels;
    for (int i = 1; i <= 5; ++i) {
      qrels += std::string("q") + std::to_string(i) + " 0 d" + std::to_string(i) + " 1\n";
    }
    files_ = "--qrels " + path("qrels.txt", qrels) + " " +
             path("A.run", run_text("A", {1, 1, 2, 1, 1})) + " " +
             path("B.run", run_text("B", {2, 1, 3, 2, 2})) + " " +
             path("C.run", run_text("C", {1, 2, 1, 3, 1}));
  }
  std::string path(const std::string& name, const std::string& text) {
    return shell_quote(dir_.write(name, text).string());
  }
  CliResult compare(const std::string& args) {
    return embeval::testing::run_embeval("compare " + args + " " + files_);
  }
  nlohmann::ordered_json json(const std::string& name) {
    return nlohmann::ordered_json::parse(embeval::testing::read_file(dir_ / name));
  }

  embeval::testing::TempDir dir_{"embeval-compare-cli"};
  std::string files_;
};

TEST_F(CompareCli, PrintsTheTableAndWritesJson) {
  const std::string out = shell_quote((dir_ / "out" / "compare.json").string());
  const CliResult r = compare("-m recip_rank -m P.1 --json " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("paired t test"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Holm-corrected over 6 tests"), std::string::npos) << r.out;
  // recip_rank A-B: means 0.9 and 17/30, +1/3, p 0.0341, Holm 0.2047, 4 wins 1 tie.
  EXPECT_NE(r.out.find("0.9000  0.5667  +0.3333"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0.0341  0.2047  4/1/0"), std::string::npos) << r.out;
  const auto j = json("out/compare.json");
  ASSERT_EQ(j["tests"].size(), 6u);
  EXPECT_EQ(j["tests"][0]["measure"], "recip_rank");
  EXPECT_NE(j["tests"][0]["a"].get<std::string>().find("A.run"), std::string::npos);
  EXPECT_NE(j["tests"][0]["b"].get<std::string>().find("B.run"), std::string::npos);
  EXPECT_NEAR(j["tests"][0]["p"].get<double>(), 0.034109423167409626, 1e-12);
  EXPECT_NEAR(j["tests"][0]["p_adjusted"].get<double>(), 0.20465653900445775, 1e-12);
  EXPECT_EQ(j["tests"][3]["measure"], "P_1");
  EXPECT_EQ(j["tests"][5]["losses"], 3);
  // Only the file itself: no temporary left beside it.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir_ / "out")) {
    ++entries;
  }
  EXPECT_EQ(entries, 1u);
}

TEST_F(CompareCli, FisherIsTheSameForASeedWhateverTheThreads) {
  const std::string common = "-m recip_rank --test fisher --samples 3000 --seed 7 --json ";
  ASSERT_EQ(compare(common + path("one.json", "") + " --threads 1").status, 0);
  ASSERT_EQ(compare(common + path("two.json", "") + " --threads 2").status, 0);
  EXPECT_EQ(embeval::testing::read_file(dir_ / "one.json"),
            embeval::testing::read_file(dir_ / "two.json"));
  const auto j = json("one.json");
  EXPECT_EQ(j["settings"]["test"], "fisher");
  EXPECT_EQ(j["settings"]["seed"], 7);
  // 3000 flips for A-B, whose exact permutation p is 4/32 (q2 ties, so only the four other signs
  // matter: all the same, either way): 0.125 within 5 sd (0.03).
  EXPECT_NEAR(j["tests"][0]["p"].get<double>(), 0.125, 0.03);
}

TEST_F(CompareCli, RanxPIsCountOverB) {
  ASSERT_EQ(compare("-m recip_rank --test bootstrap --samples 1000 --json " + path("plus.json", ""))
                .status,
            0);
  ASSERT_EQ(compare("-m recip_rank --test bootstrap --samples 1000 --ranx-p --json " +
                    path("ranx.json", ""))
                .status,
            0);
  for (std::size_t k = 0; k < 3; ++k) {
    const double plus = json("plus.json")["tests"][k]["p"].get<double>();
    const double ranx = json("ranx.json")["tests"][k]["p"].get<double>();
    // Same draws: (count + 1) / 1001 against count / 1000.
    EXPECT_NEAR(plus * 1001 - 1, ranx * 1000, 1e-9);
  }
}

TEST_F(CompareCli, BadInputExitsTwoWithAMessage) {
  CliResult r = compare("-m recip_rank --test wilcoxon");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("use t, fisher or bootstrap"), std::string::npos) << r.err;
  r = compare("-m num_q");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("not a score"), std::string::npos) << r.err;
  r = compare("-m recip_rank --alpha 2");
  EXPECT_EQ(r.status, 2);
  // --json naming an input would destroy it: refused before anything is written.
  const std::string before = embeval::testing::read_file(dir_ / "B.run");
  r = compare("-m recip_rank --json " + shell_quote((dir_ / "B.run").string()));
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(embeval::testing::read_file(dir_ / "B.run"), before);
  r = embeval::testing::run_embeval("compare -m map --qrels " + path("q2.txt", "q1 0 d1 1\n") +
                                    " " + path("only.run", run_text("A", {1})));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("at least two runs"), std::string::npos) << r.err;
  r = embeval::testing::run_embeval(
      "compare -m map --qrels " + shell_quote((dir_ / "missing.txt").string()) + " " +
      path("r1.run", run_text("A", {1})) + " " + path("r2.run", run_text("B", {1})));
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing.txt"), std::string::npos) << r.err;
}

}  // namespace
