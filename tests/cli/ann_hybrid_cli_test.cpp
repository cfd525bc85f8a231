// `embeval ann` with a hybrid spec: one dense component fused per index configuration (a
// "hybrid" table and ann.json key), and clear refusals (exit status 2, nothing written) for the
// hybrids ann cannot measure: tuned ones, and those with zero or two dense components.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "ann/word_dataset.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace {

struct Refusal {
  std::string model;   // the hybrid spec (inside single quotes on the command line)
  std::string phrase;  // what the message must say
};

TEST(AnnHybridCli, HybridsAnnCannotMeasureAreExitStatus2WithWhatToDoInstead) {
  const embeval::testing::TempDir dir("embeval-ann-hybrid");
  const embeval::testing::WordDataset data = embeval::testing::write_word_dataset(dir);
  const std::string dense = "static:" + data.vectors.string() + "?pooling=sif";
  const Refusal refusals[] = {
      {"hybrid:wsum(bm25," + dense + ")?cv=3", "give fixed weights="},
      {"hybrid:rrf(bm25," + dense + ")?tune=dev", "tunes its weights and k (tune=)"},
      {"hybrid:rrf(bm25,bm25?k1=1.2)", "has 0 dense components"},
      {"hybrid:rrf(" + dense + ",static:" + data.vectors.string() + "?pooling=mean)",
       "has 2 dense components"},
  };
  for (const Refusal& r : refusals) {
    const auto out =
        embeval::testing::run_embeval("ann --dataset " + data.beir.string() + " --model '" +
                                      r.model + "' --out " + (dir / "out").string());
    EXPECT_EQ(out.status, 2) << r.model << "\n" << out.output();
    EXPECT_NE(out.output().find(r.phrase), std::string::npos) << out.output();
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "ann.json"));
  }
}

TEST(AnnHybridCli, AHybridWithOneDenseComponentGetsItsOwnTableAndJsonKey) {
  const embeval::testing::TempDir dir("embeval-ann-hybrid");
  const embeval::testing::WordDataset data = embeval::testing::write_word_dataset(dir);
  const std::string model =
      "'hybrid:rrf(bm25,static:" + data.vectors.string() + "?pooling=sif)?k=60'";
  const auto out = embeval::testing::run_embeval(
      "ann --dataset " + data.beir.string() + " --model " + model +
      " --index 'ivf_flat?nlist=16&nprobe=1' --no-truncation --no-precision --latency-queries 2 "
      "--out " +
      (dir / "out").string());
  ASSERT_EQ(out.status, 0) << out.output();
  EXPECT_NE(out.output().find("\nhybrid hybrid:rrf(bm25"), std::string::npos) << out.output();
  std::ifstream in(dir / "out" / "ann.json");
  const nlohmann::json j = nlohmann::json::parse(in);
  const auto& h = j.at("hybrid");
  EXPECT_EQ(h.at("dense_component"), 1);
  ASSERT_EQ(h.at("points").size(), j.at("points").size());
  EXPECT_EQ(h.at("points")[0].at("label"), "exact");
  EXPECT_EQ(h.at("points")[0].at("recall_at_10"), 1.0);
  EXPECT_EQ(h.at("points")[0].at("ndcg_at_10"), h.at("exact_ndcg_at_10"));
  EXPECT_EQ(h.at("points")[1].at("search_value"), 1);
  // One list of 16 probed: the fused top 10 loses documents.
  EXPECT_LT(h.at("points")[1].at("recall_at_10").get<double>(), 1.0);
}

}  // namespace
