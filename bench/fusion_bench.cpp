// Fusion speed: 3 runs of 10,000 queries x 1,000 documents (the yardstick: under a second
// on one core), fused by fuse_runs and by a straightforward reference fuser (std::map per query,
// the way a first implementation would do it) measured in the same run on the same runs; the
// two must agree. Reading the run files (read_run, against an iostream reader), fusing (every
// method; against the reference for rrf and combsum) and writing the fused run
// (write_fused_run, against to_trec_run + write_run) are timed apart, each with its ratio to
// its reference measured in the same process. Times are thread CPU seconds (the machine is
// shared), best of `repeats`.
//
//   fusion_bench [queries] [docs_per_query] [repeats]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "bench_work_dir.h"
#include "embeval/eval/run.h"
#include "embeval/fusion/fuse_runs.h"
#include "embeval/fusion/fused_run_file.h"

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

// User and system CPU seconds of this thread: writing a file is mostly the kernel's copy into
// the page cache (system time, the same for any writer), so the writers compare on user time.
struct CpuSplit {
  double user = 0.0;
  double system = 0.0;
};

CpuSplit thread_cpu_split() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
}

// The best of `repeats` by user time, with that repeat's system time.
CpuSplit best_split_of(int repeats, const std::function<void()>& fn) {
  CpuSplit best{1e300, 0.0};
  for (int i = 0; i < repeats; ++i) {
    const CpuSplit start = thread_cpu_split();
    fn();
    const CpuSplit end = thread_cpu_split();
    if (end.user - start.user < best.user)
      best = {end.user - start.user, end.system - start.system};
  }
  return best;
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

// The straightforward reader: iostreams, one field at a time, into the same TrecRun.
TrecRun reference_read(const std::filesystem::path& path) {
  std::ifstream in(path);
  TrecRun run;
  std::string qid, q0, docno, rank, tag;
  double score = 0.0;
  bool first = true;
  while (in >> qid >> q0 >> docno >> rank >> score >> tag) {
    if (first) run.tag = tag;
    first = false;
    run.by_query[qid].push_back({docno, score});
  }
  return run;
}

bool same_runs(const TrecRun& a, const TrecRun& b) {
  if (a.by_query.size() != b.by_query.size()) return false;
  for (auto ia = a.by_query.begin(), ib = b.by_query.begin(); ia != a.by_query.end(); ++ia, ++ib) {
    if (ia->first != ib->first || ia->second.size() != ib->second.size()) return false;
    for (std::size_t i = 0; i < ia->second.size(); ++i) {
      if (ia->second[i].docno != ib->second[i].docno) return false;
      if (ia->second[i].score != ib->second[i].score) return false;
    }
  }
  return true;
}

bool same_file(const std::filesystem::path& a, const std::filesystem::path& b) {
  std::ifstream fa(a, std::ios::binary);
  std::ifstream fb(b, std::ios::binary);
  return std::equal(std::istreambuf_iterator<char>(fa), std::istreambuf_iterator<char>(),
                    std::istreambuf_iterator<char>(fb), std::istreambuf_iterator<char>());
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
  const auto run_path = [&](std::size_t i) {
    return work.path() / ("run" + std::to_string(i) + ".trec");
  };

  // Read: read_run on the three files; the reference (iostreams) on the first only.
  std::vector<TrecRun> runs(3);
  const double lines = 3.0 * queries * docs;
  const double read_s = best_of(1, [&] {
    for (std::size_t i = 0; i < runs.size(); ++i) runs[i] = embeval::read_run(run_path(i));
  });
  TrecRun reference_first;
  const double reference_read_s =
      best_of(1, [&] { reference_first = reference_read(run_path(0)); });
  std::printf(
      "read   read_run, 3 files               %7.3f s  (%5.1f ns/line)   reference (iostream, "
      "1 file) %5.1f ns/line   %5.1fx faster   %s\n",
      read_s, read_s / lines * 1e9, reference_read_s / (lines / 3) * 1e9,
      reference_read_s / (lines / 3) / (read_s / lines),
      same_runs(reference_first, runs[0]) ? "results identical" : "RESULTS DIFFER");
  const std::vector<const TrecRun*> pointers = {&runs[0], &runs[1], &runs[2]};

  // Fuse: every method; the reference fuser (std::map) for rrf and combsum.
  FusedRun rrf_fused;
  for (const FusionMethod method :
       {FusionMethod::rrf, FusionMethod::combsum, FusionMethod::combmnz, FusionMethod::wsum,
        FusionMethod::dbsf_mteb, FusionMethod::dbsf_qdrant, FusionMethod::rsf}) {
    FusionOptions options;
    options.method = method;
    options.norm = ScoreNormalization::minmax;
    FusedRun fused;
    const double fuse_s = best_of(repeats, [&] { fused = embeval::fuse_runs(pointers, options); });
    const std::string name(embeval::fusion_method_name(method));
    std::printf("fuse   fuse_runs %-12s          %7.3f s  (%5.1f ns per input line)", name.c_str(),
                fuse_s, fuse_s / lines * 1e9);
    if (method == FusionMethod::rrf || method == FusionMethod::combsum) {
      TrecRun reference;
      const double reference_s = best_of(1, [&] { reference = reference_fuse(pointers, options); });
      std::printf("   reference (std::map) %7.3f s   %5.1fx faster   %s", reference_s,
                  reference_s / fuse_s,
                  same(fused, reference) ? "results identical" : "RESULTS DIFFER");
    }
    std::printf("\n");
    if (method == FusionMethod::rrf) rrf_fused = std::move(fused);
  }

  // Write: the rrf fusion, by write_fused_run and by to_trec_run + write_run (the reference),
  // each to a new file.
  int file_number = 0;
  const CpuSplit write_cpu = best_split_of(repeats, [&] {
    embeval::write_fused_run(work.path() / ("fused" + std::to_string(++file_number) + ".trec"),
                             rrf_fused, "fused");
  });
  const CpuSplit reference_write_cpu = best_split_of(1, [&] {
    embeval::write_run(work.path() / "reference.trec", embeval::to_trec_run(rrf_fused, "fused"));
  });
  const double fused_lines = static_cast<double>(rrf_fused.entries.size());
  std::printf(
      "write  write_fused_run (rrf)           %7.3f s  (%5.1f ns/line user; kernel %.3f s)   "
      "reference (to_trec_run + write_run) %7.3f s user (kernel %.3f s)   %5.1fx faster   %s\n",
      write_cpu.user, write_cpu.user / fused_lines * 1e9, write_cpu.system,
      reference_write_cpu.user, reference_write_cpu.system,
      reference_write_cpu.user / write_cpu.user,
      same_file(work.path() / "fused1.trec", work.path() / "reference.trec") ? "bytes identical"
                                                                             : "BYTES DIFFER");
  std::printf(
      "       (%zu lines; user CPU: formatting and checks; kernel: copying into the page "
      "cache, the same work for both writers)\n",
      rrf_fused.entries.size());
  return 0;
}
