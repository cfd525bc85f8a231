// End to end: `embeval encode` and `embeval inspect` with GGUF models.
#include <gtest/gtest.h>

#include <fstream>
#include <ostream>
#include <sstream>
#include <string>

#include "embeval/core/error.h"
#include "embeval/gguf/gguf_encoder.h"
#include "embeval/io/npy.h"
#include "embeval/models/registry.h"
#include "gguf/tiny_model_fixture.h"
#include "support/cli_runner.h"

namespace embeval {
namespace {

using testing_gguf::tiny_model;
using testing_gguf::work_dir;

using testing::run_embeval;

const std::string kVocab =
    (testing_gguf::kLlamaSource / "models" / "ggml-vocab-bert-bge.gguf").string();

TEST(GgufCli, EncodeWritesNpyAndIds) {
  const auto input = work_dir() / "texts.jsonl";
  std::ofstream(input) << "{\"_id\": \"a\", \"title\": \"T\", \"text\": \"hello world\"}\n"
                       << "{\"text\": \"no id here\"}\n";
  const auto out = work_dir() / "emb.npy";
  const testing::CliResult r =
      run_embeval("encode --model gguf:" + tiny_model("tiny-bert-cls.gguf").string() + " --input " +
                  input.string() + " --role query --threads 1 --out " + out.string());
  ASSERT_EQ(r.status, 0) << r.output();
  const DenseMatrix m = read_npy_matrix(out.string());
  EXPECT_EQ(m.rows, 2u);
  EXPECT_EQ(m.cols, 32u);
  std::ifstream ids(work_dir() / "emb.ids.txt");
  std::stringstream s;
  s << ids.rdbuf();
  EXPECT_EQ(s.str(), "a\n2\n");  // a record without _id is named by its line
  // Same vector as the library gives for "T hello world" as a query.
  GgufEncoder enc(ModelSpec::parse("gguf:" + tiny_model("tiny-bert-cls.gguf").string()));
  const std::vector<std::string_view> t = {"T hello world"};
  const auto direct = enc.encode(t, Role::kQuery);
  for (std::size_t d = 0; d < 32; ++d) {
    EXPECT_NEAR(m.row(0)[d], direct.dense->row(0)[d], testing_gguf::batch_tolerance());
  }
}

TEST(GgufCli, EncodeRejectsVocabularyOnlyAndBadInput) {
  const auto input = work_dir() / "ok.jsonl";
  std::ofstream(input) << "{\"_id\": \"a\", \"text\": \"x\"}\n";
  testing::CliResult r =
      run_embeval("encode --model gguf:" + kVocab + " --input " + input.string() +
                  " --role document --out " + (work_dir() / "v.npy").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("vocabulary only"), std::string::npos) << r.output();
  const auto bad = work_dir() / "bad.jsonl";
  std::ofstream(bad) << "{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"b\"}\n";
  r = run_embeval("encode --model gguf:" + tiny_model("tiny-bert-cls.gguf").string() + " --input " +
                  bad.string() + " --role document --out " + (work_dir() / "b.npy").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.output().find("bad.jsonl"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("2"), std::string::npos);
}

TEST(GgufCli, InspectVocabularyOnlyOnDataset) {
  const auto ds = work_dir() / "ds";
  std::filesystem::create_directories(ds / "qrels");
  std::ofstream(ds / "corpus.jsonl") << "{\"_id\": \"d1\", \"text\": \"hello world\"}\n";
  std::ofstream(ds / "queries.jsonl") << "{\"_id\": \"q1\", \"text\": \"hello\"}\n";
  std::ofstream(ds / "qrels" / "test.tsv") << "query-id\tcorpus-id\tscore\nq1\td1\t1\n";
  const testing::CliResult r =
      run_embeval("inspect --model gguf:" + kVocab + " --dataset " + ds.string());
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.output().find("wordpiece, vocabulary 30522"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("vocabulary only"), std::string::npos);
  EXPECT_NE(r.output().find("documents: 1 texts, 2 words, 2 tokens"), std::string::npos)
      << r.output();
  EXPECT_NE(r.output().find("p50 4"), std::string::npos);  // [CLS] hello world [SEP]
}

TEST(GgufCli, InspectModelWithWeights) {
  const testing::CliResult r =
      run_embeval("inspect --model gguf:" + tiny_model("tiny-bert-mean.gguf").string());
  ASSERT_EQ(r.status, 0) << r.output();
  EXPECT_NE(r.output().find("architecture    bert"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("pooling         mean"), std::string::npos) << r.output();
  EXPECT_NE(r.output().find("dimension       32"), std::string::npos) << r.output();
}

TEST(GgufCli, CorruptModelIsExitTwo) {
  const auto p = work_dir() / "corrupt.gguf";
  std::ofstream(p) << "GGUF but not really";
  const testing::CliResult r = run_embeval("inspect --model gguf:" + p.string());
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find("not a valid GGUF"), std::string::npos) << r.output();
}

// Metadata that ggml's parser accepts but llama.cpp asserts on (or computes NaN with): an
// InputError naming the file and the key, from the spec check that `eval` runs before it reads
// any corpus, and from loading the model.
struct HostileFile {
  std::string file;
  std::string key;
};

void PrintTo(const HostileFile& f, std::ostream* os) { *os << f.file; }

class HostileMetadata : public ::testing::TestWithParam<HostileFile> {};

TEST_P(HostileMetadata, IsAnInputErrorNamingFileAndKey) {
  const auto path = tiny_model(GetParam().file);
  const ModelSpec spec = ModelSpec::parse("gguf:" + path.string());
  try {
    (void)check_model_spec(spec);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path.string());
    EXPECT_NE(std::string(e.what()).find(GetParam().key), std::string::npos) << e.what();
  }
  EXPECT_THROW(GgufEncoder{spec}, InputError);
  // The CLI exits 2 before it reads the dataset (an empty folder here: no corpus to read).
  const auto empty = work_dir() / "empty-dataset";
  std::filesystem::create_directories(empty);
  const testing::CliResult r =
      run_embeval("eval --dataset " + empty.string() + " --model gguf:" + path.string() +
                  " --out " + (work_dir() / "hostile-out").string());
  EXPECT_EQ(r.status, 2) << r.output();
  EXPECT_NE(r.output().find(GetParam().key), std::string::npos) << r.output();
}

INSTANTIATE_TEST_SUITE_P(
    Gguf, HostileMetadata,
    ::testing::Values(HostileFile{"bad-block-count-0.gguf", "bert.block_count"},
                      HostileFile{"bad-block-count-huge.gguf", "bert.block_count"},
                      HostileFile{"bad-eps-negative.gguf", "bert.attention.layer_norm_epsilon"},
                      HostileFile{"bad-eps-nan.gguf", "bert.attention.layer_norm_epsilon"},
                      HostileFile{"bad-pooling-99.gguf", "bert.pooling_type"},
                      HostileFile{"bad-duplicate-token.gguf", "tokenizer.ggml.tokens"}),
    [](const auto& info) {
      std::string name;
      for (char c : info.param.file.substr(4, info.param.file.size() - 9)) {
        if (c != '-') name += c;
      }
      return name;
    });

}  // namespace
}  // namespace embeval
