// One registry from reranker spec schemes to implementations, as models/registry.h is for
// encoders: `gguf:PATH` (a cross-encoder run by llama.cpp, gguf/gguf_reranker.h) and
// `openai-rerank:MODEL` (a served /rerank endpoint, remote/openai_reranker.h). It feeds
// `eval --help` and docs/reranking.md. Canonical specs follow param_schema.h's policy; every
// family takes `top` (core/reranker.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/core/reranker.h"

namespace embeval {

struct RerankerKind {
  std::string scheme;                   // "gguf", "openai-rerank"
  std::string summary;                  // one line for --help
  const ParamSchema* schema = nullptr;  // static storage
  bool path_is_file = true;             // the path names a model file (fingerprinted in results)
};

// Every reranker family built into this binary ("gguf" only when llama.cpp was), stable order.
const std::vector<RerankerKind>& reranker_kinds();

// The kind for spec.scheme; InputError listing the known reranker families otherwise.
[[nodiscard]] const RerankerKind& reranker_kind(const ModelSpec& spec);

// Checks `spec` loading no model and contacting no server; returns the canonical spec, equal to
// the built reranker's spec(). Throws InputError.
[[nodiscard]] std::string check_reranker_spec(const ModelSpec& spec);

// Builds the reranker (loads the model; a served one contacts nothing until score()).
[[nodiscard]] std::unique_ptr<Reranker> make_reranker(const ModelSpec& spec,
                                                      const EncoderOptions& options = {});

}  // namespace embeval
