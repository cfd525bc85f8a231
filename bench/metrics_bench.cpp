// Metrics throughput: nanoseconds per (query, retrieved document) pair for evaluate(), single
// thread, printed next to the 20 ns/pair that ranx reports (the fastest published evaluator).
// Two inputs: runs as embeval writes them (already in trec_eval order) and shuffled runs
// (every query needs a full sort).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <utility>

#include "embeval/eval/metrics.h"

namespace {

using embeval::EvalResult;
using embeval::Qrels;
using embeval::TrecRun;

constexpr int kQueries = 10000;
constexpr int kDocsPerQuery = 100;
constexpr double kRanxNsPerPair = 20.0;

void make_data(Qrels& qrels, TrecRun& sorted, TrecRun& shuffled) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> score(0.0, 1.0);
  for (int q = 0; q < kQueries; ++q) {
    const std::string qid = "query-" + std::to_string(q);
    auto& entries = sorted.by_query[qid];
    for (int d = 0; d < kDocsPerQuery; ++d) {
      entries.push_back({"doc-" + std::to_string(rng() % 1000000), score(rng)});
    }
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.docno < b.docno; });
    entries.erase(std::unique(entries.begin(), entries.end(),
                              [](const auto& a, const auto& b) { return a.docno == b.docno; }),
                  entries.end());
    auto& judged = qrels.judgments[qid];
    for (int j = 0; j < 8; ++j) {  // ~half of the judged documents were retrieved
      const auto& docno = j % 2 == 0 ? entries[rng() % entries.size()].docno
                                     : "doc-" + std::to_string(rng() % 1000000);
      judged[docno] = static_cast<int>(rng() % 3);
    }
    shuffled.by_query[qid] = entries;
    std::shuffle(shuffled.by_query[qid].begin(), shuffled.by_query[qid].end(), rng);
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.score != b.score ? a.score > b.score : a.docno > b.docno;
    });
  }
}

// Thread CPU time, not wall time: the machine is shared, and a descheduled thread would be
// charged for time it did not run. Returns {cpu, wall} nanoseconds per pair, best of 5 each.
double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

std::pair<double, double> ns_per_pair(const Qrels& qrels, const TrecRun& run,
                                      const embeval::MeasureSet& set) {
  std::size_t pairs = 0;
  for (const auto& [qid, entries] : run.by_query) pairs += entries.size();
  double best_cpu = 1e300;
  double best_wall = 1e300;
  for (int rep = 0; rep < 5; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    const double cpu_start = thread_cpu_seconds();
    const EvalResult r = embeval::evaluate(qrels, run, set);
    const double cpu = thread_cpu_seconds() - cpu_start;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r.num_queries != static_cast<std::size_t>(kQueries)) std::abort();
    best_cpu = std::min(best_cpu, cpu);
    best_wall = std::min(best_wall, wall);
  }
  const double scale = 1e9 / static_cast<double>(pairs);
  return {best_cpu * scale, best_wall * scale};
}

}  // namespace

int main() {
  Qrels qrels;
  TrecRun sorted, shuffled;
  make_data(qrels, sorted, shuffled);
  const std::vector<std::string> args = {"ndcg_cut.10", "recall.100", "recip_rank", "map"};
  const auto set = embeval::parse_measures(args);
  const std::vector<std::string> many = {"all_embeval"};
  const auto all = embeval::parse_measures(many);
  std::printf("metrics: %d queries x %d docs, 1 thread, best of 5\n", kQueries, kDocsPerQuery);
  std::printf("%-44s %12s %12s %16s\n", "case", "cpu ns/pair", "wall ns/pair", "cpu vs ranx 20ns");
  const auto row = [&](const char* name, std::pair<double, double> ns) {
    std::printf("%-44s %12.1f %12.1f %15.2fx\n", name, ns.first, ns.second,
                ns.first / kRanxNsPerPair);
  };
  row("4 measures, run in trec_eval order", ns_per_pair(qrels, sorted, set));
  row("4 measures, shuffled run (full sort)", ns_per_pair(qrels, shuffled, set));
  row("all_embeval (51 measures), trec_eval order", ns_per_pair(qrels, sorted, all));
  return 0;
}
