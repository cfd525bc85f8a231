// trec_eval-exact retrieval measures (trec_eval 9.0.8 semantics; docs/metrics.md has each
// definition and the trec_eval source it was checked against).
//
// Per query, documents are ranked by score descending, ties broken by docno descending (strcmp).
// Scores are compared as 32-bit floats, because trec_eval stores them that way (TEXT_RESULTS.sim
// is a float): two scores equal after rounding to float tie, exactly as in trec_eval.
// A judgment >= relevance_level is relevant; negative judgments count as unjudged. nDCG uses the
// judgment value as gain (whatever the relevance level) and an ideal ranking of all judged
// documents. Only queries in both the run and the qrels are averaged, unless `complete`.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"

namespace embeval {

struct EvalOptions {
  int relevance_level = 1;  // trec_eval -l
  bool complete = false;    // trec_eval -c: judged queries missing from the run count as 0
};

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

struct EvalResult {
  std::vector<std::string> measure_names;                // output names, parallel to values
  std::map<std::string, std::vector<double>> per_query;  // qid -> values (strcmp order)
  // Complete mode: judged queries not in the run, in per_query too with every value 0 except
  // num_rel (their judged-relevant count), as trec_eval -c computes them.
  std::vector<std::string> missing_queries;
  // The "all" line, parallel to measure_names: the mean over averaged queries; for counting
  // measures the sum (num_q: the count), as trec_eval prints them.
  std::vector<double> mean;
  std::size_t num_queries = 0;  // queries averaged (complete: every judged query)
};

// Evaluates `run` against `qrels`. Throws InputError if a score is NaN or infinite (the readers
// already reject those; in-memory runs are checked here). Duplicate docnos within one query are
// the caller's to prevent (read_run rejects them). Thread-safe: no shared state.
[[nodiscard]] EvalResult evaluate(const Qrels& qrels, const TrecRun& run, const MeasureSet& set,
                                  const EvalOptions& options = {});

// trec_eval's output: per-query lines (if per_query) then "all" lines, `%-22s\t%s\t%.*f`.
// Missing queries (complete mode) are printed per query like the others (all 0 but num_rel),
// as trec_eval -c -q prints them.
[[nodiscard]] std::string format_trec_eval(const EvalResult& result, const MeasureSet& set,
                                           bool per_query, int precision = 4);

}  // namespace embeval
