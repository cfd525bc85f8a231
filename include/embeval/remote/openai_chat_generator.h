// A Generator (core/generator.h) answering through an OpenAI-compatible /chat/completions
// endpoint: the OpenAI API itself, or a server of one's own (llama-server, vLLM, ...).
// Spec (docs/remote-models.md, "Chat models"; every key optional):
//   openai-chat:MODEL?base_url=URL&api_key_env=NAME&max_retries=N&timeout_s=X
//                    &price_per_mtok_in=X&price_per_mtok_out=X&send_top_k=false&allow_http=false
//
// Each generate() POSTs {base_url}/chat/completions with {"model", "messages":[{"role",
// "content"}...], "temperature", "top_p", "seed", "max_tokens", "stop" (when given), "top_k" (only
// with send_top_k=true: llama-server and vLLM take it, OpenAI refuses it), "stream": false} and
// returns choices[0].message.content with its finish_reason and the usage counts. Retries and
// failures as the openai: encoder (retry_policy.h): 429, 5xx, timeouts, dropped connections and
// malformed answers are retried; 401 and other 4xx are not; a server saying the prompt is too
// large (llama-server's 500 "too large to process") is not retried and names the fix.
//
// The API key: read from the variable named by api_key_env when the generator is built, kept in
// memory only, sent only as the bearer header to base_url (none when the variable is unset or
// empty), never in spec(), messages or anything written. Plain http only to loopback unless
// allow_http=true.
//
// Thread-safety: one caller at a time (core/generator.h); usage() from any thread. Building the
// generator contacts no server.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "embeval/core/generator.h"
#include "embeval/core/metered_generator.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/remote/http_client.h"
#include "embeval/remote/retry_policy.h"

namespace embeval {

class ApiKey;
struct RemoteCall;

struct OpenAiChatOptions {
  std::string model;  // the spec's path: the model name the server knows
  std::string base_url = "https://api.openai.com/v1";
  std::string api_key_env = "OPENAI_API_KEY";
  std::size_t max_retries = 5;
  double timeout_s = 120;  // per request: generation is slower than embedding
  std::optional<double> price_per_mtok_in;
  std::optional<double> price_per_mtok_out;
  bool send_top_k = false;
  bool allow_http = false;

  // Checked against openai_chat_param_schema(); InputError naming the key otherwise.
  static OpenAiChatOptions from_spec(const ModelSpec& spec);
};

// The parameter schema (param_schema.h): --help, docs tables, checks.
const ParamSchema& openai_chat_param_schema();
// The canonical spec for `spec` (every fixed default written out); contacts no server.
[[nodiscard]] std::string check_openai_chat_spec(const ModelSpec& spec);

class OpenAiChatGenerator : public Generator, public MeteredGenerator {
 public:
  // Reads the key from the environment now. Throws InputError for bad options or a URL that
  // check_remote_url refuses. `retry_clock` replaces the real sleep (tests).
  explicit OpenAiChatGenerator(const ModelSpec& spec, RetryClock retry_clock = RetryClock::real());
  ~OpenAiChatGenerator() override;

  [[nodiscard]] std::string spec() const override { return spec_; }
  // InputError for bad options, no messages, a 4xx other than 429, a prompt too large for the
  // server; std::runtime_error when the retries are used up.
  [[nodiscard]] GeneratedText generate(const std::vector<ChatMessage>& messages,
                                       const GenerationOptions& options) override;
  [[nodiscard]] GeneratorUsage usage() const override;

  // The JSON body generate() posts (what is sent, for docs and tests).
  [[nodiscard]] std::string request_body(const std::vector<ChatMessage>& messages,
                                         const GenerationOptions& options) const;
  const OpenAiChatOptions& options() const { return options_; }

 private:
  OpenAiChatOptions options_;
  std::string spec_;
  std::string url_;
  std::unique_ptr<ApiKey> api_key_;   // never printed: see above
  std::unique_ptr<RemoteCall> call_;  // names the model and endpoint in messages
  RetryClock retry_clock_;
  RetryPolicy retry_policy_;
  HttpClient client_;
  mutable std::mutex mutex_;  // guards usage_
  GeneratorUsage usage_;
};

[[nodiscard]] std::unique_ptr<Generator> make_openai_chat_generator(const ModelSpec& spec);

}  // namespace embeval
