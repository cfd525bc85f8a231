// A local chat model through llama.cpp: a GGUF causal LM answers a conversation
// (core/generator.h). Spec: `gguf:CHAT.gguf?ctx=4096&template=NAME&threads=N`.
//   - The prompt is the model's own chat template (GGUF `tokenizer.chat_template`) applied by
//     llama_chat_apply_template, which recognises the template families llama.cpp knows (ChatML,
//     Llama 2/3, Gemma, Mistral, Phi, ...; no Jinja engine). `template=` gives one of llama.cpp's
//     built-in names (`chatml`, `llama3`, `gemma`, ...) for a model without one. A model with
//     neither, or a template llama.cpp does not recognise, is an InputError naming the fix.
//   - Sampling is llama.cpp's sampler chain top_k -> top_p -> temperature -> dist(seed); greedy
//     when temperature is 0. Generation stops at an end-of-generation token, a stop string, or
//     max_tokens. The KV cache is float32 and cleared before each call, so the answer depends only
//     on (model, ctx, messages, options): the same seed gives the same text.
// Not thread-safe (one llama.cpp context); generate() from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "embeval/core/generator.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/gguf/gguf_model.h"

struct llama_context;

namespace embeval {

class GgufChatGenerator final : public Generator {
 public:
  // Loads the model named by `spec` (InputError for a missing or unusable file, an unknown key,
  // or a model without a chat template when none is given).
  explicit GgufChatGenerator(const ModelSpec& spec);
  ~GgufChatGenerator() override;
  GgufChatGenerator(const GgufChatGenerator&) = delete;
  GgufChatGenerator& operator=(const GgufChatGenerator&) = delete;

  [[nodiscard]] std::string spec() const override { return spec_.to_string(); }
  [[nodiscard]] GeneratedText generate(const std::vector<ChatMessage>& messages,
                                       const GenerationOptions& options) override;

  // The prompt text generate() feeds the model: the chat template applied to `messages`, ending
  // with the assistant's turn opening.
  [[nodiscard]] std::string apply_template(const std::vector<ChatMessage>& messages) const;
  // Its tokens (special-token text such as `<|im_start|>` parsed as control tokens; BOS as the
  // vocabulary asks).
  [[nodiscard]] std::vector<std::int32_t> prompt_tokens(
      const std::vector<ChatMessage>& messages) const;

  // The text generate() appends for `token` (special tokens render as nothing).
  [[nodiscard]] std::string token_text(std::int32_t token) const;

  // The context size in tokens (prompt + answer).
  [[nodiscard]] std::size_t context_tokens() const { return context_tokens_; }

 private:
  ModelSpec spec_;
  std::unique_ptr<GgufModel> model_;
  std::string template_;  // what llama_chat_apply_template gets: a built-in name or the template
  std::size_t context_tokens_ = 0;
  llama_context* ctx_ = nullptr;
};

// The `gguf` generator family's parameters and the registry's make / check functions.
[[nodiscard]] const ParamSchema& gguf_chat_param_schema();
[[nodiscard]] std::unique_ptr<Generator> make_gguf_chat_generator(const ModelSpec& spec);
[[nodiscard]] std::string check_gguf_chat_spec(const ModelSpec& spec);

}  // namespace embeval
