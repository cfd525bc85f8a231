#include "embeval/eval/judgment_pool.h"

#include <algorithm>
#include <unordered_map>

namespace embeval {

std::vector<std::string> top_docnos(const std::vector<RunEntry>& entries, std::size_t k) {
  std::vector<const RunEntry*> order;
  order.reserve(entries.size());
  for (const RunEntry& e : entries) order.push_back(&e);
  const std::size_t n = std::min(k, order.size());
  const auto before = [](const RunEntry* a, const RunEntry* b) {
    if (a->score != b->score) return a->score > b->score;
    return a->docno > b->docno;  // trec_eval: ties by docno descending
  };
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                    before);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.push_back(order[i]->docno);
  return out;
}

std::size_t JudgmentPool::pairs() const {
  std::size_t n = 0;
  for (const auto& [query, docs] : by_query) n += docs.size();
  return n;
}

JudgmentPool pool_runs(const std::vector<TrecRun>& runs, std::size_t depth) {
  // query -> docno -> best rank (1-based) over the runs.
  std::map<std::string, std::unordered_map<std::string, std::size_t>> best;
  for (const TrecRun& run : runs) {
    for (const auto& [query, entries] : run.by_query) {
      const std::vector<std::string> top = top_docnos(entries, depth);
      if (top.empty()) continue;
      auto& ranks = best[query];
      for (std::size_t r = 0; r < top.size(); ++r) {
        auto [it, inserted] = ranks.emplace(top[r], r + 1);
        if (!inserted) it->second = std::min(it->second, r + 1);
      }
    }
  }
  JudgmentPool pool;
  for (auto& [query, ranks] : best) {
    std::vector<std::pair<std::size_t, std::string>> order;
    order.reserve(ranks.size());
    for (auto& [docno, rank] : ranks) order.emplace_back(rank, docno);
    std::sort(order.begin(), order.end());
    auto& docs = pool.by_query[query];
    for (auto& [rank, docno] : order) docs.push_back(std::move(docno));
  }
  return pool;
}

bool is_judged(const Qrels& qrels, const std::string& query, const std::string& docno) {
  const auto q = qrels.judgments.find(query);
  if (q == qrels.judgments.end()) return false;
  const auto d = q->second.find(docno);
  return d != q->second.end() && d->second >= 0;
}

HoleAtK hole_at_k(const TrecRun& run, const Qrels& qrels, std::size_t k) {
  HoleAtK out;
  out.k = k;
  double sum = 0;
  for (const auto& [query, entries] : run.by_query) {
    const std::vector<std::string> top = top_docnos(entries, k);
    if (top.empty()) continue;
    std::size_t unjudged = 0;
    for (const std::string& docno : top) unjudged += is_judged(qrels, query, docno) ? 0 : 1;
    ++out.queries;
    out.considered += top.size();
    out.unjudged += unjudged;
    sum += static_cast<double>(unjudged) / static_cast<double>(top.size());
  }
  out.hole = out.queries == 0 ? 0 : sum / static_cast<double>(out.queries);
  return out;
}

}  // namespace embeval
