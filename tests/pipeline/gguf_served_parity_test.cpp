// Local against served: `embeval parity` between the tiny BERT run in-process (gguf:) and the same
// file behind a real llama-server on 127.0.0.1, reached through the openai: encoder. The vectors
// must agree to cosine >= 0.9999 for every text (the bound of tests/models/
// gguf_llama_server_test.cpp), which is what parity reports as its minimum.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "embeval/dataset/dataset.h"
#include "embeval/pipeline/parity.h"
#include "gguf/tiny_model_fixture.h"
#include "support/llama_server.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing_gguf::tiny_model;
using testing_gguf::work_dir;

const fs::path kServerBinary = std::getenv("EMBEVAL_LLAMA_SERVER") != nullptr
                                   ? fs::path(std::getenv("EMBEVAL_LLAMA_SERVER"))
                                   : fs::path(EMBEVAL_LLAMA_PREFIX) / "bin" / "llama-server";

Dataset small_dataset() {
  Dataset d;
  d.name = "served";
  const char* docs[] = {
      "copy files and directories",      "move (rename) files",
      "remove files or directories",     "list directory contents",
      "print lines that match patterns", "sort lines of text files",
      "compress or expand files",        "report a snapshot of the current processes"};
  for (std::size_t i = 0; i < std::size(docs); ++i) {
    std::string id = "d";
    id += std::to_string(i);
    d.corpus.push_back({id, "", docs[i]});
  }
  d.queries = {{"q0", "copy a directory"}, {"q1", "delete a file"}, {"q2", "running processes"}};
  d.qrels.judgments["q0"] = {{"d0", 1}};
  d.qrels.judgments["q1"] = {{"d2", 1}};
  d.qrels.judgments["q2"] = {{"d7", 1}};
  return d;
}

TEST(GgufServedParity, LocalAndServedVectorsAgree) {
  if (!fs::exists(kServerBinary)) GTEST_SKIP() << kServerBinary << " missing";
  const fs::path model = tiny_model("tiny-bert-mean.gguf");
  const testing::LlamaServer server(kServerBinary, model,
                                    {"--embeddings", "--pooling", "mean", "-c", "64", "-b", "64",
                                     "-ub", "64", "-np", "1", "-t", "1"});
  const fs::path data = work_dir() / "served-parity-data";
  write_beir(data, small_dataset());
  ParityConfig c;
  c.model_a = "gguf:" + model.string();
  c.model_b = "openai:tiny?base_url=" + server.base_url() + "/v1";
  c.dataset_dir = data;
  c.threads = 1;
  const ParityResult r = run_parity(c);
  ASSERT_TRUE(r.document_cosine && r.query_cosine);
  EXPECT_GE(r.document_cosine->min, 0.9999);
  EXPECT_GE(r.query_cosine->min, 0.9999);
  EXPECT_EQ(r.dim_a, r.dim_b);
  EXPECT_EQ(r.ndcg.n_queries, 3u);
}

}  // namespace
}  // namespace embeval
