// A model's tokenizer on its own, apart from its weights: what the tokenizer probes
// (probe/tokenizer_stats.h) measure for any family that has one. The registry makes one from a
// spec (make_tokenizer in models/registry.h), so callers need not know the family's library.
// Thread-safety: every method is const and may be called from several threads at once (the
// probes tokenize on all cores). Token ids are the vocabulary's, in [0, vocabulary_size()).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace embeval {

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  // The content tokens of `text`: the special tokens the model adds around a text are not
  // included, and special-token text inside `text` is data, not control tokens.
  [[nodiscard]] virtual std::vector<std::int32_t> tokenize(std::string_view text) const = 0;
  // Special tokens the model adds around every text (2 for BERT's [CLS] ... [SEP]).
  [[nodiscard]] virtual std::size_t special_tokens_per_text() const = 0;
  [[nodiscard]] virtual bool is_unknown_token(std::int32_t id) const = 0;  // [UNK], <unk>
  [[nodiscard]] virtual bool is_byte_token(std::int32_t id) const = 0;     // byte fallback <0xNN>

  [[nodiscard]] virtual std::size_t vocabulary_size() const = 0;
  // As ModelCard::tokenizer names it: "wordpiece" | "bpe" | "spm" | "unigram" | ...
  [[nodiscard]] virtual std::string family() const = 0;
  // The context the model was trained with, in tokens; 0 when the file does not say.
  [[nodiscard]] virtual std::size_t context_window() const = 0;
};

}  // namespace embeval
