// The one interface behind every text generator: a chat model that answers a conversation, used
// to write queries for a corpus (`dataset queries --generator`, docs/query-generation.md) and to
// judge relevance (`embeval judge`). Chat messages in, text out; implementations are a local GGUF
// model through llama.cpp (`gguf:CHAT.gguf`, gguf/gguf_chat_generator.h) and hosted
// OpenAI-compatible chat endpoints (`openai-chat:MODEL?base_url=...`). The registry from spec
// strings to implementations is models/generator_registry.h.
//
// Provenance: a generator's spec() is its canonical spec string (it rebuilds the same generator),
// and sampling_label() writes the GenerationOptions in one canonical spelling; together they say
// how any generated text was made. A local generator is deterministic for a given spec, messages
// and options (seed included); a hosted one is as deterministic as its server.
//
// Thread-safety: a Generator is used by one caller at a time (a llama.cpp context holds state).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace embeval {

// One turn of a conversation. `role` is "system", "user" or "assistant" (what chat templates and
// OpenAI-compatible servers accept); `content` is UTF-8 text.
struct ChatMessage {
  std::string role;
  std::string content;

  bool operator==(const ChatMessage&) const = default;
};

// How to sample. Defaults follow BEIR's GenQ (top_k 25, top_p 0.95, plain temperature 1).
// temperature == 0 means greedy decoding (top_k, top_p and seed are then irrelevant).
struct GenerationOptions {
  std::size_t max_tokens = 256;  // generated tokens at most (the prompt not counted); > 0
  double temperature = 1.0;      // >= 0; 0 = greedy
  double top_p = 0.95;           // nucleus sampling, in (0, 1]
  int top_k = 25;                // sample among the k most likely tokens; 0 = all
  std::uint32_t seed = 42;       // the sampler's seed: same seed, same text (local models)
  // Generation ends before the first of these strings; the string itself is not returned.
  std::vector<std::string> stop;
};

// "Why generation ended", in the OpenAI vocabulary: "stop" (end-of-generation token or a stop
// string), "length" (max_tokens reached or the context is full).
struct GeneratedText {
  std::string text;  // the answer, stop string excluded
  std::string finish_reason;
  std::size_t prompt_tokens = 0;      // the templated prompt's tokens
  std::size_t completion_tokens = 0;  // tokens generated (a stop string's tokens included)
};

class Generator {
 public:
  virtual ~Generator() = default;

  // The canonical spec string that rebuilds this generator through make_generator().
  [[nodiscard]] virtual std::string spec() const = 0;

  // Answers `messages` (at least one; the last is normally the user's). Throws InputError for
  // options out of range (check_generation_options) and for a prompt longer than the model's
  // context. Not thread-safe: one caller at a time.
  [[nodiscard]] virtual GeneratedText generate(const std::vector<ChatMessage>& messages,
                                               const GenerationOptions& options) = 0;
};

// InputError naming the option when `options` is out of range (max_tokens 0, temperature < 0,
// top_p outside (0, 1], top_k < 0, an empty stop string).
void check_generation_options(const GenerationOptions& options);

// `options` in one canonical spelling for provenance, keys sorted:
// "max_tokens=256&seed=42&temperature=1&top_k=25&top_p=0.95" (stop strings are not listed).
[[nodiscard]] std::string sampling_label(const GenerationOptions& options);

}  // namespace embeval
