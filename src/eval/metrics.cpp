#include "embeval/eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <string_view>

#include "embeval/core/error.h"

namespace embeval {
namespace {

// trec_eval's relevance values for retrieved documents (form_res_rels.c).
constexpr int kNotInPool = -1;  // docno absent from the qrels of the query
constexpr int kUnjudged = -2;   // present with a negative judgment

// What every measure of one query needs, computed once. Buffers are reused across queries.
struct RankedQuery {
  std::vector<int> rels;  // judgment per retrieved doc in rank order (or kNotIn..)
  // Positive judgments, largest first: the ideal ranking's gains. A sorted list, not a count
  // per grade value, so memory follows the number of judgments, never a grade read from input.
  std::vector<int> ideal_gains;
  long num_rel = 0;  // judged >= relevance_level
  // Prefix sums over ranks (index i = the top i documents), so every cutoff measure is O(1):
  std::vector<long> relevant;     // relevant documents in the top i
  std::vector<double> precision;  // sum of precision at each relevant rank in the top i
  std::vector<double> gain;       // DCG of the top i
  long first_relevant = 0;        // 1-based rank of the first relevant document, 0 if none
};

// The judged documents of one query as an open-addressing table: one hash per retrieved
// document and a probe in contiguous memory is much cheaper than unordered_map::find, and the
// lookup is the hot loop of evaluation (one per retrieved document).
// Docnos are short ids: an 8-bytes-at-a-time multiplicative hash is several times cheaper than
// std::hash's byte loop, and the table verifies every hit with a full comparison anyway.
std::uint64_t hash_docno(std::string_view s) {
  std::uint64_t h = 0x9E3779B97F4A7C15ull ^ s.size();
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, s.data() + i, 8);
    h = (h ^ chunk) * 0xFF51AFD7ED558CCDull;
    h ^= h >> 32;
  }
  std::uint64_t tail = 0;
  std::memcpy(&tail, s.data() + i, s.size() - i);
  h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
  return h ^ (h >> 29);
}

class JudgedTable {
 public:
  void build(const std::unordered_map<std::string, int>& judged) {
    std::size_t capacity = 16;
    while (capacity < judged.size() * 2) capacity *= 2;
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    for (const auto& [docno, rel] : judged) {
      const std::uint64_t h = hash_docno(docno);
      std::size_t i = h & mask_;
      while (slots_[i].docno != nullptr) i = (i + 1) & mask_;
      slots_[i] = Slot{h, &docno, rel};
    }
  }
  // The judgment of `docno`, or kNotInPool.
  int find(const std::string& docno) const {
    const std::uint64_t h = hash_docno(docno);
    for (std::size_t i = h & mask_; slots_[i].docno != nullptr; i = (i + 1) & mask_) {
      if (slots_[i].hash == h && *slots_[i].docno == docno) return slots_[i].rel;
    }
    return kNotInPool;
  }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    const std::string* docno = nullptr;
    int rel = 0;
  };
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

// trec_eval keeps scores as float (trec_format.h, TEXT_RESULTS.sim): compare them the same way.
bool ranks_before(const RunEntry* a, const RunEntry* b) {
  const float sa = static_cast<float>(a->score);
  const float sb = static_cast<float>(b->score);
  if (sa != sb) return sa > sb;
  return std::strcmp(a->docno.c_str(), b->docno.c_str()) > 0;  // ties: docno descending
}

struct Workspace {
  std::vector<const RunEntry*> order;
  JudgedTable table;
  RankedQuery query;
};

void rank_query(const std::vector<RunEntry>& entries,
                const std::unordered_map<std::string, int>& judged, int relevance_level,
                Workspace& ws) {
  auto& order = ws.order;
  order.resize(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) {
    // A NaN would break the sort's ordering; the file readers reject it, in-memory runs land here.
    if (!std::isfinite(entries[i].score)) {
      throw InputError("score of document '" + entries[i].docno + "' is not a finite number", {}, 0,
                       "drop or fix NaN/inf scores before evaluating");
    }
    order[i] = &entries[i];
  }
  // Runs embeval writes are already in trec_eval order: checking is cheaper than sorting.
  if (!std::is_sorted(order.begin(), order.end(), ranks_before)) {
    std::sort(order.begin(), order.end(), ranks_before);
  }
  ws.table.build(judged);
  RankedQuery& q = ws.query;
  q.rels.resize(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    const int rel = ws.table.find(order[i]->docno);
    q.rels[i] = rel == kNotInPool ? kNotInPool : (rel < 0 ? kUnjudged : rel);
  }
  const std::size_t n = order.size();
  q.relevant.resize(n + 1);
  q.precision.resize(n + 1);
  q.gain.resize(n + 1);
  q.relevant[0] = 0;
  q.precision[0] = 0.0;
  q.gain[0] = 0.0;
  q.first_relevant = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const int rel = q.rels[i];
    const bool is_rel = rel >= relevance_level;
    q.relevant[i + 1] = q.relevant[i] + (is_rel ? 1 : 0);
    q.precision[i + 1] =
        q.precision[i] +
        (is_rel ? static_cast<double>(q.relevant[i + 1]) / static_cast<double>(i + 1) : 0.0);
    q.gain[i + 1] = q.gain[i] + (rel > 0 ? rel / std::log2(static_cast<double>(i + 2)) : 0.0);
    if (is_rel && q.first_relevant == 0) q.first_relevant = static_cast<long>(i + 1);
  }
  q.ideal_gains.clear();
  q.num_rel = 0;
  for (const auto& [docno, rel] : judged) {
    if (rel > 0) q.ideal_gains.push_back(rel);
    if (rel >= 0 && rel >= relevance_level) ++q.num_rel;
  }
  std::sort(q.ideal_gains.begin(), q.ideal_gains.end(), std::greater<>());
}

