// Rerank scores from a served /rerank endpoint: llama-server (--reranking; /rerank and
// /v1/rerank), text-embeddings-inference (TEI), Jina, Cohere, vLLM. Spec (docs/reranking.md):
//   openai-rerank:MODEL?base_url=URL&api=cohere|tei&api_key_env=NAME&top_n=N
//                      &max_document_bytes=N&max_retries=N&timeout_s=X&price_per_mtok=X
//                      &allow_http=false&top=100
//
// One POST {base_url}/rerank per query. api=cohere (Cohere, Jina, llama-server, vLLM) sends
// {"model","query","documents":[...],"top_n"?}; api=tei sends {"query","texts":[...],
// "truncate":true} (TEI's own fields; llama-server reads "texts" too and does not truncate:
// max_document_bytes cuts documents before they are sent, counted as truncated pairs). Either
// answer shape is read: {"results":[{"index", "relevance_score"}]} or a bare [{"index","score"}];
// "usage" ({"prompt_tokens"} or
// {"total_tokens"}) is summed when present, and 4-bytes-per-token estimates stand in otherwise.
// Every index must be in range and appear once; a document the server leaves out (top_n) scores
// -infinity, so it ranks after every scored one.
//
// Failures, key and plain-http rules are openai:'s (remote/openai_encoder.h): retries per
// retry_policy.h on 429, 5xx, timeouts, dropped connections and malformed answers; other 4xx
// end in an InputError with the server's message; the key is read from $api_key_env (default
// RERANK_API_KEY, so no other service's key goes out by accident), sent only as the bearer
// header, never written anywhere.
//
// Thread-safety: one caller at a time. Building it contacts no server.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/core/reranker.h"
#include "embeval/remote/http_client.h"
#include "embeval/remote/retry_policy.h"

namespace embeval {

class ApiKey;  // remote/openai_protocol.h

struct OpenAiRerankerOptions {
  std::string model;  // sent as "model" (api=cohere)
  std::string base_url;
  std::string api = "cohere";  // cohere | tei
  std::string api_key_env = "RERANK_API_KEY";
  std::optional<std::size_t> top_n;  // asked of the server; absent: every document scored
  std::optional<std::size_t> max_document_bytes;  // documents cut to this before sending
  std::size_t max_retries = 5;
  double timeout_s = 60;
  std::optional<double> price_per_mtok;
  bool allow_http = false;

  // Checked against openai_reranker_param_schema(); InputError naming the key otherwise.
  static OpenAiRerankerOptions from_spec(const ModelSpec& spec);
};

const ParamSchema& openai_reranker_param_schema();
[[nodiscard]] std::string check_openai_reranker_spec(const ModelSpec& spec);

class OpenAiReranker : public Reranker, public CountedReranker {
 public:
  explicit OpenAiReranker(const ModelSpec& spec, RetryClock retry_clock = RetryClock::real());
  ~OpenAiReranker() override;

  std::string spec() const override { return spec_; }
  std::vector<float> score(std::string_view query,
                           std::span<const std::string_view> documents) override;
  RerankStats stats() const override;  // cost_usd: tokens x price_per_mtok, when priced

  const OpenAiRerankerOptions& options() const { return options_; }

 private:
  OpenAiRerankerOptions options_;
  std::string spec_;
  std::string url_;
  std::unique_ptr<ApiKey> api_key_;  // never printed
  RetryClock retry_clock_;
  RetryPolicy retry_policy_;
  HttpClient client_;
  RerankStats stats_;
  std::size_t reported_tokens_ = 0;
  std::size_t estimated_tokens_ = 0;
};

}  // namespace embeval
