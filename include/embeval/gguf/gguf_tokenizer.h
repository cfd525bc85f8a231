// A GGUF model's tokenizer behind the core Tokenizer interface (and its file's facts behind
// DescribedModel), so the probes and `inspect` measure it without knowing llama.cpp. Either owns a
// vocabulary-only load of a file (cheap: no weights are read; llama.cpp's models/ggml-vocab-*.gguf
// work) or borrows a loaded GgufModel, which must then outlive it. Thread-safe as GgufModel is
// (tokenize is const).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/model_description.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/tokenizer.h"
#include "embeval/gguf/gguf_model.h"

namespace embeval {

class GgufTokenizer : public Tokenizer, public DescribedModel {
 public:
  // Loads the vocabulary of `path` (InputError as GgufModel for a missing or corrupt file).
  explicit GgufTokenizer(const std::filesystem::path& path);
  // Borrows `model` (vocabulary-only or with weights).
  explicit GgufTokenizer(const GgufModel& model);

  [[nodiscard]] const GgufModel& model() const { return *model_; }

  [[nodiscard]] std::vector<std::int32_t> tokenize(std::string_view text) const override;
  [[nodiscard]] std::size_t special_tokens_per_text() const override;
  [[nodiscard]] bool is_unknown_token(std::int32_t id) const override;
  [[nodiscard]] bool is_byte_token(std::int32_t id) const override;
  [[nodiscard]] std::size_t vocabulary_size() const override;
  [[nodiscard]] std::string family() const override;
  [[nodiscard]] std::size_t context_window() const override;

  // DescribedModel: the file's header and card; no settings and no token budget (not an encoder).
  [[nodiscard]] ModelFileFacts file_facts() const override;
  [[nodiscard]] ModelCard card() const override { return model_->card(); }
  [[nodiscard]] std::vector<ModelSetting> settings() const override { return {}; }
  [[nodiscard]] std::size_t max_tokens() const override { return 0; }

 private:
  std::unique_ptr<GgufModel> owned_;
  const GgufModel* model_;
};

// The registry's tokenizer factory for gguf:PATH (parameters are ignored: none changes the
// tokenizer).
[[nodiscard]] std::unique_ptr<Tokenizer> make_gguf_tokenizer(const ModelSpec& spec);

}  // namespace embeval
