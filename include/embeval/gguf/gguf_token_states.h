// Per-token hidden states of an encoder GGUF (llama.cpp with pooling none): what models that
// build several outputs from one forward pass read, e.g. BGE-M3's dense, sparse and ColBERT
// heads (encoders/bge_m3_heads.h). Each text is tokenized with the model's special tokens and
// cut to `max_tokens` keeping its trailing special tokens (as Hugging Face's truncation does),
// then run as its own sequence, so a text's states never depend on the other texts.
// Not thread-safe: one caller at a time (llama.cpp parallelises each pass internally).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "embeval/core/embeddings.h"

struct llama_context;

namespace embeval {

class GgufModel;

struct TokenStates {
  std::vector<std::int32_t> ids;  // the tokens, special tokens included
  DenseMatrix hidden;             // ids.size() x hidden size, the last layer's output per token
};

class GgufTokenStates {
 public:
  // Loads `path` (weights). max_tokens 0: the model's training context. threads 0: the physical
  // cores. A decoder runs with its own (causal) attention. Throws InputError for a file
  // llama.cpp cannot load, an encoder-decoder model, or max_tokens beyond the training context.
  GgufTokenStates(const std::filesystem::path& path, std::size_t max_tokens, int threads);
  ~GgufTokenStates();
  GgufTokenStates(const GgufTokenStates&) = delete;
  GgufTokenStates& operator=(const GgufTokenStates&) = delete;

  [[nodiscard]] std::vector<TokenStates> run(std::span<const std::string_view> texts);

  const GgufModel& model() const { return *model_; }
  std::size_t hidden_size() const { return hidden_; }
  std::size_t max_tokens() const { return max_tokens_; }
  // The ids a head should ignore: the added specials (CLS/BOS, SEP/EOS), padding and unknown.
  [[nodiscard]] std::unordered_set<std::int32_t> special_ids() const;

 private:
  std::unique_ptr<GgufModel> model_;
  llama_context* ctx_ = nullptr;
  std::size_t hidden_ = 0;
  std::size_t max_tokens_ = 0;
  bool use_encode_ = false;  // encoder-only graphs (T5-style) run llama_encode
};

}  // namespace embeval
