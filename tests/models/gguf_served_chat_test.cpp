// Real llama-server on 127.0.0.1 (built by scripts/setup_llama.sh from the pinned llama.cpp
// source) behind embeval's own clients:
//  * the tiny random chat model (tests/gguf/tiny_chat_model.py) through `openai-chat:`: the
//    server applies the model's ChatML template as the local `gguf:` generator does, so both count
//    the same prompt tokens; greedy answers repeat; max_tokens ends the answer with "length";
//  * the tiny BERT served with a micro-batch of 16 tokens through `openai:`: a longer text gets
//    llama-server's own 500 "input (N tokens) is too large to process", which must surface as one
//    clear InputError with the -b/-ub hint (not five retries).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/models/generator_registry.h"
#include "embeval/models/registry.h"
#include "gguf/tiny_model_fixture.h"
#include "support/llama_server.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing_gguf::tiny_model;

const fs::path kServerBinary = std::getenv("EMBEVAL_LLAMA_SERVER") != nullptr
                                   ? fs::path(std::getenv("EMBEVAL_LLAMA_SERVER"))
                                   : fs::path(EMBEVAL_LLAMA_PREFIX) / "bin" / "llama-server";

TEST(GgufServedChat, OpenAiChatThroughLlamaServerCountsThePromptAsTheLocalGenerator) {
  if (!fs::exists(kServerBinary)) GTEST_SKIP() << kServerBinary << " missing";
  const fs::path model = tiny_model("tiny-qwen3-chat.gguf");
  const testing::LlamaServer server(kServerBinary, model, {"-c", "256", "-np", "1", "-t", "1"});
  std::unique_ptr<Generator> served =
      make_generator("openai-chat:tiny?base_url=" + server.base_url() + "/v1&send_top_k=true");
  std::unique_ptr<Generator> local = make_generator("gguf:" + model.string() + "?threads=1");
  const std::vector<ChatMessage> chat = {{"system", "You grade relevance."},
                                         {"user", "Query: copy files\nDocument: cp copies."}};
  GenerationOptions greedy;
  greedy.temperature = 0;
  greedy.max_tokens = 4;
  greedy.stop = {};
  const GeneratedText a = served->generate(chat, greedy);
  const GeneratedText b = served->generate(chat, greedy);
  const GeneratedText mine = local->generate(chat, greedy);
  EXPECT_EQ(a.prompt_tokens, mine.prompt_tokens);
  EXPECT_GT(a.prompt_tokens, 10u);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.completion_tokens, 4u);
  EXPECT_EQ(a.finish_reason, "length");
}

TEST(GgufServedChat, AnInputBeyondTheServersMicroBatchIsOneClearError) {
  if (!fs::exists(kServerBinary)) GTEST_SKIP() << kServerBinary << " missing";
  const testing::LlamaServer server(kServerBinary, tiny_model("tiny-bert-mean.gguf"),
                                    {"--embeddings", "--pooling", "mean", "-c", "512", "-b", "512",
                                     "-ub", "16", "-np", "1", "-t", "1"});
  std::unique_ptr<Encoder> served =
      make_encoder("openai:tiny?base_url=" + server.base_url() + "/v1", EncoderOptions{1});
  const std::string long_text =
      "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
      "sixteen seventeen eighteen";
  const std::vector<std::string_view> texts = {long_text};
  try {
    (void)served->encode(texts, Role::kDocument);
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("answered 500 Internal Server Error: input ("), std::string::npos) << what;
    EXPECT_NE(what.find("is too large to process"), std::string::npos) << what;
    EXPECT_EQ(what.find("attempts"), std::string::npos) << what;  // sent once
    EXPECT_NE(e.hint().find("-b and -ub"), std::string::npos) << e.hint();
  }
}

}  // namespace
}  // namespace embeval
