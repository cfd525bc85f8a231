// End-to-end: `embeval probe alignment` with a static-vector model built here (a bilingual
// word-vector file whose German words share their English translations' vectors, one of them
// wrong) and with BM25 (pairs that share a name), the expected figures worked out by hand; and
// bad input refused with file:line and status 2, before any JSON is written.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "support/cli_runner.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

using embeval::testing::read_file;
using embeval::testing::run_embeval;
using embeval::testing::shell_quote;

class ProbeAlignmentCli : public ::testing::Test {
 protected:
  void SetUp() override {
    // word2vec text format. haus = house, sonne = sun, wasser = water, katze = cat; hund (dog)
    // is given cat's vector: a wrong translation.
    dir_.write("bilingual.txt",
               "10 5\n"
               "house 1 0 0 0 0\nhaus 1 0 0 0 0\n"
               "sun 0 1 0 0 0\nsonne 0 1 0 0 0\n"
               "water 0 0 1 0 0\nwasser 0 0 1 0 0\n"
               "cat 0 0 0 1 0\nkatze 0 0 0 1 0\n"
               "dog 0 0 0 0 1\nhund 0 0 0 1 0\n");
    dir_.write("de.tsv", "house\thaus\nsun\tsonne\nwater\twasser\ncat\tkatze\ndog\thund\n");
  }

  std::string probe(const std::string& model, const std::string& pairs,
                    const std::string& json) const {
    return "probe alignment --model " + shell_quote(model) + " --pairs " +
           shell_quote((dir_ / pairs).string()) +
           (json.empty() ? "" : " --json " + shell_quote((dir_ / json).string()));
  }

  embeval::testing::TempDir dir_{"embeval-probe-alignment"};
};

TEST_F(ProbeAlignmentCli, StaticVectorsOfATranslationDictionary) {
  // Sources e0, e1, e2, e3, e4; targets e0, e1, e2, e3, e3 (hund = cat). cos (rows s_i):
  //   s0..s2: 1 on their own column | s3 (cat): 1 on columns 3 and 4 | s4 (dog): all 0.
  // src->tgt: cat ties katze and hund -> katze (lowest, hit); dog is all ties -> 0 (miss): 4/5.
  // tgt->src: hund's column (0, 0, 0, 1, 0) -> cat (miss): 4/5.
  // k = 4: r_src = (1, 1, 1, 2, 0) / 8, r_tgt = (1, 1, 1, 1, 1) / 8; margins keep the same
  // argmaxes (row 3: 1 / (3/8) twice, tie -> 3; row 4: all 0; column 4: only row 3): 4/5.
  // true cos (1 + 1 + 1 + 1 + 0) / 5 = .8; shuffled: only cos(cat, hund) = 1 of 5: .2.
  const auto r = run_embeval(
      probe("static:" + (dir_ / "bilingual.txt").string(), "de.tsv", "out/alignment.json"));
  ASSERT_EQ(r.status, 0) << r.output();
  const nlohmann::json j = nlohmann::json::parse(read_file(dir_ / "out/alignment.json"));
  EXPECT_EQ(j.size(), 7u);
  EXPECT_EQ(j["pairs"], 5);
  EXPECT_DOUBLE_EQ(j["accuracy_src_to_tgt"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(j["accuracy_tgt_to_src"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(j["margin_accuracy_src_to_tgt"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(j["margin_accuracy_tgt_to_src"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(j["mean_cos_true"].get<double>(), 0.8);
  EXPECT_DOUBLE_EQ(j["mean_cos_shuffled"].get<double>(), 0.2);
  EXPECT_NE(r.out.find("alignment of 5 pairs, model static:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("src -> tgt      0.8000                        0.8000"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("mean cosine: 0.8000 true pairs, 0.2000 shuffled pairs"), std::string::npos)
      << r.out;
}

TEST_F(ProbeAlignmentCli, Bm25ComparesWeightVectorsOfPairsSharingAName) {
  // Six documents of two terms each (dl = avgdl), so every weight is idf / (1 + k1); the cosine
  // of a pair is idf(city)^2 / (idf(city)^2 + idf(other)^2), the city in 2 of 6 documents
  // (idf ln(1 + 4.5 / 2.5) = ln 2.8), the other word in 1 (idf ln(1 + 5.5 / 1.5) = ln(14/3)).
  // No two pairs share a term: every accuracy is 1 and the shuffled cosine 0.
  dir_.write(
      "names.tsv",
      "berlin station\tbahnhof berlin\nparis museum\tmusee paris\ntokyo tower\ttokyo turm\n");
  const auto r = run_embeval(probe("bm25", "names.tsv", "bm25.json"));
  ASSERT_EQ(r.status, 0) << r.output();
  const nlohmann::json j = nlohmann::json::parse(read_file(dir_ / "bm25.json"));
  const double city = std::log(2.8), other = std::log(14.0 / 3.0);
  EXPECT_NEAR(j["mean_cos_true"].get<double>(), city * city / (city * city + other * other), 1e-6);
  EXPECT_DOUBLE_EQ(j["mean_cos_shuffled"].get<double>(), 0.0);
  EXPECT_DOUBLE_EQ(j["accuracy_src_to_tgt"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(j["margin_accuracy_tgt_to_src"].get<double>(), 1.0);
  EXPECT_NE(r.out.find("margin accuracy (LASER, k=3)"), std::string::npos) << r.out;
}

TEST_F(ProbeAlignmentCli, BadPairsAreRefusedWithFileAndLineBeforeAnyJson) {
  const fs::path bad = dir_.write("bad.tsv", "house\thaus\nsun sonne\n");
  const auto r = run_embeval(probe("bm25", "bad.tsv", "bad.json"));
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.err.find(bad.string() + ":2: no tab on the line"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir_ / "bad.json"));
  dir_.write("one.tsv", "house\thaus\n");
  const auto one = run_embeval(probe("bm25", "one.tsv", ""));
  EXPECT_EQ(one.status, 2) << one.output();
  EXPECT_NE(one.err.find("alignment needs at least 2"), std::string::npos) << one.err;
  const auto model = run_embeval(probe("static:" + (dir_ / "none.txt").string(), "de.tsv", ""));
  EXPECT_EQ(model.status, 2) << model.output();
  const auto group = run_embeval("probe");
  EXPECT_NE(group.status, 0) << group.output();  // a probe must be named
}

}  // namespace
