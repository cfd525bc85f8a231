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
#include <string>
#include <vector>

#include "embeval/eval/measures.h"
#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"

namespace embeval {

struct EvalOptions {
  int relevance_level = 1;  // trec_eval -l
  bool complete = false;    // trec_eval -c: judged queries missing from the run count as 0
};

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
