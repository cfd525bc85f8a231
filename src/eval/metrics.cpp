#include "embeval/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace embeval {
namespace {

// trec_eval's relevance values for retrieved documents (form_res_rels.c).
constexpr int kNotInPool = -1;  // docno absent from the qrels of the query
constexpr int kUnjudged = -2;   // present with a negative judgment

// What every measure of one query needs, computed once.
struct RankedQuery {
  std::vector<int> rels;            // judgment per retrieved doc in rank order (or kNotIn..)
  std::vector<long> level_counts;   // judged docs per non-negative judgment value
  long num_rel = 0;                 // judged >= relevance_level
};

RankedQuery rank_query(const std::vector<RunEntry>& entries,
                       const std::unordered_map<std::string, int>& judged, int relevance_level) {
  std::vector<const RunEntry*> order(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) order[i] = &entries[i];
  const auto before = [](const RunEntry* a, const RunEntry* b) {
    if (a->score != b->score) return a->score > b->score;
    return std::strcmp(a->docno.c_str(), b->docno.c_str()) > 0;  // ties: docno descending
  };
  if (!std::is_sorted(order.begin(), order.end(), before)) {
    std::sort(order.begin(), order.end(), before);
  }
  RankedQuery q;
  q.rels.reserve(order.size());
  for (const RunEntry* e : order) {
    const auto it = judged.find(e->docno);
    q.rels.push_back(it == judged.end() ? kNotInPool : (it->second < 0 ? kUnjudged : it->second));
  }
  int max_level = 0;
  for (const auto& [docno, rel] : judged) max_level = std::max(max_level, rel);
  q.level_counts.assign(static_cast<std::size_t>(max_level) + 1, 0);
  for (const auto& [docno, rel] : judged) {
    if (rel < 0) continue;
    ++q.level_counts[static_cast<std::size_t>(rel)];
    if (rel >= relevance_level) ++q.num_rel;
  }
  return q;
}

// Ideal DCG over the first `depth` positions (all judged documents, gain = judgment value).
double ideal_dcg(const RankedQuery& q, long depth) {
  double dcg = 0.0;
  long rank = 0;
  for (std::size_t level = q.level_counts.size(); level-- > 1 && rank < depth;) {
    for (long n = 0; n < q.level_counts[level] && rank < depth; ++n, ++rank) {
      dcg += static_cast<double>(level) / std::log2(static_cast<double>(rank + 2));
    }
  }
  return dcg;
}

double dcg(const RankedQuery& q, long depth) {
  double sum = 0.0;
  const long n = std::min<long>(depth, static_cast<long>(q.rels.size()));
  for (long i = 0; i < n; ++i) {
    if (q.rels[i] > 0) sum += q.rels[i] / std::log2(static_cast<double>(i + 2));
  }
  return sum;
}

long relevant_in_top(const RankedQuery& q, long k, int level) {
  long found = 0;
  const long n = std::min<long>(k, static_cast<long>(q.rels.size()));
  for (long i = 0; i < n; ++i) found += q.rels[i] >= level;
  return found;
}

// Sum of precision at each relevant rank within the top k (average precision numerator).
double precision_sum(const RankedQuery& q, long k, int level) {
  double sum = 0.0;
  long found = 0;
  const long n = std::min<long>(k, static_cast<long>(q.rels.size()));
  for (long i = 0; i < n; ++i) {
    if (q.rels[i] >= level) {
      ++found;
      sum += static_cast<double>(found) / static_cast<double>(i + 1);
    }
  }
  return sum;
}

double reciprocal_rank(const RankedQuery& q, long k, int level) {
  const long n = std::min<long>(k, static_cast<long>(q.rels.size()));
  for (long i = 0; i < n; ++i) {
    if (q.rels[i] >= level) return 1.0 / static_cast<double>(i + 1);
  }
  return 0.0;
}

double measure_value(const Measure& m, const RankedQuery& q, int level) {
  const long all = static_cast<long>(q.rels.size());
  const double num_rel = static_cast<double>(q.num_rel);
  switch (m.kind) {
    case MeasureKind::kNumQ:
      return 1.0;
    case MeasureKind::kNumRet:
      return static_cast<double>(all);
    case MeasureKind::kNumRel:
      return num_rel;
    case MeasureKind::kNumRelRet:
      return static_cast<double>(relevant_in_top(q, all, level));
    case MeasureKind::kMap:
      return q.num_rel > 0 ? precision_sum(q, all, level) / num_rel : 0.0;
    case MeasureKind::kMapCut:
      return q.num_rel > 0 ? precision_sum(q, m.cutoff, level) / num_rel : 0.0;
    case MeasureKind::kRprec:
      return q.num_rel > 0 ? relevant_in_top(q, q.num_rel, level) / num_rel : 0.0;
    case MeasureKind::kRecipRank:
      return reciprocal_rank(q, all, level);
    case MeasureKind::kMrrCut:
      return reciprocal_rank(q, m.cutoff, level);
    case MeasureKind::kP:
      return static_cast<double>(relevant_in_top(q, m.cutoff, level)) /
             static_cast<double>(m.cutoff);
    case MeasureKind::kRecall:
      return q.num_rel > 0 ? relevant_in_top(q, m.cutoff, level) / num_rel : 0.0;
    case MeasureKind::kRecallCap: {
      const double denominator = static_cast<double>(std::min(m.cutoff, q.num_rel));
      return denominator > 0 ? relevant_in_top(q, m.cutoff, level) / denominator : 0.0;
    }
    case MeasureKind::kSuccess:
      return relevant_in_top(q, m.cutoff, level) > 0 ? 1.0 : 0.0;
    case MeasureKind::kNdcg: {
      const double ideal = ideal_dcg(q, std::numeric_limits<long>::max());
      return ideal > 0 ? dcg(q, all) / ideal : 0.0;
    }
    case MeasureKind::kNdcgCut: {
      const double ideal = ideal_dcg(q, m.cutoff);
      return ideal > 0 ? dcg(q, m.cutoff) / ideal : 0.0;
    }
  }
  return 0.0;
}

}  // namespace

