// What `probe neighbours` runs, prints and writes: the probe of one model with, when asked for,
// the Jaccard@k overlap with a second model or with the same model quantised or truncated; the
// terminal table and the JSON object (keys in docs/probes.md), with the word list's provenance.
#pragma once

#include <optional>
#include <string>

#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/probe/knn_overlap.h"
#include "embeval/probe/neighbours.h"
#include "embeval/probe/word_list.h"

namespace embeval {

struct NeighbourComparison {
  std::string against;  // the second model's spec, or "int8" / "binary" / "dims=N"
  KnnOverlap overlap;
  std::optional<NeighbourReport> other;  // the second run's report (its own figures)
};

// The probe of `spec` on `words.words` and, with `compare_spec` (a second model) or
// `options.transform` (the same space quantised), a second run and the Jaccard@k between the two:
// with a transform, the main report is the untransformed space and the comparison the
// transformed one. Progress on stderr.
struct NeighbourRun {
  NeighbourReport report;
  std::optional<NeighbourComparison> comparison;
};
[[nodiscard]] NeighbourRun run_neighbour_probe(const ModelSpec& spec, const WordList& words,
                                               const WordRelation* relation,
                                               const NeighbourProbeOptions& options,
                                               const std::optional<ModelSpec>& compare_spec,
                                               const EncoderOptions& encoder_options = {});

// Pretty-printed JSON object, newline-terminated: "model", "k", "seed", "words" (source,
// available, sampled, probed, with_vector), "space", "relation", "related_share",
// "intrusion_rate", "judged_words", "judged_pairs", "hubness", "polysemy", "overlap" (or null),
// "neighbours" (per word).
[[nodiscard]] std::string neighbours_json(const NeighbourReport& report, const WordList& words,
                                          const std::optional<NeighbourComparison>& comparison);

// The table: one summary line per figure, the hubs, the polysemy words' neighbours, the
// comparison when given, and up to `examples` words with their neighbours.
[[nodiscard]] std::string neighbours_table(const NeighbourReport& report, const WordList& words,
                                           const std::optional<NeighbourComparison>& comparison,
                                           std::size_t examples = 5);

}  // namespace embeval
