// The interface behind every reranker: a model that reads a query and one candidate document
// together (a cross-encoder such as bge-reranker, or a served /rerank endpoint) and gives the
// pair one relevance score. `eval --rerank SPEC` re-scores the top of each first-stage run with
// it (docs/reranking.md).
//
// Scores: one float per document, in the order the documents were given; larger is more
// relevant. They are the model's raw output (a logit for BERT/XLM-R cross-encoders), comparable
// between the documents of one query; nothing promises a range.
//
// Every reranker spec takes `top` (rerank_top_rule()): how many documents of each first-stage
// list are re-scored. The reranker itself never sees it; the pipeline reads it from the spec.
//
// Thread-safety: one caller at a time (implementations parallelise internally, as encoders do).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"

namespace embeval {

class Reranker {
 public:
  virtual ~Reranker() = default;

  // The canonical spec that rebuilds this reranker (top included), as check_reranker_spec()
  // (models/reranker_registry.h) returns it before the model is loaded.
  virtual std::string spec() const = 0;

  // Scores every (query, documents[i]) pair: result.size() == documents.size(). Throws
  // InputError when the model or server cannot score them (the message says why).
  [[nodiscard]] virtual std::vector<float> score(std::string_view query,
                                                 std::span<const std::string_view> documents) = 0;
};

// Work counters a reranker keeps since it was built, for the speed columns and results.json.
struct RerankStats {
  std::size_t pairs = 0;            // (query, document) pairs scored
  std::size_t truncated_pairs = 0;  // pairs cut to fit the model's context window
  std::size_t requests = 0;         // HTTP requests (served rerankers; retries included)
  std::size_t retries = 0;
  std::size_t tokens = 0;          // tokens the model read (the server's count, or estimated)
  std::string tokens_source;       // "model" | "server" | "estimate" | "server+estimate"
  std::optional<double> cost_usd;  // tokens x the spec's price_per_mtok, when it gives one
};

// Optional capability: rerankers that count their work.
class CountedReranker {
 public:
  virtual ~CountedReranker() = default;
  [[nodiscard]] virtual RerankStats stats() const = 0;
};

// The documents of each first-stage list that are re-scored (default 100).
inline constexpr std::size_t kDefaultRerankTop = 100;
[[nodiscard]] ParamRule rerank_top_rule();

// `top` of a spec checked by its family (the default when absent).
[[nodiscard]] std::size_t rerank_top(const ModelSpec& spec);

}  // namespace embeval
