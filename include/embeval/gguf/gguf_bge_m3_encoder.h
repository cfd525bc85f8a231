// BGE-M3 as one encoder family with three outputs (`bge-m3:MODEL.gguf?output=...`): the GGUF's
// per-token states (gguf_token_states.h) through the model's sparse_linear.pt and
// colbert_linear.pt heads (encoders/bge_m3_heads.h), as FlagEmbedding computes them. Every text
// runs through the model once and all three outputs are derived from that pass; with a cache
// folder (use_cache(), which `eval` calls with its cache folder) they are kept on disk
// (encoders/bge_m3_output_cache.h), so the other outputs of the same model, and a repeated or
// interrupted run, read them back instead of running the model. `output` picks what encode()
// returns and so which index serves it: dense (CLS, unit length: exact search), sparse (token
// weights: the inverted index), colbert (normalised token vectors: MaxSim, index/max_sim_index.h;
// with rerank_top=N the dense top N re-scored by MaxSim) or combined (all three: FlagEmbedding's
// weighted score, exact over every document). Queries and documents are encoded alike (BGE-M3 uses
// no instruction). The heads are looked for beside the GGUF unless heads=DIR names their folder.
// Not thread-safe: one caller at a time.
#pragma once

#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/encoders/bge_m3_heads.h"
#include "embeval/encoders/bge_m3_output_cache.h"
#include "embeval/gguf/gguf_token_states.h"

namespace embeval {

class GgufBgeM3Encoder : public Encoder {
 public:
  // Throws InputError for a bad spec, a model llama.cpp cannot load, or missing or malformed
  // heads (named by file), or heads whose hidden size differs from the model's.
  GgufBgeM3Encoder(const ModelSpec& spec, int threads);

  // Keeps every output under `dir` from now on (and reads what an earlier run kept there). The
  // key names the GGUF and both heads by content (size and CRC-32: each file is read once here)
  // and max_tokens. Without it each encoder runs the model on every text it is given.
  void use_cache(const std::filesystem::path& dir);

  std::string spec() const override { return spec_.to_string(); }
  ModelCard card() const override;
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override;
  ~GgufBgeM3Encoder() override;

  // Every text's three outputs, from the cache when it holds them; the texts it lacks run
  // through the model once (and are written to the cache). What encode() is built on.
  [[nodiscard]] std::vector<BgeM3Output> outputs(std::span<const std::string_view> texts);
  const BgeM3CacheStats* cache_stats() const { return cache_ ? &cache_->stats() : nullptr; }

 private:
  ModelSpec spec_;
  std::string output_;
  std::unique_ptr<GgufTokenStates> states_;
  std::unique_ptr<BgeM3Heads> heads_;
  std::unique_ptr<BgeM3OutputCache> cache_;
};

// `bge-m3:...?output=all` stands for four models sharing one pass: output=dense, sparse, colbert
// and combined (in that order). Any other spec is returned as it is.
[[nodiscard]] std::vector<std::string> expand_bge_m3_spec(const ModelSpec& spec);

// For the registry: scheme "bge-m3".
[[nodiscard]] const ParamSchema& bge_m3_param_schema();
// The canonical spec without loading the model (the heads' folder and the GGUF must exist).
[[nodiscard]] std::string check_bge_m3_spec(const ModelSpec& spec);

}  // namespace embeval
