// Exact dense search: embeval::exact_knn against FAISS IndexFlatIP and against the bare SGEMM it
// is built on, on one random problem in one run (numbers are ratios within this run).
//
//   exact_search_bench [n=200000] [nq=2000] [d=384] [k=100] [query_block=0] [base_block=0]
//
// Exact search is compute-bound: 2 * n * d * nq FLOP. "GEMM bound (t threads)" is that FLOP
// count at the best SGEMM rate measured here with t OpenBLAS threads on cache-sized tiles (the
// peak this machine's BLAS reaches); embeval / GEMM-bound says what top-k selection, blocking and
// streaming the base from memory cost on top of the arithmetic.
// A plain main (not Google Benchmark) because the output is one comparison table.
#include <cblas.h>
#include <faiss/IndexFlat.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "embeval/index/exact_index.h"
using FaissId = faiss::Index::idx_t;  // FAISS 1.7.3 spelling

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Best wall time of `reps` runs: the machine is shared, so the minimum is the least noisy.
double best_seconds(int reps, const std::function<void()>& run) {
  double best = 1e300;
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    run();
    best = std::min(best, seconds_since(start));
  }
  return best;
}

embeval::DenseMatrix random_matrix(std::size_t rows, std::size_t cols, unsigned seed) {
  embeval::DenseMatrix m(rows, cols);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (float& v : m.data) v = dist(rng);
  return m;
}

// Peak single-threaded SGEMM GFLOP/s on tiles shaped like exact search (queries x base rows x d).
double measure_sgemm_peak(std::size_t d, int threads, std::vector<std::string>* lines) {
  openblas_set_num_threads(threads);
  double peak = 0;
  const std::size_t shapes[][2] = {{256, 1024}, {512, 2048}, {1024, 4096}, {2000, 8192}};
  for (const auto& shape : shapes) {
    const std::size_t m = shape[0], n = shape[1];
    const embeval::DenseMatrix a = random_matrix(m, d, 7), b = random_matrix(n, d, 8);
    std::vector<float> c(m * n);
    const int reps = static_cast<int>(std::max<std::size_t>(3, 2e10 / (2.0 * m * n * d)));
    const double s = best_seconds(reps, [&] {
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(m), static_cast<int>(n),
                  static_cast<int>(d), 1.0f, a.data.data(), static_cast<int>(d), b.data.data(),
                  static_cast<int>(d), 0.0f, c.data(), static_cast<int>(n));
    });
    const double gflops = 2.0 * m * n * d / s / 1e9;
    peak = std::max(peak, gflops);
    char line[160];
    std::snprintf(line, sizeof line, "  sgemm %5zu x %5zu x %zu (%d thread%s): %6.1f GFLOP/s", m, n,
                  d, threads, threads == 1 ? "" : "s", gflops);
    lines->push_back(line);
  }
  return peak;
}

// Fraction of result ids two searches agree on (sanity: both are exact, so ~1.0).
double id_agreement(const std::vector<std::int64_t>& a, const std::vector<std::int64_t>& b) {
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i] == b[i];
  return a.empty() ? 1.0 : static_cast<double>(same) / static_cast<double>(a.size());
}

}  // namespace

int main(int argc, char** argv) {
  auto arg = [&](int i, std::size_t fallback) {
    return argc > i ? static_cast<std::size_t>(std::strtoull(argv[i], nullptr, 10)) : fallback;
  };
  const std::size_t n = arg(1, 200000), nq = arg(2, 2000), d = arg(3, 384), k = arg(4, 100);
  embeval::ExactKnnOptions options;
  options.query_block = arg(5, 0);
  options.base_block = arg(6, 0);

  std::printf("exact search: base %zu x %zu, %zu queries, k=%zu, inner product, float32\n", n, d,
              nq, k);
  const embeval::DenseMatrix base = random_matrix(n, d, 1);
  const embeval::DenseMatrix queries = random_matrix(nq, d, 2);
  const double gflop = 2.0 * static_cast<double>(n) * d * nq / 1e9;

  // GEMM bound per thread count: the same FLOP at the best SGEMM rate with that many threads.
  std::vector<std::string> peak_lines;
  const double bound_s[3] = {0, gflop / measure_sgemm_peak(d, 1, &peak_lines),
                             gflop / measure_sgemm_peak(d, 2, &peak_lines)};

  struct Row {
    std::string name;
    double seconds;
  };
  std::vector<Row> rows;
  embeval::SearchResults ours;
  double ours_s[3] = {};
  for (int threads : {1, 2}) {
    options.threads = threads;
    const double s = best_seconds(2, [&] {
      ours = embeval::exact_knn(base, queries, k, embeval::Metric::kInnerProduct, options);
    });
    std::string label = "embeval exact_knn, threads=";  // appended: GCC 12 -Wrestrict false alarm
    label += std::to_string(threads);
    rows.push_back({label, s});
    ours_s[threads] = s;
  }
  const double ours_best = std::min(ours_s[1], ours_s[2]);

  faiss::IndexFlatIP flat(static_cast<FaissId>(d));
  flat.add(static_cast<FaissId>(n), base.data.data());
  std::vector<float> distances(nq * k);
  std::vector<FaissId> labels(nq * k);
  double faiss_best = 1e300;
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    openblas_set_num_threads(threads);  // FAISS's GEMM threads through OpenBLAS
    const double s = best_seconds(2, [&] {
      flat.search(static_cast<FaissId>(nq), queries.data.data(), static_cast<FaissId>(k),
                  distances.data(), labels.data());
    });
    std::string label = "faiss IndexFlatIP, threads=";  // appended: GCC 12 -Wrestrict false alarm
    label += std::to_string(threads);
    rows.push_back({label, s});
    faiss_best = std::min(faiss_best, s);
  }
  const std::vector<std::int64_t> faiss_ids(labels.begin(), labels.end());
  rows.push_back({"GEMM bound, 1 thread (FLOP at peak)", bound_s[1]});
  rows.push_back({"GEMM bound, 2 threads (FLOP at peak)", bound_s[2]});

  std::printf("\nSGEMM peak probe:\n");
  for (const std::string& line : peak_lines) std::printf("%s\n", line.c_str());
  std::printf("\n  %-40s %9s %10s\n", "method", "time (s)", "GFLOP/s");
  for (const Row& row : rows) {
    std::printf("  %-40s %9.3f %10.1f\n", row.name.c_str(), row.seconds, gflop / row.seconds);
  }
  std::printf("\nratios (time; lower is better for embeval):\n");
  std::printf("  embeval-best / FAISS-best     = %.3f  (target <= 1.0)\n", ours_best / faiss_best);
  std::printf("  embeval-t1 / FAISS-best       = %.3f\n", ours_s[1] / faiss_best);
  std::printf("  id agreement embeval vs FAISS = %.5f  (exact both; differences = float ties)\n",
              id_agreement(ours.ids, faiss_ids));
  for (int t : {1, 2}) {
    std::printf("  embeval-t%d / GEMM-bound-t%d   = %.3f  (target <= 1.2)\n", t, t,
                ours_s[t] / bound_s[t]);
  }
  return 0;
}
