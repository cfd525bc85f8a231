// End-to-end: `embeval ann` on a generated word-vector dataset, as a user runs it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "ann/word_dataset.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

using Output = embeval::testing::CliResult;

Output run(const std::string& args) { return embeval::testing::run_embeval(args); }

class AnnCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = embeval::testing::write_word_dataset(dir_);
    model_ = "'static:" + data_.vectors.string() + "?pooling=sif'";
  }
  std::string base_args() const {
    return "ann --dataset " + data_.beir.string() + " --model " + model_ + " --out " +
           (dir_ / "out").string() + " --latency-queries 5";
  }
  embeval::testing::TempDir dir_{"embeval-ann-cli"};
  embeval::testing::WordDataset data_;
  std::string model_;
};

TEST_F(AnnCli, PrintsTheReportAndWritesAnnJson) {
  const Output out =
      run(base_args() + " --index 'hnsw?M=8,IVF_FLAT?nlist=4,binary' --sweep --truncate 8,16");
  ASSERT_EQ(out.status, 0) << out.output();
  for (const char* expected :
       {"exact search nDCG@10", "R@10", "dnDCG@10", "p99 ms", "efSearch=16", "nprobe=4",
        "Pareto frontier", "fastest with R@10 >= 0.95", "truncated dimensions", "dim 8",
        "storage precision", "binary+rescore", "int8", "per 1M docs"}) {
    EXPECT_NE(out.output().find(expected), std::string::npos) << expected << "\n" << out.output();
  }
  std::ifstream in(dir_ / "out" / "ann.json");
  const auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j.at("format"), "embeval-ann");
  EXPECT_EQ(j.at("dataset").at("documents"), 300);
  EXPECT_EQ(j.at("model").at("dimension"), 16);
  EXPECT_EQ(j.at("points").at(0).at("index_spec"), "exact?dim=auto");
  EXPECT_EQ(j.at("points").at(1).at("index_spec"), "hnsw?M=8&efConstruction=200&efSearch=16");
}

TEST_F(AnnCli, BadIndexesAreExitStatus2WithTheKnownNames) {
  const Output unknown = run(base_args() + " --index hnsw,annoy");
  EXPECT_EQ(unknown.status, 2) << unknown.output();
  EXPECT_NE(unknown.output().find("unknown index 'annoy'"), std::string::npos) << unknown.output();
  EXPECT_NE(unknown.output().find("ivf_pq (IVF_PQ)"), std::string::npos) << unknown.output();

  const Output pq = run(base_args() + " --index 'ivf_pq?m=5&nlist=2'");
  EXPECT_EQ(pq.status, 2) << pq.output();
  EXPECT_NE(pq.output().find("do not divide the dimension 16"), std::string::npos) << pq.output();

  const Output nlist = run(base_args() + " --index 'ivf_flat?nlist=1000'");
  EXPECT_EQ(nlist.status, 2) << nlist.output();
  EXPECT_NE(nlist.output().find("larger than the 300 documents"), std::string::npos)
      << nlist.output();
}

TEST_F(AnnCli, UndertrainedCodebooksGiveOneNoteNotAWarningPerCodebook) {
  // 300 vectors for 4 codebooks of 256 centroids: FAISS's k-means would print 4 warnings.
  const Output out = run(base_args() + " --index 'ivf_pq?nlist=2' --no-truncation --no-precision");
  ASSERT_EQ(out.status, 0) << out.output();
  EXPECT_EQ(out.output().find("WARNING clustering"), std::string::npos) << out.output();
  const std::string note = "4 codebooks of 256 centroids trained on 300 vectors";
  const auto first = out.output().find(note);
  ASSERT_NE(first, std::string::npos) << out.output();
  EXPECT_EQ(out.output().find(note, first + 1), std::string::npos) << out.output();  // said once
}

TEST_F(AnnCli, TheDefaultIndexesRunOnACorpusUnder256Documents) {
  const auto small = embeval::testing::write_word_dataset(dir_ / "small", 60, 10, 12);
  const Output out = run("ann --dataset " + small.beir.string() +
                         " --model 'static:" + small.vectors.string() + "?pooling=mean' --out " +
                         (dir_ / "out").string() + " --latency-queries 5 --no-truncation");
  ASSERT_EQ(out.status, 0) << out.output();
  EXPECT_NE(out.output().find("nbits lowered to 5"), std::string::npos)
      << out.output();  // 32 <= 60
  EXPECT_EQ(out.output().find("WARNING"), std::string::npos) << out.output();
}

}  // namespace
