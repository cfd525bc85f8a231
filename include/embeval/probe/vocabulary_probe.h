// What a word-vocabulary model (static word vectors) does to a dataset (`inspect --dataset`):
// the fit time of a corpus-fitted pooling, then out-of-vocabulary share, tokens per word and
// throughput on every document and every query (measure_coverage), and the process's peak
// memory over those encodes. Uses the encoder from the calling thread only.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "embeval/core/encoder.h"
#include "embeval/encoders/vocabulary_coverage.h"

namespace embeval {

struct VocabularyProbe {
  std::optional<double> fit_seconds;  // set when the encoder is corpus-fitted (fitted on documents)
  CoverageMeasurement documents;      // Role::kDocument
  CoverageMeasurement queries;        // Role::kQuery
  std::size_t peak_rss_bytes = 0;     // high-water mark over the encodes (fit excluded)
};

// `encoder` must be a VocabularyCoverageEncoder (EMBEVAL_CHECK, as measure_coverage). A
// CorpusFittedEncoder is fitted on `documents` first, replacing any previous fit.
[[nodiscard]] VocabularyProbe probe_vocabulary(Encoder& encoder,
                                               std::span<const std::string_view> documents,
                                               std::span<const std::string_view> queries);

}  // namespace embeval
