// Optional capabilities that `inspect` asks a model for through dynamic_cast, so that it needs
// none of a family's own types: what the model's file says beyond the ModelCard, the settings
// an encoder applies to texts, and counters of the work an encoder did. Families whose library
// knows these things (GGUF through llama.cpp) implement them; others need not.
// Thread-safety: as the object implementing them (an Encoder: one caller at a time).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "embeval/core/encoder.h"

namespace embeval {

struct ModelFileFacts {
  std::string name;  // the model's own name in the file's metadata; "" when none
  std::uintmax_t file_bytes = 0;
  std::string weight_type;       // dominant tensor type, e.g. "F16", "Q8_0"; "" when none
  bool vocabulary_only = false;  // a tokenizer without weights: it cannot encode
};

struct ModelSetting {
  std::string label;  // "pooling"
  std::string value;  // "mean, L2-normalised" (one line: newlines shown as \n)
};

class DescribedModel {
 public:
  virtual ~DescribedModel() = default;
  [[nodiscard]] virtual ModelFileFacts file_facts() const = 0;
  // The card as far as the file tells it (for a vocabulary-only file: no dimension, no size).
  [[nodiscard]] virtual ModelCard card() const = 0;
  // What the encoder does to texts beyond the card, in display order; empty for a tokenizer.
  [[nodiscard]] virtual std::vector<ModelSetting> settings() const = 0;
  // Tokens per sequence the encoder runs (longer texts are truncated or split); 0 for a
  // tokenizer without an encoder.
  [[nodiscard]] virtual std::size_t max_tokens() const = 0;
};

// What an encoder's inference library did since construction or the last reset_work().
struct EncodeWork {
  std::size_t tokens = 0;      // tokens run through the model, special tokens included
  std::size_t truncated = 0;   // texts cut at max_tokens (the rest never seen)
  std::size_t split = 0;       // texts encoded as several windows
  double backend_seconds = 0;  // wall time inside the inference library's calls
};

class WorkCountingEncoder {
 public:
  virtual ~WorkCountingEncoder() = default;
  [[nodiscard]] virtual EncodeWork work() const = 0;
  virtual void reset_work() = 0;
  // The inference library, as the output names it: "llama.cpp".
  [[nodiscard]] virtual std::string backend() const = 0;
};

}  // namespace embeval
