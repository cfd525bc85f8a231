// End-to-end: `embeval encode`, above all with corpus-fitted models (static pooling=sif|tfidf),
// whose vectors depend on the corpus they are fitted on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "ann/word_dataset.h"
#include "embeval/io/npy.h"
#include "support/cli_runner.h"
#include "support/temp_dir.h"

namespace {

namespace fs = std::filesystem;

using embeval::testing::run_embeval;

class EncodeCli : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = embeval::testing::write_word_dataset(dir_);
    // One query alone, and the same query among others that share none of its words' weights.
    std::ofstream(dir_ / "alone.jsonl") << "{\"_id\": \"q\", \"text\": \"w1 w2 w3\"}\n";
    std::ofstream(dir_ / "among.jsonl") << "{\"_id\": \"a\", \"text\": \"w5 w5 w5 w9\"}\n"
                                        << "{\"_id\": \"q\", \"text\": \"w1 w2 w3\"}\n"
                                        << "{\"_id\": \"b\", \"text\": \"w1 w1 w7 w8 w9\"}\n";
  }

  std::string model(const std::string& pooling) const {
    return "'static:" + data_.vectors.string() + "?pooling=" + pooling + "'";
  }
  std::string encode(const std::string& pooling, const std::string& input, const std::string& out,
                     const std::string& extra) const {
    return "encode --model " + model(pooling) + " --input " + (dir_ / input).string() + " --out " +
           (dir_ / out).string() + " " + extra;
  }

  embeval::testing::TempDir dir_{"embeval-encode-cli"};
  embeval::testing::WordDataset data_;
};

TEST_F(EncodeCli, AQueryEncodesTheSameAloneAndAmongOthersWhenFittedOnTheCorpus) {
  for (const char* pooling : {"sif", "tfidf"}) {
    SCOPED_TRACE(pooling);
    const std::string fit = "--role query --fit-on " + data_.beir.string();
    const auto alone = run_embeval(encode(pooling, "alone.jsonl", "alone.npy", fit));
    ASSERT_EQ(alone.status, 0) << alone.output();
    EXPECT_NE(alone.output().find("fitted on the 300 documents of"), std::string::npos)
        << alone.output();
    const auto among = run_embeval(encode(pooling, "among.jsonl", "among.npy", fit));
    ASSERT_EQ(among.status, 0) << among.output();
    const embeval::DenseMatrix a = embeval::read_npy_matrix(dir_ / "alone.npy");
    const embeval::DenseMatrix b = embeval::read_npy_matrix(dir_ / "among.npy");
    ASSERT_EQ(a.rows, 1u);
    ASSERT_EQ(b.rows, 3u);
    ASSERT_EQ(a.cols, b.cols);
    // Same fit, same text, same arithmetic: bit-identical, not merely close.
    for (std::size_t c = 0; c < a.cols; ++c) EXPECT_EQ(a.row(0)[c], b.row(1)[c]) << c;
  }
}

TEST_F(EncodeCli, FittingOnTheInputWouldMakeTheQueryDependOnItsNeighbours) {
  // The trap --fit-on closes: fitted on each file itself, the one query gets two vectors.
  const auto alone = run_embeval(encode("sif", "alone.jsonl", "alone.npy", "--role document"));
  ASSERT_EQ(alone.status, 0) << alone.output();
  EXPECT_NE(alone.output().find("fitted on the input itself (1 documents"), std::string::npos)
      << alone.output();
  const auto among = run_embeval(encode("sif", "among.jsonl", "among.npy", "--role document"));
  ASSERT_EQ(among.status, 0) << among.output();
  const embeval::DenseMatrix a = embeval::read_npy_matrix(dir_ / "alone.npy");
  const embeval::DenseMatrix b = embeval::read_npy_matrix(dir_ / "among.npy");
  double dot = 0;
  for (std::size_t c = 0; c < a.cols; ++c) dot += double(a.row(0)[c]) * b.row(1)[c];
  EXPECT_LT(dot, 0.999);  // unit vectors: cosine
}

TEST_F(EncodeCli, FittedQueriesWithoutACorpusAreRefusedBeforeAnyWork) {
  const auto out = run_embeval(encode("sif", "alone.jsonl", "q.npy", "--role query"));
  EXPECT_EQ(out.status, 2) << out.output();
  EXPECT_NE(out.output().find("add --fit-on CORPUS.jsonl"), std::string::npos) << out.output();
  EXPECT_FALSE(fs::exists(dir_ / "q.npy"));
  // A sparse model is refused for what encode cannot write at all, not for the missing corpus.
  const auto bm25 =
      run_embeval("encode --model bm25 --role query --input " + (dir_ / "alone.jsonl").string() +
                  " --out " + (dir_ / "q.npy").string());
  EXPECT_EQ(bm25.status, 2) << bm25.output();
  EXPECT_NE(bm25.output().find("produces no dense vectors"), std::string::npos) << bm25.output();
  // Mean pooling fits nothing: queries encode without a corpus.
  const auto mean = run_embeval(encode("mean", "alone.jsonl", "q.npy", "--role query"));
  EXPECT_EQ(mean.status, 0) << mean.output();
}

TEST_F(EncodeCli, TheRoleMustBeNamed) {
  const auto out = run_embeval(encode("mean", "alone.jsonl", "q.npy", ""));
  EXPECT_NE(out.status, 0) << out.output();
  EXPECT_NE(out.output().find("--role"), std::string::npos) << out.output();
  EXPECT_FALSE(fs::exists(dir_ / "q.npy"));
  const auto bad = run_embeval(encode("mean", "alone.jsonl", "q.npy", "--role passage"));
  EXPECT_NE(bad.status, 0) << bad.output();
}

}  // namespace
