// The neighbourhood probe: for each probed word, its k nearest neighbours in a model's space
// (neighbour_space.h), how many of them a lexicon relates to the word, and how hub-ridden the
// space is (hubness.h). docs/probes.md defines every figure:
//  * related share: over the (word, neighbour) pairs of the words the lexicon knows, the share of
//    neighbours the lexicon relates to the word (a neighbour it does not know counts as
//    unrelated); intrusion rate = 1 - related share.
//  * hubness: over the probed words that have a vector (distinct rows), each word's k nearest
//    among those words only, so the figure is the same kind of thing for every model.
//  * polysemy: the neighbour lists of a few ambiguous words ("bank", "python", "mouse").
// Words keep the order they were given in. Thread-safe on distinct data; the lexicon is only
// read through const calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/probe/hubness.h"
#include "embeval/probe/knn_overlap.h"
#include "embeval/probe/neighbour_space.h"

namespace embeval {

// A lexical relation between words, e.g. WordNet's "related within distance d". Implementations
// must be safe to call concurrently through const methods.
class WordRelation {
 public:
  virtual ~WordRelation() = default;
  // True when the lexicon holds `word` (only such words are judged).
  [[nodiscard]] virtual bool knows(std::string_view word) const = 0;
  // True when the lexicon relates `neighbour` to `word`.
  [[nodiscard]] virtual bool related(std::string_view word, std::string_view neighbour) const = 0;
  // One line for tables and JSON, e.g. "WordNet 3.0 ... within distance 2".
  [[nodiscard]] virtual std::string describe() const = 0;
};

// The ambiguous words whose neighbours are always shown.
[[nodiscard]] const std::vector<std::string>& polysemy_words();

struct WordNeighbours {
  std::string word;
  bool has_vector = false;
  std::vector<std::string> neighbours;  // best first, at most k
  std::vector<float> cosines;           // parallel to neighbours
  int related = -1;                     // neighbours the lexicon relates; -1: word not judged
};

struct NeighbourReport {
  std::string model;  // canonical spec
  std::size_t k = 0;
  std::string transform;  // "" or the SpaceTransform's name the space was searched under
  std::string space;      // "vocabulary" or "words"
  std::size_t candidates = 0;
  std::vector<WordNeighbours> words;  // the probed words, in input order
  std::size_t words_with_vector = 0;

  std::string relation;  // WordRelation::describe(), "" without a lexicon
  std::size_t judged_words = 0;
  std::size_t judged_pairs = 0;  // (word, neighbour) pairs of judged words
  std::size_t related_pairs = 0;
  double related_share = 0;   // related_pairs / judged_pairs (0 when no pair)
  double intrusion_rate = 0;  // 1 - related_share (0 when no pair)

  Hubness hubness;                     // ids are indices into hub_points
  std::vector<std::string> hub_words;  // names of hubness.hubs, in order

  std::vector<WordNeighbours> polysemy;  // polysemy_words() that have a vector
};

struct NeighbourProbeOptions {
  std::size_t k = 10;
  int threads = 1;
  // Static models: search the whole vocabulary (true) or only the probed words (false).
  bool vocabulary = true;
  SpaceTransform transform;  // applied to the space before searching
};

// The probe on a built space whose word_rows are `words` followed by polysemy_words() (the
// layout model_space() returns). `relation` may be null (no related share).
[[nodiscard]] NeighbourReport probe_neighbours(const NeighbourSpace& space,
                                               const std::vector<std::string>& words,
                                               const WordRelation* relation,
                                               const NeighbourProbeOptions& options);

// The space of `spec` for `words` followed by polysemy_words(): a static model's vocabulary
// (options.vocabulary) or the words encoded by the registry's encoder. Progress on stderr.
[[nodiscard]] NeighbourSpace model_space(const ModelSpec& spec,
                                         const std::vector<std::string>& words,
                                         const NeighbourProbeOptions& options,
                                         const EncoderOptions& encoder_options = {});

// Jaccard@k between two reports on the same words (same order, EMBEVAL_CHECK), over the words
// both have a vector for.
[[nodiscard]] KnnOverlap neighbour_overlap(const NeighbourReport& a, const NeighbourReport& b);

}  // namespace embeval
