// embeval knn --base B.npy --queries Q.npy --k K [--metric ip|cos|l2] [--threads N] --out PREFIX
// Exact k-nearest neighbours of every query row: writes PREFIX.ids.npy (int64, nq x k) and
// PREFIX.scores.npy (float32, nq x k), and prints a one-line summary to stderr.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "embeval/atomic_file.h"
#include "embeval/error.h"
#include "embeval/exact_index.h"
#include "embeval/npy.h"
#include "embeval/output_paths.h"

namespace embeval::cli {
namespace {

struct KnnArgs {
  std::string base;
  std::string queries;
  std::size_t k = 10;
  std::string metric = "ip";
  int threads = 1;
  std::string out;
};

void run_knn(const KnnArgs& args) {
  const Metric metric = parse_metric(args.metric);
  for (const char* suffix : {".ids.npy", ".scores.npy"}) {  // before any search
    check_output_file(args.out + suffix);
    for (const auto& in : {args.base, args.queries})
      refuse_overwriting_input(in, args.out + suffix, "--out");
  }
  const DenseMatrix base = read_npy_matrix(args.base);
  const DenseMatrix queries = read_npy_matrix(args.queries);
  if (base.cols != queries.cols) {
    throw InputError("queries have " + std::to_string(queries.cols) + " dimensions, base (" +
                         args.base + ") has " + std::to_string(base.cols),
                     args.queries, 0, "encode base and queries with the same model");
  }
  ExactKnnOptions options;
  options.threads = args.threads;
  options.progress = true;
  const auto start = std::chrono::steady_clock::now();
  const SearchResults results = exact_knn(base, queries, args.k, metric, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_npy_i64(args.out + ".ids.npy", results.ids.data(), results.num_queries, results.k);
  write_npy_f32(args.out + ".scores.npy", results.scores.data(), results.num_queries, results.k);
  const double gflop = 2.0 * static_cast<double>(base.rows) * static_cast<double>(base.cols) *
                       static_cast<double>(queries.rows) / 1e9;
  std::fprintf(stderr,
               "knn: base %zu x %zu, %zu queries, k=%zu, metric %s, %d threads: %.3f s, "
               "%.1f GFLOP/s -> %s.{ids,scores}.npy\n",
               base.rows, base.cols, queries.rows, args.k, metric_name(metric), args.threads,
               seconds, seconds > 0 ? gflop / seconds : 0.0, args.out.c_str());
}

}  // namespace

void add_knn_command(CLI::App& app) {
  auto args = std::make_shared<KnnArgs>();
  CLI::App* knn = app.add_subcommand(
      "knn", "Exact k-nearest-neighbour search between two .npy matrices (float32/float16)");
  knn->add_option("--base", args->base, "Base vectors, .npy of shape (n, d)")->required();
  knn->add_option("--queries", args->queries, "Query vectors, .npy of shape (nq, d)")->required();
  knn->add_option("--k", args->k, "Neighbours per query")->required()->check(CLI::PositiveNumber);
  knn->add_option("--metric", args->metric, "ip (inner product), cos (cosine), l2 (-squared L2)")
      ->check(CLI::IsMember({"ip", "cos", "l2"}))
      ->capture_default_str();
  knn->add_option("--threads", args->threads, "Worker threads (0 = all cores)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  knn->add_option("--out", args->out,
                  "Output prefix: writes PREFIX.ids.npy (int64) and PREFIX.scores.npy (float32)")
      ->required();
  knn->callback([args] { run_knn(*args); });
}

}  // namespace embeval::cli
