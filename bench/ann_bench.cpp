// ANN indexes against exact search on one planted-cluster problem, in one run: each index's QPS
// (one batch call), its ratio to exact search's QPS measured here, recall@10 against exact, build
// time and bytes per vector.
//
//   ann_bench [n=100000] [nq=1000] [d=128] [threads=1]
//
// A plain main (not Google Benchmark) because the output is one comparison table.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "embeval/ann/index_registry.h"
#include "embeval/ann/recall.h"
#include "embeval/index/exact_index.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Unit vectors around sqrt(n) random centres: structure an ANN index can exploit, as real
// embeddings have. Rows [0, n) are documents, [n, n + nq) queries from the same clusters.
embeval::DenseMatrix planted(std::size_t rows, std::size_t d, std::size_t clusters, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> centres(clusters * d);
  for (float& v : centres) v = normal(rng);
  std::uniform_int_distribution<std::size_t> pick(0, clusters - 1);
  embeval::DenseMatrix m(rows, d);
  for (std::size_t r = 0; r < rows; ++r) {
    const float* c = centres.data() + pick(rng) * d;
    double norm2 = 0;
    for (std::size_t j = 0; j < d; ++j) {
      m.row(r)[j] = c[j] + 0.7f * normal(rng);
      norm2 += static_cast<double>(m.row(r)[j]) * m.row(r)[j];
    }
    for (std::size_t j = 0; j < d; ++j) m.row(r)[j] /= static_cast<float>(std::sqrt(norm2));
  }
  return m;
}

embeval::DenseMatrix slice(const embeval::DenseMatrix& m, std::size_t begin, std::size_t end) {
  embeval::DenseMatrix out(end - begin, m.cols);
  std::copy(m.row(begin), m.row(begin) + (end - begin) * m.cols, out.data.data());
  return out;
}

// Best of `reps` batch searches (the machine is shared: the minimum is the least noisy).
double best_search_s(const embeval::Index& index, const embeval::EmbeddingBatch& q, int reps,
                     embeval::SearchResults* out) {
  double best = 1e300;
  for (int i = 0; i < reps; ++i) {
    const auto start = Clock::now();
    *out = index.search(q, 10);
    best = std::min(best, seconds_since(start));
  }
  return best;
}

}  // namespace

int main(int argc, char** argv) {
  auto arg = [&](int i, std::size_t fallback) {
    return argc > i ? static_cast<std::size_t>(std::strtoull(argv[i], nullptr, 10)) : fallback;
  };
  const std::size_t n = arg(1, 100000), nq = arg(2, 1000), d = arg(3, 128);
  const int threads = static_cast<int>(arg(4, 1));
  const auto clusters = static_cast<std::size_t>(std::sqrt(static_cast<double>(n)));
  const embeval::DenseMatrix all = planted(n + nq, d, clusters, 1);
  embeval::EmbeddingBatch docs, queries;
  docs.dense = slice(all, 0, n);
  queries.dense = slice(all, n, n + nq);
  std::printf(
      "ann bench: %zu x %zu planted clusters (%zu centres), %zu queries, k=10, inner "
      "product, %d thread%s\n",
      n, d, clusters, nq, threads, threads == 1 ? "" : "s");

  embeval::ExactDenseIndex exact_index(embeval::Metric::kInnerProduct, threads);
  exact_index.add(docs);
  embeval::SearchResults exact;
  const double exact_s = best_search_s(exact_index, queries, 2, &exact);
  const double exact_qps = static_cast<double>(nq) / exact_s;

  std::printf("%-42s %10s %9s %8s %8s %8s\n", "index", "QPS", "x exact", "R@10", "build s",
              "B/vec");
  std::printf("%-42s %10.0f %9.2f %8.4f %8s %8.1f\n", "exact (embeval exact_knn)", exact_qps, 1.0,
              1.0, "-", static_cast<double>(d * 4));
  const char* specs[] = {"flat",
                         "flat_f16",
                         "flat_int8",
                         "hnsw?M=32&efConstruction=200&efSearch=32",
                         "hnsw?M=32&efConstruction=200&efSearch=128",
                         "ivf_flat?nprobe=4",
                         "ivf_flat?nprobe=16",
                         "ivf_sq8?nprobe=16",
                         "ivf_pq?nprobe=16",
                         "binary",
                         "binary?rescore=10",
                         "binary_ivf?nprobe=16&rescore=10"};
  for (const char* spec : specs) {
    auto index = embeval::make_ann_index(spec, embeval::Metric::kInnerProduct, threads);
    const auto start = Clock::now();
    index->add(docs);
    const double build_s = seconds_since(start);
    embeval::SearchResults got;
    const double s = best_search_s(*index, queries, 2, &got);
    const double qps = static_cast<double>(nq) / s;
    std::printf("%-42s %10.0f %9.2f %8.4f %8.2f %8.1f\n", spec, qps, qps / exact_qps,
                embeval::mean_recall(exact, got, 10), build_s,
                static_cast<double>(index->memory_bytes()) / static_cast<double>(n));
  }
  std::printf(
      "x exact = index QPS / exact QPS, both measured above; B/vec = index bytes / n "
      "(binary?rescore includes its float32 copy)\n");
  return 0;
}
