// Static word vectors as a sentence encoder: each text becomes a pooled vector of its words.
//
// Spec: static:PATH?pooling=mean|tfidf|sif&sif_a=1e-3&normalize=true&analyzer=standard
//                    &format=auto&max_words=0
//   pooling=mean   average of the vectors of the text's in-vocabulary tokens (one per occurrence).
//   pooling=tfidf  weighted average, weight idf(w) per occurrence (so tf * idf per word), with
//                  idf(w) = ln((1 + N) / (1 + df(w))) + 1 over the N fitted documents.
//   pooling=sif    Arora et al. (2017): weight a / (a + p(w)) per occurrence, p(w) = the word's
//                  share of all fitted corpus tokens, averaged over in-vocabulary tokens; then the
//                  projection on the first principal component (uncentred, of the corpus's
//                  weighted averages) is removed from every vector, queries included.
//   normalize      L2-normalise the result (default true). A text without any in-vocabulary
//                  token encodes to the zero vector.
//   analyzer       the Analyzer applied to texts (analyzer.h); "standard" lower-cases like the
//                  word2vec trainer does, so trained models match.
//   format         see word_vectors.h; max_words keeps the N most frequent rows.
// tfidf and sif need fit() on the corpus before encode(); mean does not.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/encoders/vocabulary_coverage.h"
#include "embeval/io/word_vectors.h"
#include "embeval/text/analyzer.h"

namespace embeval {

enum class StaticPooling { kMean, kTfIdf, kSif };

class StaticEncoder : public Encoder, public CorpusFittedEncoder, public VocabularyCoverageEncoder {
 public:
  // Loads spec.path. Throws InputError on unknown keys, bad values, or a bad vector file.
  explicit StaticEncoder(const ModelSpec& spec);
  // Uses `vectors` instead of reading spec.path (tests, freshly trained models); spec.path is
  // kept only for spec(). The format for card() comes from the `format` key (default word2vec).
  StaticEncoder(const ModelSpec& spec, WordVectors vectors);
  // Everything the first constructor checks before reading the file, and that the file exists:
  // cheap, so a typo fails before any model is loaded. Throws InputError.
  static void check_spec(const ModelSpec& spec);
  // The parameters, types, defaults and ranges of `static:PATH?...` (param_schema.h).
  static const ParamSchema& schema();
  // check_spec, then the spec with every option written out (defaults included, format=auto
  // resolved from the file's content, numbers shortest-exact): what spec() will return, so a
  // recorded spec rebuilds the same encoder. Reads only the first MiB of the file.
  static std::string canonical_spec(const ModelSpec& spec);

  // Canonical (see canonical_spec).
  std::string spec() const override;
  ModelCard card() const override;
  // Rows are dim() floats; see the header comment for pooling. Updates oov_counts().
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override;
  // Collects document frequencies and token probabilities; for sif also the principal component.
  void fit(std::span<const std::string_view> documents) override;

  std::size_t dim() const { return vectors_.dim(); }
  StaticPooling pooling() const { return pooling_; }
  const OovCounts& oov_counts() const { return oov_; }
  const WordVectorLoadReport& load_report() const { return load_report_; }
  VocabularyCoverage vocabulary_coverage() const override { return {load_report_, oov_}; }
  // The unit first principal component removed by sif pooling (empty before fit / other pooling).
  const std::vector<float>& principal_component() const { return principal_component_; }

 private:
  static void check_options(const ModelSpec& spec);  // keys and values, not the path
  static ModelSpec canonical(const ModelSpec& spec, WordVectorFormat format);
  void configure(const ModelSpec& spec);  // needs format_ set
  // Weighted average of the token vectors into `out` (dim floats), before PC removal.
  void pool(std::string_view text, Role role, float* out, bool count_oov);
  float weight(std::size_t word_row) const;

  ModelSpec spec_;
  WordVectors vectors_;
  WordVectorFormat format_ = WordVectorFormat::kWord2VecText;
  WordVectorLoadReport load_report_;
  std::unique_ptr<Analyzer> analyzer_;
  StaticPooling pooling_ = StaticPooling::kMean;
  double sif_a_ = 1e-3;
  bool normalize_ = true;
  bool fitted_ = false;
  std::vector<float> word_weight_;  // per vocabulary row, after fit (tfidf: idf, sif: a/(a+p))
  float unseen_weight_ = 1.0f;      // weight of a word with a vector but absent from the corpus
  std::vector<float> principal_component_;
  OovCounts oov_;
  std::vector<std::string> terms_;  // scratch
};

}  // namespace embeval
