// embeval knn --base B.npy --queries Q.npy --k K [--metric ip|cos|l2] [--threads N] --out PREFIX
// Exact k-nearest neighbours of every query row: writes PREFIX.ids.npy (int64, nq x k) and
// PREFIX.scores.npy (float32, nq x k), k capped at the base rows, and prints a one-line summary
// to stderr.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/index/exact_index.h"
#include "embeval/io/npy.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"
#include "embeval/util/stopwatch.h"

namespace embeval::cli {
namespace {

struct KnnArgs {
  std::string base;
  std::string queries;
  std::string k;  // parsed by parse_k: CLI11's conversion would wrap or saturate huge values
  std::string metric = "ip";
  int threads = 1;
  std::string out;
};

// --k as a checked positive integer: "0", "-1", "1e3", "99999999999999999999" are refused
// rather than wrapped (a wrapped k of 0 once gave empty results and exit 0).
std::size_t parse_k(const std::string& text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value <= 0) {
    throw InputError("--k must be a positive integer, got '" + text + "'", {}, 0,
                     ec == std::errc::result_out_of_range ? "it is out of range" : "e.g. --k 10");
  }
  return static_cast<std::size_t>(value);
}

void run_knn(const KnnArgs& args) {
  const Metric metric = parse_metric(args.metric);
  const std::size_t requested_k = parse_k(args.k);
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
  // More neighbours than base rows would only be padding (id -1, score -inf): a k of 10^9 on
  // a real corpus once wrote 6 GB of it. The outputs have min(k, base rows) columns.
  const std::size_t k = std::min(requested_k, base.rows);
  if (k < requested_k) {
    std::fprintf(stderr, "knn: --k %zu capped at the %zu base rows of %s\n", requested_k, base.rows,
                 args.base.c_str());
  }
  ExactKnnOptions options;
  options.threads = args.threads;
  options.progress = true;
  options.base_name = args.base;
  options.queries_name = args.queries;
  const Stopwatch start;
  const SearchResults results = exact_knn(base, queries, k, metric, options);
  const double seconds = start.seconds();
  write_npy_i64(args.out + ".ids.npy", results.ids.data(), results.num_queries, results.k);
  write_npy_f32(args.out + ".scores.npy", results.scores.data(), results.num_queries, results.k);
  const double gflop = 2.0 * static_cast<double>(base.rows) * static_cast<double>(base.cols) *
                       static_cast<double>(queries.rows) / 1e9;
  std::fprintf(stderr,
               "knn: base %zu x %zu, %zu queries, k=%zu, metric %s, %d threads: %.3f s, "
               "%.1f GFLOP/s -> %s.{ids,scores}.npy\n",
               base.rows, base.cols, queries.rows, k, metric_name(metric), args.threads, seconds,
               seconds > 0 ? gflop / seconds : 0.0, args.out.c_str());
}

}  // namespace

void add_knn_command(CLI::App& app) {
  auto args = std::make_shared<KnnArgs>();
  CLI::App* knn = app.add_subcommand(
      "knn", "Exact k-nearest-neighbour search between two .npy matrices (float32/float16)");
  knn->add_option("--base", args->base, "Base vectors, .npy of shape (n, d)")->required();
  knn->add_option("--queries", args->queries, "Query vectors, .npy of shape (nq, d)")->required();
  knn->add_option("--k", args->k, "Neighbours per query (at most the number of base rows)")
      ->required();
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
