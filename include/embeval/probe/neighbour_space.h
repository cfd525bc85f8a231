// The space the neighbours probe searches: named candidate points with unit vectors, the rows of
// the probed words among them, and the exact k-nearest-neighbour search over it.
// Layout: `vectors` is `names.size() x dim` float32, row-major, every row unit length or zero
// (zero: a text the model has no vector for; its cosine with everything is 0).
//  * vocabulary space (static models): every word of the vector file is a candidate.
//  * words space (any model): the probed words, encoded as texts with the document role.
// Quantised and truncated variants (int8, binary, dims=N) are built from a space and searched
// the same way, so Jaccard@k measures what the compression changes. Exact search throughout
// (index/exact_index.h); ties go to the smaller row. Values are independent of the thread count.
// Functions are thread-safe on distinct data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/embeddings.h"
#include "embeval/core/encoder.h"
#include "embeval/core/index.h"
#include "embeval/core/model_spec.h"

namespace embeval {

struct NeighbourSpace {
  std::string kind;                // "vocabulary" or "words"
  std::vector<std::string> names;  // one per candidate row
  DenseMatrix vectors;             // names.size() x dim, unit rows (or zero)
  // Row of each probed word among the candidates, -1 when the model has no vector for it.
  std::vector<std::int64_t> word_rows;
};

// A change applied to every vector before searching: int8 scalar codes, sign bits, or the first
// N dimensions (Matryoshka-style truncation).
struct SpaceTransform {
  enum class Kind { kNone, kInt8, kBinary, kDims };
  Kind kind = Kind::kNone;
  std::size_t dims = 0;  // kDims only
  // "int8", "binary", "dims=N" ("" for none).
  [[nodiscard]] std::string name() const;
};

// Parses "int8", "binary" or "dims=N" (N >= 1). Throws InputError naming the choices.
[[nodiscard]] SpaceTransform parse_space_transform(std::string_view text);

// The space after `transform`, rows renormalised (kNone: an unchanged copy):
//  * int8: per dimension, the range [min, max] over all rows is cut into 255 equal steps; a
//    value becomes the nearest step (min + round((x - min) / step) * step), as a scalar
//    quantiser with trained per-dimension ranges does (FAISS's SQ8 keeps 256 levels).
//  * binary: each value becomes +1 when > 0, else -1; the cosine of two such vectors is
//    1 - 2 hamming / d, so ranking by it is ranking by Hamming distance.
//  * dims=N: the first N dimensions (N <= dim, else InputError).
[[nodiscard]] NeighbourSpace transform_space(const NeighbourSpace& space,
                                             const SpaceTransform& transform);

// The k nearest candidates (cosine) of each row in `query_rows` (each a candidate row), itself
// excluded; a candidate whose cosine is <= 0 is no neighbour, so a list may be shorter (padded
// with -1, SearchResults' layout: query q's list is row q). Exact search, ties to the smaller row.
[[nodiscard]] SearchResults nearest_candidates(const DenseMatrix& vectors,
                                               const std::vector<std::int64_t>& query_rows,
                                               std::size_t k, int threads = 1);

// Vocabulary space of a `static:` spec: the vector file as the spec reads it (format,
// max_words), rows unit-normalised; a word is looked up as given, then lower-cased (ASCII).
// Throws InputError as StaticEncoder does for a bad file.
[[nodiscard]] NeighbourSpace vocabulary_space(const ModelSpec& spec,
                                              const std::vector<std::string>& words);

// Words space: `words` encoded with Role::kDocument (a corpus-fitted model is fitted on the
// words first); dense vectors normalised, sparse ones (BM25) made dense and normalised (the
// cosine of the weight vectors). A model with several vectors per text is refused (InputError).
// Every word gets a row; one the model encodes to zero (no known token) gets word_rows -1.
[[nodiscard]] NeighbourSpace words_space(Encoder& encoder, const ModelSpec& spec,
                                         const std::vector<std::string>& words);

}  // namespace embeval
