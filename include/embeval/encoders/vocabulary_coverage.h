// What a word-level model (static word vectors) cannot see: words its vector file lost while
// loading, and the share of the evaluated text it has no vector for (out of vocabulary). Both
// change the numbers silently otherwise, so eval prints them under the table and results.json
// records them ("vocabulary" per model; null for models without a word vocabulary).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "embeval/core/encoder.h"
#include "embeval/io/word_vectors.h"

namespace embeval {

// Tokens seen by encode(), split by role: the share without a vector is a model factor.
struct OovCounts {
  std::size_t query_tokens = 0;
  std::size_t query_oov = 0;
  std::size_t document_tokens = 0;
  std::size_t document_oov = 0;
  // Shares in [0, 1]; 0 when no token was seen.
  double query_share() const { return query_tokens ? double(query_oov) / query_tokens : 0.0; }
  double document_share() const {
    return document_tokens ? double(document_oov) / document_tokens : 0.0;
  }
  double oov_share() const {
    const std::size_t total = query_tokens + document_tokens;
    return total ? double(query_oov + document_oov) / double(total) : 0.0;
  }
  bool operator==(const OovCounts&) const = default;
};

struct VocabularyCoverage {
  WordVectorLoadReport load;  // rows kept and words dropped when the vector file was read
  OovCounts oov;              // tokens encoded so far, and those without a vector
  bool operator==(const VocabularyCoverage&) const = default;
};

// Optional capability of encoders with a word vocabulary (StaticEncoder).
class VocabularyCoverageEncoder {
 public:
  virtual ~VocabularyCoverageEncoder() = default;
  // Counts since construction (OOV: every encode() call, fitting excluded).
  [[nodiscard]] virtual VocabularyCoverage vocabulary_coverage() const = 0;
};

// The coverage of `encoder`, or nullopt when it has no word vocabulary.
[[nodiscard]] std::optional<VocabularyCoverage> vocabulary_coverage_of(const Encoder& encoder);

// results.json: {"words_loaded", "dropped": {"duplicate", "empty", "invalid_utf8"},
// "query_tokens", "query_oov", "query_oov_share", "document_tokens", "document_oov",
// "document_oov_share"}; null for nullopt.
[[nodiscard]] nlohmann::json vocabulary_coverage_to_json(
    const std::optional<VocabularyCoverage>& coverage);
// Reads `parent[key]`; nullopt when absent (older files) or null. Throws nlohmann::json
// exceptions on a malformed object (the caller names the file).
[[nodiscard]] std::optional<VocabularyCoverage> vocabulary_coverage_from_json(
    const nlohmann::json& parent, const char* key);

// Two lines for the terminal, e.g.
//   "static-glove: 400,000 words loaded; dropped 3 duplicate, 0 empty, 1 invalid UTF-8"
//   "static-glove: out of vocabulary 4.21% of query words (120 of 2,850), 3.10% of document..."
[[nodiscard]] std::string format_vocabulary_coverage(std::string_view label,
                                                     const VocabularyCoverage& coverage);

// What a word-vocabulary model does to a set of texts (`inspect --dataset`): `words` are
// whitespace-separated runs of the raw text, `tokens` what the model's analyzer made of them,
// `oov` the tokens without a vector, `seconds` the encode time.
struct CoverageMeasurement {
  std::size_t texts = 0;
  std::size_t words = 0;
  std::size_t tokens = 0;
  std::size_t oov = 0;
  double seconds = 0;
  double tokens_per_word() const { return words ? double(tokens) / double(words) : 0.0; }
  double oov_share() const { return tokens ? double(oov) / double(tokens) : 0.0; }
  double texts_per_s() const { return seconds > 0 ? double(texts) / seconds : 0.0; }
};

// Encodes every text of `texts` for `role` (batches of 4,096) and measures it. The encoder must
// be a VocabularyCoverageEncoder (EMBEVAL_CHECK) and, if corpus-fitted, already fitted.
[[nodiscard]] CoverageMeasurement measure_coverage(Encoder& encoder,
                                                   std::span<const std::string_view> texts,
                                                   Role role);

}  // namespace embeval
