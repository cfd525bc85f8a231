// Fusion speed: 3 runs of 10,000 queries x 1,000 documents (the yardstick: under a second
// on one core), fused by fuse_runs and by a straightforward reference fuser (std::map per query,
// the way a first implementation would do it) measured in the same run on the same runs; the
// two must agree. Reading the run files (read_run) and writing the fused run (write_run) are
// timed apart. Times are thread CPU seconds (the machine is shared), best of `repeats`.
//
//   fusion_bench [queries] [docs_per_query] [repeats]
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench_work_dir.h"
#include "embeval/eval/run.h"
#include "embeval/fusion/fuse_runs.h"

namespace {

using embeval::FusedRun;
using embeval::FusionMethod;
using embeval::FusionOptions;
using embeval::ScoreNormalization;
using embeval::TrecRun;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double best_of(int repeats, const std::function<void()>& fn) {
  double best = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const double start = thread_cpu_seconds();
    fn();
    best = std::min(best, thread_cpu_seconds() - start);
  }
  return best;
}

// Three runs over a 1M-document corpus: per query a pool of 2 x docs candidates, each run
// retrieving `docs` of them (so the runs overlap about half), with BM25-like, cosine-like and
// uniform scores.
std::vector<TrecRun> make_runs(int queries, int docs) {
  std::mt19937_64 rng(11);
  std::vector<TrecRun> runs(3);
  std::vector<std::string> pool(static_cast<std::size_t>(2 * docs));
  for (int q = 0; q < queries; ++q) {
    const std::string qid = "q" + std::to_string(q);
    for (auto& d : pool) d = "doc" + std::to_string(rng() % 1000000);
    std::sort(pool.begin(), pool.end());
    pool.erase(std::unique(pool.begin(), pool.end()), pool.end());
    for (std::size_t i = 0; i < runs.size(); ++i) {
      std::shuffle(pool.begin(), pool.end(), rng);
      auto& entries = runs[i].by_query[qid];
      const std::size_t n = std::min(pool.size(), static_cast<std::size_t>(docs));
      for (std::size_t r = 0; r < n; ++r) {
        const double u = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
        const double score = i == 0 ? 30.0 * u * u : (i == 1 ? 0.2 + 0.7 * u : u);
        entries.push_back({pool[r], score});
      }
    }
    pool.resize(static_cast<std::size_t>(2 * docs));
  }
  return runs;
}

// The reference: per query a std::map from document id to fused score, then a full sort.
TrecRun reference_fuse(const std::vector<const TrecRun*>& runs, const FusionOptions& options) {
  std::map<std::string, std::map<std::string, double>> fused;
  for (const TrecRun* run : runs) {
    for (const auto& [qid, entries] : run->by_query) {
      std::vector<const embeval::RunEntry*> order;
      for (const auto& e : entries) order.push_back(&e);
      std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
        const float sa = static_cast<float>(a->score);
        const float sb = static_cast<float>(b->score);
        return sa != sb ? sa > sb : a->docno > b->docno;
      });
      double lo = 1e300, hi = -1e300;
      for (const auto* e : order) {
        lo = std::min(lo, e->score);
        hi = std::max(hi, e->score);
      }
      auto& scores = fused[qid];
      for (std::size_t r = 0; r < order.size(); ++r) {
        const double value = options.method == FusionMethod::rrf
                                 ? 1.0 / (options.rrf_k + static_cast<double>(r + 1))
                                 : (order[r]->score - lo) / std::max(hi - lo, 1e-9);
        scores[order[r]->docno] += value;
      }
    }
  }
  TrecRun out;
  for (const auto& [qid, scores] : fused) {
    std::vector<embeval::RunEntry> list;
    for (const auto& [docno, score] : scores) list.push_back({docno, score});
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) {
      const float sa = static_cast<float>(a.score);
      const float sb = static_cast<float>(b.score);
      return sa != sb ? sa > sb : a.docno > b.docno;
    });
    if (list.size() > options.top) list.resize(options.top);
    out.by_query[qid] = std::move(list);
  }
  return out;
}

// Same documents in the same order and scores equal to 1e-12: the fast path is exact.
bool same(const FusedRun& fused, const TrecRun& reference) {
  if (fused.query_ids.size() != reference.by_query.size()) return false;
  std::size_t q = 0;
  for (const auto& [qid, list] : reference.by_query) {
    const auto slice = fused.query(q++);
    if (slice.size() != list.size()) return false;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (slice[i].docno != list[i].docno) return false;
      if (std::fabs(slice[i].score - list[i].score) > 1e-12) return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  const int queries = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int docs = argc > 2 ? std::atoi(argv[2]) : 1000;
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 3;
  embeval::bench::WorkDir work("embeval-fusion-bench-");
  std::printf(
      "fusion_bench: 3 runs x %d queries x %d documents (%.1fM lines), thread CPU time, best of "
      "%d\n",
      queries, docs, 3.0 * queries * docs / 1e6, repeats);
  {
    const std::vector<TrecRun> generated = make_runs(queries, docs);
    for (std::size_t i = 0; i < generated.size(); ++i) {
      embeval::write_run(work.path() / ("run" + std::to_string(i) + ".trec"), generated[i]);
    }
  }
  std::vector<TrecRun> runs(3);
  const double lines = 3.0 * queries * docs;
  const double read_s = best_of(1, [&] {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      runs[i] = embeval::read_run(work.path() / ("run" + std::to_string(i) + ".trec"));
    }
  });
  std::printf("read_run, 3 files:          %7.3f s  (%.0f ns/line)\n", read_s,
              read_s / lines * 1e9);
  const std::vector<const TrecRun*> pointers = {&runs[0], &runs[1], &runs[2]};

  for (const FusionMethod method : {FusionMethod::rrf, FusionMethod::combsum}) {
    FusionOptions options;
    options.method = method;
    options.norm = ScoreNormalization::minmax;
    FusedRun fused;
    const double fuse_s = best_of(repeats, [&] { fused = embeval::fuse_runs(pointers, options); });
    TrecRun reference;
    const double reference_s = best_of(1, [&] { reference = reference_fuse(pointers, options); });
    const std::string name(embeval::fusion_method_name(method));
    std::printf(
        "fuse_runs %-8s           %7.3f s  (%.1f ns per input line)   reference (std::map) %7.3f s "
        "  %.1fx faster   %s\n",
        name.c_str(), fuse_s, fuse_s / lines * 1e9, reference_s, reference_s / fuse_s,
        same(fused, reference) ? "results identical" : "RESULTS DIFFER");
    if (method == FusionMethod::rrf) {
      const double write_s = best_of(1, [&] {
        embeval::write_run(work.path() / "fused.trec", embeval::to_trec_run(fused, "fused"));
      });
      std::printf("to_trec_run + write_run:    %7.3f s  (%zu lines)\n", write_s,
                  fused.entries.size());
    }
  }
  return 0;
}
