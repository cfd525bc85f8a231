// Pooling for relevance judging (`embeval judge`, docs/judging.md): the union of several runs'
// top-k per query, and Hole@k, the share of a run's top k that the qrels leave unjudged.
//
// Ranks follow trec_eval (run.h): score descending, ties by docno descending. A judgment counts as
// made when it is >= 0 (qrels.h: a negative one is "unjudged" to trec_eval too).
// Hole@k of a run: per query with at least one retrieved document, the unjudged share of its top
// min(k, retrieved) documents; the mean over those queries. A query absent from the qrels is
// wholly unjudged. Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"

namespace embeval {

// The docnos of `entries` in trec_eval's order, the first `k` of them (all when fewer).
[[nodiscard]] std::vector<std::string> top_docnos(const std::vector<RunEntry>& entries,
                                                  std::size_t k);

struct JudgmentPool {
  // query id -> pooled docnos, ordered by their best rank in any run (1 first), ties by docno
  // ascending; each docno once.
  std::map<std::string, std::vector<std::string>> by_query;

  [[nodiscard]] std::size_t pairs() const;
};

// The union over `runs` of each query's top `depth` documents.
[[nodiscard]] JudgmentPool pool_runs(const std::vector<TrecRun>& runs, std::size_t depth);

struct HoleAtK {
  std::size_t k = 10;
  double hole = 0;             // mean over `queries` of each query's unjudged share
  std::size_t queries = 0;     // queries with at least one retrieved document
  std::size_t considered = 0;  // documents in those queries' top k
  std::size_t unjudged = 0;    // of which unjudged
};

[[nodiscard]] HoleAtK hole_at_k(const TrecRun& run, const Qrels& qrels, std::size_t k = 10);

// True when `qrels` holds a judgment >= 0 for (query, docno).
[[nodiscard]] bool is_judged(const Qrels& qrels, const std::string& query,
                             const std::string& docno);

}  // namespace embeval
