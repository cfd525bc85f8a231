// BGE-M3 as one encoder family with three outputs (`bge-m3:MODEL.gguf?output=...`): the GGUF's
// per-token states (gguf_token_states.h) through the model's sparse_linear.pt and
// colbert_linear.pt heads (encoders/bge_m3_heads.h), as FlagEmbedding computes them. `output`
// picks what encode() returns and so which index serves it: dense (CLS, unit length: exact
// search), sparse (token weights: the inverted index) or colbert (normalised token vectors for
// queries and documents alike: MaxSim, index/max_sim_index.h). Queries and documents are encoded
// alike (BGE-M3 uses no instruction). The heads are looked for beside the GGUF unless heads=DIR
// names their folder. Not thread-safe: one caller at a time.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/encoders/bge_m3_heads.h"
#include "embeval/gguf/gguf_token_states.h"

namespace embeval {

class GgufBgeM3Encoder : public Encoder {
 public:
  // Throws InputError for a bad spec, a model llama.cpp cannot load, or missing or malformed
  // heads (named by file), or heads whose hidden size differs from the model's.
  GgufBgeM3Encoder(const ModelSpec& spec, int threads);

  std::string spec() const override { return spec_.to_string(); }
  ModelCard card() const override;
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override;

 private:
  ModelSpec spec_;
  std::string output_;
  std::unique_ptr<GgufTokenStates> states_;
  std::unique_ptr<BgeM3Heads> heads_;
};

// For the registry: scheme "bge-m3".
[[nodiscard]] const ParamSchema& bge_m3_param_schema();
// The canonical spec without loading the model (the heads' folder and the GGUF must exist).
[[nodiscard]] std::string check_bge_m3_spec(const ModelSpec& spec);

}  // namespace embeval
