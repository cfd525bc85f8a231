// The multilingual alignment probe: do a model's vectors of a text and of its translation sit
// closer to each other than to the other texts? Over n pairs (s_i, t_i), with
// cos(i, j) = cosine of s_i and t_j:
//  * accuracy_src_to_tgt: share of i whose argmax_j cos(i, j) is i; accuracy_tgt_to_src: share
//    of j whose argmax_i cos(i, j) is j (MTEB's bitext mining). Ties go to the lowest index.
//  * margin_accuracy_*: the same with the ratio margin of LASER (Artetxe & Schwenk, 2019) in
//    place of the cosine, k = min(4, n):
//      margin(i, j) = cos(i, j) / (r_src(i) + r_tgt(j)),
//      r_src(i) = (sum of the k largest cos(i, .)) / 2k, r_tgt(j) = (sum of the k largest
//      cos(., j)) / 2k
//    (with k = 4: the sums of the 4 nearest neighbours over 8). The margin is symmetric, so
//    tgt_to_src takes the argmax down a column. A margin whose denominator is not positive
//    (zero vectors, or neighbourhoods of negative cosines) is undefined: it ranks below every
//    defined one, and `undefined_margins` counts the (i, j) it happened to.
//  * mean_cos_true: mean of cos(i, i); mean_cos_shuffled: mean of cos(i, (i + 1) mod n), the
//    cosine of unrelated pairs drawn from the same texts.
// Cosines are summed in double. Memory is O(n): the n x n cosines are computed twice, a block of
// rows at a time on `threads` threads (0 = physical cores), never stored whole. The figures do
// not depend on the thread count. Pure functions, thread-safe on distinct data.
#pragma once

#include <cstddef>
#include <string>

#include "embeval/core/embeddings.h"
#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/io/bitext_pairs.h"

namespace embeval {

struct AlignmentScores {
  std::size_t pairs = 0;
  double accuracy_src_to_tgt = 0;
  double accuracy_tgt_to_src = 0;
  double margin_accuracy_src_to_tgt = 0;
  double margin_accuracy_tgt_to_src = 0;
  double mean_cos_true = 0;
  double mean_cos_shuffled = 0;
  // Not in the JSON; for notes next to it.
  std::size_t zero_sources = 0;       // sources whose vector is zero (e.g. no known word)
  std::size_t zero_targets = 0;       // targets whose vector is zero
  std::size_t undefined_margins = 0;  // (i, j) whose margin denominator is <= 0
};

// `sources` and `targets`: n x d each (n >= 2, same d), every row L2-normalised or zero
// (EMBEVAL_CHECK, to 1e-3), so that cos is the dot product.
[[nodiscard]] AlignmentScores score_alignment(const DenseMatrix& sources,
                                              const DenseMatrix& targets, std::size_t threads = 1);

// Sparse models (BM25): cos is the cosine of the two weight vectors (normalised here; a row
// without weights is a zero vector). n rows each (n >= 2), same dim.
[[nodiscard]] AlignmentScores score_alignment(const SparseMatrix& sources,
                                              const SparseMatrix& targets, std::size_t threads = 1);

// The probe on `encoder`: both sides encoded with Role::kDocument. A corpus-fitted model (bm25;
// static pooling=tfidf|sif, per `spec`) is first fitted on all 2n texts, sources then targets.
// Dense vectors are L2-normalised here; a model with several vectors per text (chunk_agg=max) is
// refused with InputError. Progress on stderr. `threads` is for the scoring (0 = physical cores).
[[nodiscard]] AlignmentScores probe_alignment(Encoder& encoder, const ModelSpec& spec,
                                              const BitextPairs& pairs, std::size_t threads = 1);

// The JSON object of `scores`: exactly the keys "pairs", "accuracy_src_to_tgt",
// "accuracy_tgt_to_src", "margin_accuracy_src_to_tgt", "margin_accuracy_tgt_to_src",
// "mean_cos_true", "mean_cos_shuffled" (docs/probes.md), pretty-printed, newline-terminated.
[[nodiscard]] std::string alignment_json(const AlignmentScores& scores);

// The terminal table of `scores` for the model labelled `model`: a header line, one row per
// direction (accuracy, margin accuracy), the two mean cosines, and a note per degenerate case
// (zero vectors, undefined margins). Newline-terminated lines.
[[nodiscard]] std::string alignment_table(const AlignmentScores& scores, const std::string& model);

}  // namespace embeval
