#include "embeval/gguf/gguf_tokenizer.h"

namespace embeval {

GgufTokenizer::GgufTokenizer(const std::filesystem::path& path)
    : owned_(std::make_unique<GgufModel>(path, /*vocab_only=*/true)), model_(owned_.get()) {}

GgufTokenizer::GgufTokenizer(const GgufModel& model) : model_(&model) {}

std::vector<std::int32_t> GgufTokenizer::tokenize(std::string_view text) const {
  return model_->tokenize(text, /*add_special=*/false);
}

std::size_t GgufTokenizer::special_tokens_per_text() const {
  return model_->leading_special().size() + model_->trailing_special().size();
}

bool GgufTokenizer::is_unknown_token(std::int32_t id) const { return model_->is_unknown_token(id); }

bool GgufTokenizer::is_byte_token(std::int32_t id) const { return model_->is_byte_token(id); }

std::size_t GgufTokenizer::vocabulary_size() const { return model_->vocabulary_size(); }

std::string GgufTokenizer::family() const { return model_->tokenizer_family(); }

std::size_t GgufTokenizer::context_window() const { return model_->context_window(); }

ModelFileFacts GgufTokenizer::file_facts() const { return gguf_file_facts(model_->info()); }

std::unique_ptr<Tokenizer> make_gguf_tokenizer(const ModelSpec& spec) {
  return std::make_unique<GgufTokenizer>(spec.path);
}

}  // namespace embeval
