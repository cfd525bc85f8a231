// `embeval ann` with a hybrid spec: a clear error (exit status 2, nothing written), since ann
// measures one model's vectors in one index and a hybrid fuses several models' runs.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "ann/word_dataset.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace {

TEST(AnnHybridCli, AHybridSpecIsExitStatus2WithWhatToDoInstead) {
  const embeval::testing::TempDir dir("embeval-ann-hybrid");
  const embeval::testing::WordDataset data = embeval::testing::write_word_dataset(dir);
  const std::string model = "'hybrid:rrf(bm25,static:" + data.vectors.string() + "?pooling=sif)'";
  const auto out =
      embeval::testing::run_embeval("ann --dataset " + data.beir.string() + " --model " + model +
                                    " --out " + (dir / "out").string());
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("ann measures one model's vectors in one index"), std::string::npos)
      << out.output();
  EXPECT_NE(out.output().find("evaluate the hybrid with embeval eval"), std::string::npos)
      << out.output();
  EXPECT_FALSE(std::filesystem::exists(dir / "out" / "ann.json"));
}

}  // namespace