// min(size, depth) for a depth >= 0.
std::size_t top_of(std::size_t size, long depth) {
  return static_cast<std::size_t>(std::min<long>(depth, static_cast<long>(size)));
}

// Ideal DCG over the first `depth` positions (all judged documents, gain = judgment value).
double ideal_dcg(const RankedQuery& q, long depth) {
  double dcg = 0.0;
  const std::size_t n = top_of(q.ideal_gains.size(), depth);
  for (std::size_t rank = 0; rank < n; ++rank) {
    dcg += static_cast<double>(q.ideal_gains[rank]) / std::log2(static_cast<double>(rank + 2));
  }
  return dcg;
}

// Prefix index for "the top k": k capped at the number retrieved.
std::size_t top(const RankedQuery& q, long k) {
  return static_cast<std::size_t>(std::min<long>(k, static_cast<long>(q.rels.size())));
}

double dcg(const RankedQuery& q, long depth) { return q.gain[top(q, depth)]; }

long relevant_in_top(const RankedQuery& q, long k) { return q.relevant[top(q, k)]; }

// Sum of precision at each relevant rank within the top k (average precision numerator).
double precision_sum(const RankedQuery& q, long k) { return q.precision[top(q, k)]; }

double reciprocal_rank(const RankedQuery& q, long k) {
  return q.first_relevant > 0 && q.first_relevant <= k ? 1.0 / static_cast<double>(q.first_relevant)
                                                       : 0.0;
}

double measure_value(const Measure& m, const RankedQuery& q) {
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
      return static_cast<double>(relevant_in_top(q, all));
    case MeasureKind::kMap:
      return q.num_rel > 0 ? precision_sum(q, all) / num_rel : 0.0;
    case MeasureKind::kMapCut:
      return q.num_rel > 0 ? precision_sum(q, m.cutoff) / num_rel : 0.0;
    case MeasureKind::kRprec:
      return q.num_rel > 0 ? relevant_in_top(q, q.num_rel) / num_rel : 0.0;
    case MeasureKind::kRecipRank:
      return reciprocal_rank(q, all);
    case MeasureKind::kMrrCut:
      return reciprocal_rank(q, m.cutoff);
    case MeasureKind::kP:
      return static_cast<double>(relevant_in_top(q, m.cutoff)) / static_cast<double>(m.cutoff);
    case MeasureKind::kRecall:
      return q.num_rel > 0 ? relevant_in_top(q, m.cutoff) / num_rel : 0.0;
    case MeasureKind::kRecallCap: {
      const double denominator = static_cast<double>(std::min(m.cutoff, q.num_rel));
      return denominator > 0 ? relevant_in_top(q, m.cutoff) / denominator : 0.0;
    }
    case MeasureKind::kSuccess:
      return relevant_in_top(q, m.cutoff) > 0 ? 1.0 : 0.0;
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
  result.mean.assign(n, 0.0);

  // Both maps are ordered by query id: walk them together instead of a lookup per query.
  Workspace ws;
  auto run_it = run.by_query.begin();
  for (const auto& [qid, judged] : qrels.judgments) {
    while (run_it != run.by_query.end() && run_it->first < qid) ++run_it;
    const bool in_run = run_it != run.by_query.end() && run_it->first == qid;
    if (!in_run && !options.complete) continue;
    if (!in_run) result.missing_queries.push_back(qid);
    // trec_eval -c evaluates a judged query missing from the run against a ranking of one
    // unjudged bogus document and then zeroes num_ret (trec_eval.c, bogus_ranking): every
    // measure is 0 except num_rel, the query's real count. An empty ranking gives the same.
    static const std::vector<RunEntry> kNoEntries;
    rank_query(in_run ? run_it->second : kNoEntries, judged, options.relevance_level, ws);
    std::vector<double> values(n);
    for (std::size_t i = 0; i < n; ++i) {
      values[i] = measure_value(set.measures[i], ws.query);
      result.mean[i] += values[i];
    }
    result.per_query.emplace_hint(result.per_query.end(), qid, std::move(values));
    ++result.num_queries;
  }
  if (options.complete) {
    result.num_queries = qrels.judgments.size();
    // trec_eval 9.0.8 -c (m_num_rel.c, te_calc_avg_num_rel): the summary num_rel counts every
    // judgment > 0 of every judged query, ignoring -l. Reproduced as is, quirk included.
    long judged_positive = 0;
    for (const auto& [qid, judged] : qrels.judgments) {
      for (const auto& [docno, rel] : judged) judged_positive += rel > 0 ? 1 : 0;
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (set.measures[i].kind == MeasureKind::kNumRel) {
        result.mean[i] = static_cast<double>(judged_positive);
      }
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const Measure& m = set.measures[i];
    if (m.kind == MeasureKind::kNumQ) {
      result.mean[i] = static_cast<double>(result.num_queries);
    } else if (!m.is_count() && result.num_queries > 0) {
      result.mean[i] /= static_cast<double>(result.num_queries);
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
      std::snprintf(line, sizeof line, "%-22s\t%s\t%.*f\n", m.name.c_str(), qid.c_str(), precision,
                    value);
    }
    out += line;
  };
  if (per_query) {
    // Missing queries (complete mode) are printed too, as trec_eval -c -q does.
    for (const auto& [qid, values] : result.per_query) {
      for (std::size_t i = 0; i < set.measures.size(); ++i) {
        if (set.measures[i].kind == MeasureKind::kNumQ) continue;  // trec_eval: summary only
        emit(set.measures[i], qid, values[i]);
      }
    }
  }
  for (std::size_t i = 0; i < set.measures.size(); ++i) {
    emit(set.measures[i], "all", result.mean[i]);
  }
  return out;
}

}  // namespace embeval
