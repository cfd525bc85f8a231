// A GGUF file opened through llama.cpp: the weights (or only the tokenizer, for vocabulary-only
// files such as llama.cpp's models/ggml-vocab-*.gguf), its metadata and its tokenizer.
// Only the gguf layer sees llama.cpp types; this header forward-declares them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/model_description.h"

struct llama_model;
struct llama_vocab;

namespace embeval {

// What the GGUF header says, read without loading any weights.
struct GgufFileInfo {
  std::string architecture;      // general.architecture, e.g. "bert", "qwen3"
  std::string name;              // general.name ("" when absent)
  std::string tokenizer_model;   // tokenizer.ggml.model, e.g. "bert", "gpt2", "llama"
  std::string quantization;      // dominant tensor type by bytes, e.g. "F16", "Q8_0"; "" if none
  std::size_t tensor_count = 0;  // 0: a vocabulary-only file
  std::uintmax_t file_bytes = 0;
  std::optional<std::size_t> context_length;     // <arch>.context_length
  std::optional<std::size_t> embedding_length;   // <arch>.embedding_length
  std::optional<int> pooling_type;               // <arch>.pooling_type (llama_pooling_type)
  std::optional<bool> causal_attention;          // <arch>.attention.causal
  std::optional<std::int32_t> unknown_token_id;  // tokenizer.ggml.unknown_token_id
};

// Reads the header of `path`. Throws InputError (naming the file) when it is missing or not a
// valid GGUF file. Cheap: tensor data is never read.
[[nodiscard]] GgufFileInfo read_gguf_info(const std::filesystem::path& path);

// The header facts `inspect` shows (core/model_description.h).
[[nodiscard]] ModelFileFacts gguf_file_facts(const GgufFileInfo& info);

// Tokenizer families as embeval names them (ModelCard::tokenizer).
std::string tokenizer_family_name(int llama_vocab_type);

class GgufModel {
 public:
  // Loads `path` with llama.cpp. vocab_only: the tokenizer only (works for every GGUF file).
  // Throws InputError for a missing, corrupt or unsupported file, and for a vocabulary-only
  // file when weights are requested. Thread-safe to use from several threads once loaded
  // (tokenize is const and llama.cpp's vocabulary is read-only).
  GgufModel(const std::filesystem::path& path, bool vocab_only);
  ~GgufModel();
  GgufModel(const GgufModel&) = delete;
  GgufModel& operator=(const GgufModel&) = delete;

  const std::filesystem::path& path() const { return path_; }
  const GgufFileInfo& info() const { return info_; }
  bool vocab_only() const { return vocab_only_; }

  // Token ids of `text`. add_special: the model's BOS/CLS and EOS/SEP as its metadata asks.
  // Special-token text inside `text` is NOT parsed as control tokens (user text is data).
  [[nodiscard]] std::vector<std::int32_t> tokenize(std::string_view text, bool add_special) const;
  // The tokens add_special puts before and after any text (e.g. [CLS] / [SEP]).
  const std::vector<std::int32_t>& leading_special() const { return leading_; }
  const std::vector<std::int32_t>& trailing_special() const { return trailing_; }

  std::size_t vocabulary_size() const;
  std::string tokenizer_family() const;  // "wordpiece" | "bpe" | "spm" | "unigram" | ...
  bool is_unknown_token(std::int32_t id) const;
  bool is_byte_token(std::int32_t id) const;  // SPM byte-fallback pieces <0xNN>
  std::int32_t unknown_token() const;         // -1 when the vocabulary has none

  // Weights-only facts (0 for vocabulary-only files).
  std::size_t embedding_dimension() const;
  std::size_t context_window() const;  // training context length
  std::uint64_t parameter_count() const;
  // The card as far as the file alone tells it.
  ModelCard card() const;

  llama_model* raw() const { return model_; }

 private:
  std::filesystem::path path_;
  GgufFileInfo info_;
  bool vocab_only_;
  llama_model* model_ = nullptr;
  const llama_vocab* vocab_ = nullptr;
  std::vector<std::int32_t> leading_;
  std::vector<std::int32_t> trailing_;
};

// Initialises llama.cpp once per process and routes its log to stderr only for warnings and
// errors (EMBEVAL_LLAMA_VERBOSE=1 shows everything). Called by GgufModel; idempotent.
void ensure_llama_backend();

}  // namespace embeval
