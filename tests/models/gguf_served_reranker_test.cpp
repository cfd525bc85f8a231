// A real llama-server (--reranking) serving the tiny random cross-encoder on 127.0.0.1: the
// scores `openai-rerank:` reads from its /rerank and /v1/rerank (Cohere/Jina shape, and TEI's
// with api=tei) match the local `gguf:` reranker's. Both join a pair the same way and run the
// same ggml kernels; they batch differently (the server runs one pair per slot, the local
// reranker packs pairs into one batch), so each is within the numpy reference's float32 bound of
// the exact score (tests/gguf/tiny_reranker.py), and the two within twice that.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "embeval/gguf/gguf_reranker.h"
#include "embeval/models/reranker_registry.h"
#include "gguf/tiny_model_fixture.h"
#include "gguf/tiny_reranker_reference.h"
#include "support/llama_server.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using namespace testing_gguf;

const fs::path kServerBinary = std::getenv("EMBEVAL_LLAMA_SERVER") != nullptr
                                   ? fs::path(std::getenv("EMBEVAL_LLAMA_SERVER"))
                                   : fs::path(EMBEVAL_LLAMA_PREFIX) / "bin" / "llama-server";

const std::string kQuery = "copy files and directories";
const std::vector<std::string> kDocuments = {
    "cp copies SOURCE to DEST, or multiple SOURCE(s) to DIRECTORY.",
    "list directory contents",
    "remove files or directories",
    "a",
    "Größe 42 ☃",
};

TEST(GgufServedReranker, LlamaServerScoresMatchTheLocalReranker) {
  if (!fs::exists(kServerBinary)) {
    GTEST_SKIP() << kServerBinary << " missing: build it with scripts/setup_llama.sh";
  }
  const fs::path model = tiny_model("tiny-bert-reranker.gguf");
  const testing::LlamaServer server(kServerBinary, model,
                                    {"--reranking", "-c", "64", "-b", "64", "-ub", "64", "-np", "1",
                                     "-t", "1", "-fa", "off", "-ctk", "f32", "-ctv", "f32"});
  const std::vector<std::string_view> docs(kDocuments.begin(), kDocuments.end());

  GgufReranker local(ModelSpec::parse("gguf:" + model.string()), 1);
  const std::vector<float> want = local.score(kQuery, docs);
  std::vector<std::vector<std::int32_t>> pairs;
  for (const auto& d : docs) pairs.push_back(local.pair_tokens(kQuery, d));
  const auto reference = reference_scores(model, pairs, score_epsilon());
  ASSERT_EQ(reference.size(), docs.size());

  std::vector<std::vector<float>> served_runs;
  for (const std::string& params : {std::string("?base_url=") + server.base_url() + "/v1",
                                    std::string("?base_url=") + server.base_url(),
                                    std::string("?api=tei&base_url=") + server.base_url()}) {
    std::unique_ptr<Reranker> served =
        make_reranker(ModelSpec::parse("openai-rerank:tiny" + params));
    const std::vector<float> got = served->score(kQuery, docs);
    ASSERT_EQ(got.size(), docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) {
      EXPECT_NEAR(got[i], want[i], 2 * reference[i].bound) << params << " document " << i;
      EXPECT_NEAR(got[i], reference[i].score, reference[i].bound) << params << " document " << i;
    }
    const auto* counted = dynamic_cast<const CountedReranker*>(served.get());
    ASSERT_NE(counted, nullptr);
    EXPECT_EQ(counted->stats().pairs, docs.size());
    served_runs.push_back(got);
  }
  // One server, one slot, the same pairs: the three spellings compute the same bits.
  EXPECT_EQ(served_runs[0], served_runs[1]);
  EXPECT_EQ(served_runs[0], served_runs[2]);
}

}  // namespace
}  // namespace embeval
