// The one interface behind every model family (sparse, dense, multi-vector).
// Data flow: dataset -> Encoder -> EmbeddingBatch -> Index -> run -> metrics.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "embeval/core/embeddings.h"

namespace embeval {

// Models may treat queries and documents differently (prefixes, BM25 weighting, instructions).
enum class Role { kQuery, kDocument };

// The facts about a model that can be read from the model itself, without a corpus. Factors that
// must be measured on a corpus (fertility, truncation share, throughput) live in the results.
struct ModelCard {
  std::string family;        // "sparse" | "dense" | "multi-vector" | "hybrid"
  std::string architecture;  // e.g. "bm25", "bert", "qwen3", "word2vec"
  std::string tokenizer;     // "word" | "wordpiece" | "bpe" | "unigram" | "spm"
  std::optional<std::size_t> context_window_tokens;  // empty: unbounded
  std::size_t dimension = 0;                         // dense dimension, or sparse vocabulary size
  std::size_t vocabulary_size = 0;
  std::string training_data;  // from the model card when known; "" otherwise
  std::optional<std::size_t> parameters;
  // The index spec (ann/index_registry.h) the model's output needs when the kind of output alone
  // does not say it (bge-m3's combined score, ColBERT re-ranking the dense top N); "" otherwise.
  std::string index;
};

class Encoder {
 public:
  virtual ~Encoder() = default;

  // The spec string that rebuilds this encoder through the registry (round-trips exactly).
  virtual std::string spec() const = 0;

  virtual ModelCard card() const = 0;

  // Encodes `texts` for `role`. Returns one row per text, in order, in every representation the
  // model produces. Not thread-safe: one caller at a time (encoders parallelise internally).
  // An encoder that is also a CorpusFittedEncoder must be fitted before encoding documents.
  virtual EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) = 0;
};

// Optional capability: encoders that must see the corpus first (BM25's IDF and average length,
// SIF weights). fit() replaces any previous fit.
class CorpusFittedEncoder {
 public:
  virtual ~CorpusFittedEncoder() = default;
  virtual void fit(std::span<const std::string_view> documents) = 0;
};

// What a model's token budget does to texts: truncation is never silent.
struct LengthReport {
  std::size_t texts = 0;
  std::size_t tokens = 0;     // tokens of the texts (prefixes included, special tokens not)
  std::size_t truncated = 0;  // texts cut at the budget (the rest is never seen)
  std::size_t split = 0;      // texts encoded as several windows
  std::size_t windows = 0;    // sequences the model runs: texts - (split texts) + their windows

  LengthReport& operator+=(const LengthReport& o) {
    texts += o.texts;
    tokens += o.tokens;
    truncated += o.truncated;
    split += o.split;
    windows += o.windows;
    return *this;
  }
  bool operator==(const LengthReport&) const = default;
};

// Optional capability: encoders with a context window say, without running the model, what
// encode() will do to the length of each text (tokenization only: cheap next to encoding).
class TokenBudgetEncoder {
 public:
  virtual ~TokenBudgetEncoder() = default;
  [[nodiscard]] virtual LengthReport measure_lengths(std::span<const std::string_view> texts,
                                                     Role role) = 0;
};

// How to run an encoder, as opposed to what it computes (the spec): never part of a spec or a
// cache key, since it does not change the vectors.
struct EncoderOptions {
  std::size_t threads = 0;  // compute threads of encoders that use several; 0 = physical cores
};

}  // namespace embeval