EvalResult evaluate(const Qrels& qrels, const TrecRun& run, const MeasureSet& set,
                    const EvalOptions& options) {
  EvalResult result;
  for (const auto& m : set.measures) result.measure_names.push_back(m.name);
  const std::size_t n = set.measures.size();
  result.aggregate.assign(n, 0.0);

  for (const auto& [qid, judged] : qrels.judgments) {
    const auto run_it = run.by_query.find(qid);
    if (run_it == run.by_query.end()) {
      if (options.complete) {
        result.missing_queries.push_back(qid);
        result.per_query.emplace(qid, std::vector<double>(n, 0.0));
      }
      continue;
    }
    const RankedQuery q = rank_query(run_it->second, judged, options.relevance_level);
    std::vector<double> values(n);
    for (std::size_t i = 0; i < n; ++i) {
      values[i] = measure_value(set.measures[i], q, options.relevance_level);
      result.aggregate[i] += values[i];
    }
    result.per_query.emplace(qid, std::move(values));
    ++result.num_queries;
  }
  if (options.complete) result.num_queries = qrels.judgments.size();
  for (std::size_t i = 0; i < n; ++i) {
    const Measure& m = set.measures[i];
    if (m.kind == MeasureKind::kNumQ) {
      result.aggregate[i] = static_cast<double>(result.num_queries);
    } else if (!m.is_count() && result.num_queries > 0) {
      result.aggregate[i] /= static_cast<double>(result.num_queries);
    }
  }
  return result;
}

std::string format_trec_eval(const EvalResult& result, const MeasureSet& set, bool per_query,
                             int precision) {
  std::string out;
  char line[512];
  const auto emit = [&](const Measure& m, const std::string& qid, double value) {
    if (m.is_count()) {
      std::snprintf(line, sizeof line, "%-22s\t%s\t%ld\n", m.name.c_str(), qid.c_str(),
                    static_cast<long>(std::llround(value)));
    } else {
      std::snprintf(line, sizeof line, "%-22s\t%s\t%.*f\n", m.name.c_str(), qid.c_str(),
                    precision, value);
    }
    out += line;
  };
  if (per_query) {
    for (const auto& [qid, values] : result.per_query) {
      if (std::binary_search(result.missing_queries.begin(), result.missing_queries.end(), qid)) {
        continue;
      }
      for (std::size_t i = 0; i < set.measures.size(); ++i) {
        if (set.measures[i].kind == MeasureKind::kNumQ) continue;  // trec_eval: summary only
        emit(set.measures[i], qid, values[i]);
      }
    }
  }
  for (std::size_t i = 0; i < set.measures.size(); ++i) {
    emit(set.measures[i], "all", result.aggregate[i]);
  }
  return out;
}

}  // namespace embeval
