// BM25 as a sparse encoder, fitted on the corpus like any model with corpus statistics.
// Spec: bm25?k1=0.9&b=0.4&analyzer=english (defaults as Anserini's BEIR baselines).
//
// fit() learns the vocabulary, document frequencies and average document length. Then
//   document d -> weights w(t, d) = idf(t) * tf / (tf + k1 * (1 - b + b * dl / avgdl))
//   query q    -> term counts (a repeated query term counts twice, as Lucene sums clauses)
// so that score(q, d) = q . d is Lucene's BM25 (Lucene >= 8 dropped the constant (k1 + 1)
// factor; rankings are unchanged). idf(t) = ln(1 + (N - df + 0.5) / (df + 0.5)).
// dl counts every analyzed token of the document. Unlike Lucene, lengths are exact (Lucene
// stores them in one lossy byte), so scores can differ from Anserini's in the 3rd digit.
// Query terms not in the fitted vocabulary are dropped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/text/analyzer.h"

namespace embeval {

struct Bm25Params {
  double k1 = 0.9;
  double b = 0.4;
  std::string analyzer = "english";

  // k1 range: with k1 <= 1000, b in [0, 1] and any corpus of up to 2^32 documents, the smallest
  // possible weight, idf_min / (1 + k1 * N), is about 1e-22: far above float32's smallest
  // normal number (1.2e-38), so no legal parameter can flatten the scores.
  static constexpr double kMaxK1 = 1000.0;

  // The parameters, types, defaults and ranges of `bm25?...` (param_schema.h).
  static const ParamSchema& schema();

  // InputError (with a hint) for unknown keys, k1 outside [0, kMaxK1] or not a number, b outside
  // [0, 1] or not a number, an unknown analyzer.
  static Bm25Params from_spec(const ModelSpec& spec);
};

class Bm25Encoder : public Encoder, public CorpusFittedEncoder {
 public:
  explicit Bm25Encoder(Bm25Params params, int threads = 0);  // threads 0: physical cores

  std::string spec() const override;
  ModelCard card() const override;
  void fit(std::span<const std::string_view> documents) override;
  // Documents need a prior fit() (EMBEVAL_CHECK). Each batch yields a SparseMatrix with
  // dim = vocabulary size.
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override;

  std::size_t vocabulary_size() const { return vocabulary_.size(); }
  double average_document_length() const { return avgdl_; }
  // idf of a term as the analyzer produces it; nullopt if not in the vocabulary.
  std::optional<double> idf(const std::string& term) const;

 private:
  // Analyzes texts in parallel; result[i] holds the terms of texts[i].
  std::vector<std::vector<std::string>> analyze_all(std::span<const std::string_view> texts) const;

  Bm25Params params_;
  int threads_;
  std::unique_ptr<Analyzer> analyzer_;  // the prototype each worker clones
  std::unordered_map<std::string, std::uint32_t> vocabulary_;
  std::vector<double> idf_;  // by term id
  double avgdl_ = 0.0;
  bool fitted_ = false;
};

}  // namespace embeval
