// A real llama-server (built by scripts/setup_llama.sh from the same pinned llama.cpp source)
// serving the tiny test BERT on 127.0.0.1: its /v1/embeddings vectors are the local gguf
// encoder's (cosine >= 0.9999 per text). Both run the same ggml kernels on the same weights; they
// may batch differently, which moves a component by at most testing_gguf::batch_tolerance()
// (1.24e-4 on unit vectors), so 1 - cos <= |a - b|^2 / 2 <= 32 * (1.24e-4)^2 / 2 < 1e-6: the
// issue's 0.9999 bound holds with a wide margin, and a wrong pooling, prefix or normalisation
// (cosines ~0.9 or below on these random weights) fails it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "embeval/models/registry.h"
#include "gguf/tiny_model_fixture.h"
#include "support/llama_server.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing_gguf::tiny_model;

// $EMBEVAL_LLAMA_SERVER names another build (e.g. one made in a scratch prefix).
const fs::path kServerBinary = std::getenv("EMBEVAL_LLAMA_SERVER") != nullptr
                                   ? fs::path(std::getenv("EMBEVAL_LLAMA_SERVER"))
                                   : fs::path(EMBEVAL_LLAMA_PREFIX) / "bin" / "llama-server";

const std::vector<std::string> kTexts{"copy files and directories",
                                      "list directory contents",
                                      "remove files or directories",
                                      "print lines that match patterns",
                                      "a",
                                      "Größe 42 ☃"};

// llama-server's flags for an embedding model: the pooling the model was made with, one slot,
// a batch that holds a whole context (embeddings are computed in one batch), one thread.
std::vector<std::string> server_args(const std::string& pooling) {
  return {"--embeddings", "--pooling", pooling, "-c", "64", "-b", "64",
          "-ub",          "64",        "-np",   "1",  "-t", "1"};
}

double cosine(const float* a, const std::vector<double>& b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < b.size(); ++i) {
    ab += a[i] * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += b[i] * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

// The served rows through embeval's own client, the `openai:` encoder (remote layer), posting to
// llama-server's OpenAI-compatible /v1/embeddings as `eval --model openai:...` would; batch=4
// splits the 6 texts into two requests.
void expect_served_matches_local(const std::string& model_file, const std::string& pooling) {
  if (!fs::exists(kServerBinary)) {
    GTEST_SKIP() << kServerBinary << " missing: build it with scripts/setup_llama.sh "
                 << "(EMBEVAL_LLAMA_SERVER=ON, the default)";
  }
  const fs::path model = tiny_model(model_file);
  const testing::LlamaServer server(kServerBinary, model, server_args(pooling));
  std::unique_ptr<Encoder> served =
      make_encoder("openai:tiny?base_url=" + server.base_url() + "/v1&batch=4", EncoderOptions{1});
  std::unique_ptr<Encoder> local = make_encoder("gguf:" + model.string(), EncoderOptions{1});
  const std::vector<std::string_view> views(kTexts.begin(), kTexts.end());
  for (const Role role : {Role::kDocument, Role::kQuery}) {
    const EmbeddingBatch a = local->encode(views, role);
    const EmbeddingBatch b = served->encode(views, role);
    ASSERT_TRUE(a.dense && b.dense);
    ASSERT_EQ(b.dense->rows, kTexts.size());
    ASSERT_EQ(b.dense->cols, a.dense->cols);
    for (std::size_t i = 0; i < kTexts.size(); ++i) {
      const float* row = b.dense->data.data() + i * b.dense->cols;
      const std::vector<double> served_row(row, row + b.dense->cols);
      EXPECT_GE(cosine(a.dense->data.data() + i * a.dense->cols, served_row), 0.9999)
          << "'" << kTexts[i] << "' served by llama-server, " << pooling;
      double norm = 0;  // llama-server L2-normalises, as the local encoder does
      for (const double v : served_row) norm += v * v;
      EXPECT_NEAR(norm, 1.0, 1e-5) << kTexts[i];
    }
  }
}

TEST(GgufLlamaServer, MeanPooledVectorsMatchTheLocalEncoder) {
  expect_served_matches_local("tiny-bert-mean.gguf", "mean");
}

TEST(GgufLlamaServer, ClsPooledVectorsMatchTheLocalEncoder) {
  expect_served_matches_local("tiny-bert-cls.gguf", "cls");
}

TEST(GgufLlamaServer, StoppedServerLeavesNoProcessBehind) {
  if (!fs::exists(kServerBinary)) GTEST_SKIP() << kServerBinary << " missing";
  int port = 0;
  {
    const testing::LlamaServer server(kServerBinary, tiny_model("tiny-bert-mean.gguf"),
                                      server_args("mean"));
    port = server.port();
    EXPECT_EQ(server.request("GET", "/health", "", nullptr), 200);
  }
  // The destructor reaped it: nothing listens on its port any more.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_NE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
}

}  // namespace
}  // namespace embeval
