// Which trec_eval measures to compute, and their names as trec_eval prints them: the parsed form
// of `-m` arguments ("map", "P.5", "ndcg_cut.10,100"). evaluate() in metrics.h computes them.
#pragma once

#include <span>
#include <string>
#include <vector>

namespace embeval {

enum class MeasureKind {
  kNumQ,       // num_q: queries averaged
  kNumRet,     // num_ret: documents retrieved (summed)
  kNumRel,     // num_rel: relevant documents (summed)
  kNumRelRet,  // num_rel_ret: relevant documents retrieved (summed)
  kMap,        // map: mean average precision over all relevant
  kRprec,      // Rprec: precision after num_rel documents
  kRecipRank,  // recip_rank: 1 / rank of the first relevant document
  kP,          // P_K: relevant in top K / K
  kRecall,     // recall_K: relevant in top K / num_rel
  kNdcg,       // ndcg: over the whole ranking
  kNdcgCut,    // ndcg_cut_K
  kMapCut,     // map_cut_K: average precision truncated at K, divided by num_rel
  kSuccess,    // success_K: 1 if a relevant document is in the top K
  kRecallCap,  // recall_cap_K (BEIR/MTEB): relevant in top K / min(K, num_rel). Not trec_eval.
  kMrrCut,     // mrr_cut_K: recip_rank counting only the top K. Not trec_eval.
};

struct Measure {
  MeasureKind kind;
  long cutoff = 0;        // K for the *_K measures, 0 otherwise
  std::string name;       // output name as trec_eval prints it: "ndcg_cut_10", "P_5", "map"
  bool is_count() const;  // printed as an integer and summed, not averaged
};

// Measures in trec_eval's print order (not the order asked for), without duplicates.
struct MeasureSet {
  std::vector<Measure> measures;
};

// Parses trec_eval-style -m arguments: "map", "P.5", "ndcg_cut.10,100", bare "P" for trec_eval's
// default cutoffs, "all_embeval" for everything we implement. InputError on anything unknown.
[[nodiscard]] MeasureSet parse_measures(std::span<const std::string> args);

}  // namespace embeval
