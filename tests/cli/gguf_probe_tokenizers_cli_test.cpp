// End-to-end: `embeval probe tokenizers` on a tiny two-language tree with one real llama.cpp
// vocabulary (BERT WordPiece: "Hello world" is 7592 2088 in llama.cpp's reference file
// models/ggml-vocab-bert-bge.gguf.out).
#include <gtest/gtest.h>

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

class ProbeTokenizersCli : public ::testing::Test {
 protected:
  embeval::testing::TempDir dir_{"embeval-probe-tokenizers"};
};

TEST_F(ProbeTokenizersCli, ProbeTokenizersPrintsARowPerVocabularyAndLanguage) {
  dir_.write("man/man1/a.1", ".TH A 1\n.SH NAME\na \\- x\n.SH Hello\nworld\n");
  dir_.write("man/de/man1/a.1", ".TH A 1\n.SH NAME\na \\- x\n.SH Hallo\nWelt\n");
  fs::create_directories(dir_ / "vocab");
  fs::create_symlink(fs::path(EMBEVAL_LLAMA_SOURCE_DIR) / "models" / "ggml-vocab-bert-bge.gguf",
                     dir_ / "vocab" / "ggml-vocab-bert-bge.gguf");
  const auto r = run_embeval("probe tokenizers --lang en,de --sections 1 --man-dir " +
                             shell_quote((dir_ / "man").string()) + " --vocab-dir " +
                             shell_quote((dir_ / "vocab").string()) + " --json " +
                             shell_quote((dir_ / "t.json").string()));
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.out.find("1 man pages in every language"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(dir_ / "t.json"));
  ASSERT_EQ(j["rows"].size(), 2u);
  EXPECT_EQ(j["rows"][0]["lang"], "en");
  EXPECT_EQ(j["rows"][0]["tokens"], 2);  // hello world
  EXPECT_EQ(j["rows"][1]["lang"], "de");
}

}  // namespace
