// Dense embeddings from an OpenAI-compatible /embeddings endpoint: the OpenAI API itself, or a
// server of one's own (llama-server --embeddings, text-embeddings-inference, Infinity, vLLM).
// Spec (docs/remote-models.md; every key optional):
//   openai:MODEL?base_url=URL&api_key_env=NAME&dimensions=N&batch=N&batch_tokens=N
//               &concurrency=N&max_retries=N&timeout_s=X&price_per_mtok=X&context_window=N
//               &query_prefix=..&document_prefix=..&normalize=false&allow_http=false
//
// Each request POSTs {base_url}/embeddings with {"model","input":[...],"encoding_format":"float"}
// (and "dimensions" when given): at most `batch` texts and about `batch_tokens` estimated tokens
// (estimate_tokens, core/metered_encoder.h), `concurrency` requests at a time, each retried per
// retry_policy.h. Rows are put in order by their "index" field; every answer must hold one row per
// input, all of one dimension (equal to `dimensions` when given, and to every earlier answer's).
//
// The API key is read from the environment variable named by api_key_env when the encoder is
// built, kept in memory only, and sent only as the bearer header to base_url; when the variable is
// unset or empty no Authorization header is sent (local servers need none). It never appears in
// spec(), vector_identity(), messages or anything written. Plain http is refused for a host that
// is not loopback unless allow_http=true.
//
// Thread-safety: like every Encoder, one caller at a time; the requests of one call run on their
// own threads. Building the encoder contacts no server.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/block_encoder.h"
#include "embeval/core/encoder.h"
#include "embeval/core/metered_encoder.h"
#include "embeval/core/model_description.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/remote/http_client.h"
#include "embeval/remote/retry_policy.h"

namespace embeval {

class ApiKey;
struct RemoteCall;

struct OpenAiOptions {
  std::string model;  // the spec's path: the model name the server knows
  std::string base_url = "https://api.openai.com/v1";
  std::string api_key_env = "OPENAI_API_KEY";
  std::optional<std::size_t> dimensions;  // asked of the server (Matryoshka models)
  std::size_t batch = 64;                 // texts per request
  std::size_t batch_tokens = 65536;       // estimated tokens per request
  std::size_t concurrency = 4;            // requests in flight
  std::size_t max_retries = 5;
  double timeout_s = 60;                 // per request
  std::optional<double> price_per_mtok;  // USD per million input tokens
  std::optional<std::size_t> context_window;
  std::string query_prefix;
  std::string document_prefix;
  bool normalize = false;  // L2-normalise the vectors as they arrive
  bool allow_http = false;

  // Checked against openai_param_schema(); InputError naming the key otherwise.
  static OpenAiOptions from_spec(const ModelSpec& spec);
};

// The parameter schema (param_schema.h): --help, docs tables, checks.
const ParamSchema& openai_param_schema();
// The canonical spec for `spec` (every fixed default written out); contacts no server.
[[nodiscard]] std::string check_openai_spec(const ModelSpec& spec);

class OpenAiEncoder : public Encoder,
                      public ConcurrentBlockEncoder,
                      public DescribedModel,
                      public MeteredEncoder {
 public:
  // Reads the key from the environment now. Throws InputError for bad options or a URL that
  // check_remote_url refuses. `retry_clock` replaces the real sleep (tests).
  explicit OpenAiEncoder(const ModelSpec& spec, RetryClock retry_clock = RetryClock::real());
  ~OpenAiEncoder() override;

  std::string spec() const override { return spec_; }
  // dimension: `dimensions` when given, else what the server answered (0 before any answer).
  ModelCard card() const override;
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override;

  // ConcurrentBlockEncoder: one request per block (more when batch_tokens is exceeded).
  std::size_t preferred_block_texts() const override { return options_.batch; }
  void encode_blocks(std::span<const std::span<const std::string_view>> blocks, Role role,
                     const std::function<void(std::size_t, EmbeddingBatch&&)>& done) override;
  std::string vector_identity() const override { return vector_identity_; }

  // DescribedModel, for `inspect`.
  [[nodiscard]] ModelFileFacts file_facts() const override;
  [[nodiscard]] std::vector<ModelSetting> settings() const override;
  [[nodiscard]] std::size_t max_tokens() const override {
    return options_.context_window.value_or(0);
  }

  // MeteredEncoder: requests and tokens since construction.
  [[nodiscard]] ApiUsage usage() const override;

  const OpenAiOptions& options() const { return options_; }

 private:
  struct Shared;
  std::string request_body(std::span<const std::string_view> texts, Role role) const;
  // Sends one request (with retries) and returns its rows in input order; throws on failure.
  DenseMatrix fetch(HttpClient& client, std::span<const std::string_view> texts, Role role);

  OpenAiOptions options_;
  std::string spec_;
  std::string vector_identity_;
  std::string url_;
  std::unique_ptr<ApiKey> api_key_;   // never printed: see above
  std::unique_ptr<RemoteCall> call_;  // names the model and endpoint in messages
  RetryClock retry_clock_;
  RetryPolicy retry_policy_;
  std::vector<std::unique_ptr<HttpClient>> clients_;  // one per concurrent request, reused
  mutable std::mutex mutex_;                          // guards what the request threads update:
  std::size_t measured_dimension_ = 0;
  ApiUsage usage_;
};

[[nodiscard]] std::unique_ptr<Encoder> make_openai_encoder(const ModelSpec& spec,
                                                           const EncoderOptions& options);

}  // namespace embeval
