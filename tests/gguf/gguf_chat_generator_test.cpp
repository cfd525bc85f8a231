// The llama.cpp chat generator on the tiny random chat model (tests/gguf/tiny_chat_model.py):
// its text is noise, but the prompt (ChatML written out by hand here), the token stream against
// an independent numpy forward pass, seeds, stop strings and limits are real.
#include "embeval/gguf/gguf_chat_generator.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

using testing_gguf::tiny_model;
using testing_gguf::work_dir;

const std::vector<ChatMessage> kChat = {
    {"system", "You write search questions."},
    {"user", "Passage: the kernel schedules threads.\nWrite 3 questions."}};

// ChatML as Qwen's template writes it
// (https://github.com/openai/openai-python/blob/release-v0.28.0/chatml.md): every turn
// "<|im_start|>ROLE\nCONTENT<|im_end|>\n", then the assistant's opening.
const std::string kExpectedPrompt =
    "<|im_start|>system\nYou write search questions.<|im_end|>\n"
    "<|im_start|>user\nPassage: the kernel schedules threads.\nWrite 3 questions.<|im_end|>\n"
    "<|im_start|>assistant\n";

ModelSpec chat_spec(const std::string& file, const std::string& query = "") {
  return ModelSpec::parse("gguf:" + tiny_model(file).string() + query);
}

GgufChatGenerator& generator() {
  static GgufChatGenerator g(chat_spec("tiny-qwen3-chat.gguf", "?threads=1"));
  return g;
}

TEST(GgufChatGenerator, AppliesTheModelsOwnTemplate) {
  EXPECT_EQ(generator().apply_template(kChat), kExpectedPrompt);
  // <|im_start|> (151644) and <|im_end|> (151645) are the Qwen2 vocabulary's control tokens:
  // parsed as one token each, three turns opened and two closed.
  const auto tokens = generator().prompt_tokens(kChat);
  ASSERT_FALSE(tokens.empty());
  EXPECT_EQ(tokens.front(), 151644);
  EXPECT_EQ(std::count(tokens.begin(), tokens.end(), 151644), 3);
  EXPECT_EQ(std::count(tokens.begin(), tokens.end(), 151645), 2);
}

TEST(GgufChatGenerator, SpecIsCanonical) {
  // ctx resolved: min(4096, the 256-token training context).
  EXPECT_EQ(ModelSpec::parse(generator().spec()).params.at("ctx"), "256");
  EXPECT_EQ(generator().context_tokens(), 256u);
  EXPECT_EQ(check_gguf_chat_spec(chat_spec("tiny-qwen3-chat.gguf", "?threads=1")),
            generator().spec());
}

TEST(GgufChatGenerator, NoTemplateIsAnInputErrorUnlessOneIsNamed) {
  EXPECT_THROW(GgufChatGenerator(chat_spec("tiny-qwen3-chat-no-template.gguf")), InputError);
  GgufChatGenerator named(chat_spec("tiny-qwen3-chat-no-template.gguf", "?template=chatml"));
  EXPECT_EQ(named.apply_template(kChat), kExpectedPrompt);
  EXPECT_THROW(
      GgufChatGenerator(chat_spec("tiny-qwen3-chat-no-template.gguf", "?template=no-such")),
      InputError);
  EXPECT_THROW(GgufChatGenerator(chat_spec("tiny-qwen3-chat.gguf", "?temperature=1")),
               InputError);  // a sampling option is not a model parameter
}

TEST(GgufChatGenerator, SameSeedSameTextOtherSeedOtherText) {
  GenerationOptions o;
  o.max_tokens = 16;
  o.seed = 7;
  const GeneratedText a = generator().generate(kChat, o);
  const GeneratedText b = generator().generate(kChat, o);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.completion_tokens, b.completion_tokens);
  EXPECT_EQ(a.prompt_tokens, generator().prompt_tokens(kChat).size());
  o.seed = 8;
  const GeneratedText c = generator().generate(kChat, o);
  EXPECT_NE(a.text, c.text);
  // Noise rarely hits <|im_end|> or <|endoftext|> among 151936 tokens: the limit ends it.
  if (a.finish_reason == "length") {
    EXPECT_EQ(a.completion_tokens, 16u);
  }
}

// Reads the numpy reference: per prompt, STEPS pairs "token margin".
std::vector<std::pair<int, double>> greedy_reference(const std::vector<std::int32_t>& prompt,
                                                     int steps) {
  const auto in = work_dir() / "chat_prompt.txt";
  const auto out = work_dir() / "chat_greedy.txt";
  {
    std::ofstream f(in);
    for (std::size_t i = 0; i < prompt.size(); ++i) f << (i ? " " : "") << prompt[i];
    f << "\n";
  }
  const std::string command = std::string("PYTHONPATH='") +
                              (testing_gguf::kLlamaSource / "gguf-py").string() + "' " +
                              EMBEVAL_PYTHON + " '" + EMBEVAL_GGUF_CHAT_SCRIPT + "' greedy '" +
                              tiny_model("tiny-qwen3-chat.gguf").string() + "' '" + in.string() +
                              "' '" + out.string() + "' " + std::to_string(steps);
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream f(out);
  std::vector<std::pair<int, double>> ref;
  int id = 0;
  double margin = 0;
  while (f >> id >> margin) ref.emplace_back(id, margin);
  return ref;
}

TEST(GgufChatGenerator, GreedyDecodingMatchesANumpyForwardPass) {
  constexpr int kSteps = 4;
  const auto ref = greedy_reference(generator().prompt_tokens(kChat), kSteps);
  ASSERT_EQ(ref.size(), static_cast<std::size_t>(kSteps));
  // float32 logits of a 2-layer dim-32 model are within ~1e-4 of float64 (tiny_model_fixture.h's
  // bound for the hidden states, times |output row| ~ 0.5 * sqrt(32)); a margin above 1e-2 leaves
  // the argmax unambiguous.
  std::string expected;
  for (const auto& [id, margin] : ref) {
    ASSERT_GT(margin, 1e-2) << "the reference's top two logits are too close to compare";
    expected += generator().token_text(id);
  }
  GenerationOptions greedy;
  greedy.temperature = 0;
  greedy.max_tokens = kSteps;
  const GeneratedText got = generator().generate(kChat, greedy);
  EXPECT_EQ(got.completion_tokens, static_cast<std::size_t>(kSteps));
  EXPECT_EQ(got.text, expected);
}

TEST(GgufChatGenerator, StopsBeforeAStopString) {
  GenerationOptions o;
  o.temperature = 0;
  o.max_tokens = 12;
  const GeneratedText full = generator().generate(kChat, o);
  ASSERT_GE(full.text.size(), 6u);
  // A stop string from the middle of the answer: the answer ends just before its first copy.
  o.stop = {full.text.substr(full.text.size() / 2, 3)};
  const GeneratedText cut = generator().generate(kChat, o);
  EXPECT_EQ(cut.finish_reason, "stop");
  EXPECT_EQ(cut.text, full.text.substr(0, full.text.find(o.stop[0])));
}

TEST(GgufChatGenerator, BadOptionsAndLongPromptsAreInputErrors) {
  GenerationOptions o;
  o.top_p = 0;
  EXPECT_THROW((void)generator().generate(kChat, o), InputError);
  std::string long_text;
  for (int i = 0; i < 400; ++i) long_text += "word ";
  EXPECT_THROW((void)generator().generate({{"user", long_text}}, GenerationOptions{}), InputError);
}

}  // namespace
}  // namespace embeval
