// Exact k-NN as blocked SGEMM + per-query threshold top-k (see exact_index.h for the contract).
//
// The query set is cut into fixed blocks of `query_block` rows; a worker takes one query block at
// a time and walks the base in `base_block` slices, computing each score tile with one
// cblas_sgemm and feeding every tile row to that query's TopK. Because the blocks are fixed and
// each query's base slices are visited in order by one worker, the result is the same for any
// thread count; TopK's (score desc, id asc) order makes it independent of visiting order anyway.
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/core/topk.h"
#include "embeval/index/exact_index.h"
#include "embeval/util/parallel_for.h"
#include "embeval/util/progress.h"

namespace embeval {
namespace {

// Tile = 512 x 512 floats (1 MiB, the per-core L2), so the top-k scan reads the scores GEMM has
// just written from cache. Measured with bench/exact_search_bench.cpp on 50k x 384: tiles from
// 256 x 256 to 1000 x 4096 are within ~5% of each other; thin tiles (64 rows) lose 25%.
constexpr std::size_t kDefaultQueryBlock = 512;
constexpr std::size_t kDefaultBaseBlock = 512;

// OpenBLAS's thread count is process-wide. Our workers each run a single-threaded GEMM; the first
// search to start sets OpenBLAS to 1 thread and the last to finish restores the old value.
class SingleThreadedBlasScope {
 public:
  SingleThreadedBlasScope() {
    std::lock_guard lock(mutex_);
    if (active_++ == 0) {
      saved_ = openblas_get_num_threads();
      openblas_set_num_threads(1);
    }
  }
  ~SingleThreadedBlasScope() {
    std::lock_guard lock(mutex_);
    if (--active_ == 0) openblas_set_num_threads(saved_);
  }
  SingleThreadedBlasScope(const SingleThreadedBlasScope&) = delete;
  SingleThreadedBlasScope& operator=(const SingleThreadedBlasScope&) = delete;

 private:
  static inline std::mutex mutex_;
  static inline int active_ = 0;
  static inline int saved_ = 1;
};

void require_finite(const DenseMatrix& m, const std::string& name, const char* what) {
  if (const auto at = find_non_finite(m)) {
    const float value = m.row(at->row)[at->col];
    throw InputError(std::string(what) + " row " + std::to_string(at->row) + " (0-based) holds " +
                         (std::isnan(value) ? "NaN" : "an infinite value"),
                     name, 0, "vectors must be finite");
  }
}

// |row|^2 per row, summed in double (squared_norm). Throws InputError when one does not fit in
// float32: L2 scores of such rows would be infinite (a ranking of ties).
std::vector<float> squared_norms(const DenseMatrix& m, const std::string& name, const char* what) {
  std::vector<float> norms(m.rows);
  for (std::size_t r = 0; r < m.rows; ++r) {
    const double sum = squared_norm({m.row(r), m.cols});
    norms[r] = static_cast<float>(sum);
    if (!std::isfinite(norms[r])) {
      char squared[32];
      std::snprintf(squared, sizeof squared, "%.3g", sum);
      throw InputError(std::string(what) + " row " + std::to_string(r) +
                           " (0-based) is too large for L2 in float32: its squared norm is " +
                           squared + " (float32 stops at 3.4e38)",
                       name, 0, "rescale the vectors (e.g. normalise them) or use --metric cos");
    }
  }
  return norms;
}

struct SearchPlan {
  const DenseMatrix* base;
  const DenseMatrix* queries;
  std::size_t k;         // output row length (padded past the base size)
  std::size_t k_search;  // min(k, base rows): what a TopK holds
  Metric metric;
  bool l2;
  const ExactKnnOptions* options;  // names of the inputs, for error messages
  std::vector<float> base_norms;   // L2 only: |b|^2
  std::vector<float> query_norms;  // L2 only: |q|^2
  std::size_t query_block;
  std::size_t base_block;
};

// L2 tiles hold 2 q.b - |b|^2 (the |q|^2 term does not change a query's ranking); this turns the
// kept scores into -|q - b|^2, clamped at 0 where rounding made a distance negative, and
// re-sorts because rounding and clamping can create new ties.
void finish_l2_row(float query_norm, std::int64_t* ids, float* scores, std::size_t k) {
  TopK<float> row(k);
  for (std::size_t i = 0; i < k && ids[i] >= 0; ++i) {
    row.push(std::min(0.0f, scores[i] - query_norm), ids[i]);
  }
  row.take_sorted(ids, scores);  // padding (-1, -inf) stays last
}

[[noreturn]] void throw_overflow(const SearchPlan& plan, std::size_t query, std::size_t base) {
  const char* what = plan.l2 ? "squared L2 distance" : "inner product";
  throw InputError(std::string(what) + " of query row " + std::to_string(query) +
                       " (0-based) and base row " + std::to_string(base) + " of " +
                       plan.options->base_name + " overflows float32 (not finite)",
                   plan.options->queries_name, 0,
                   "the vectors are too large for float32 arithmetic: rescale them (e.g. "
                   "normalise them) or use --metric cos");
}

void search_query_block(const SearchPlan& plan, std::size_t q0, std::vector<float>& tile,
                        std::vector<TopK<float>>& tops, SearchResults& out) {
  const DenseMatrix& base = *plan.base;
  const DenseMatrix& queries = *plan.queries;
  const std::size_t d = queries.cols;
  const std::size_t qn = std::min(plan.query_block, queries.rows - q0);
  const float alpha = plan.l2 ? 2.0f : 1.0f;
  for (std::size_t b0 = 0; b0 < base.rows; b0 += plan.base_block) {
    const std::size_t bn = std::min(plan.base_block, base.rows - b0);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(qn), static_cast<int>(bn),
                static_cast<int>(d), alpha, queries.row(q0), static_cast<int>(d), base.row(b0),
                static_cast<int>(d), 0.0f, tile.data(), static_cast<int>(bn));
    for (std::size_t i = 0; i < qn; ++i) {
      float* row = tile.data() + i * bn;
      if (plan.l2) {
        const float* norms = plan.base_norms.data() + b0;
        for (std::size_t j = 0; j < bn; ++j) row[j] -= norms[j];
      }
      for (std::size_t j = 0; j < bn; ++j) {
        // Finite inputs can still overflow float32 in the dot product (|q||b| > 3.4e38): the
        // ranking would be ties of inf. One compare per score, next to 2d FLOP to compute it.
        if (!std::isfinite(row[j])) throw_overflow(plan, q0 + i, b0 + j);
        // Unit vectors rounded to float32 and a float32 dot product can exceed the true cosine
        // (at most 1) by a few ulps times d (1.0000005 was seen): clamp to the possible range.
        if (plan.metric == Metric::kCosine) row[j] = std::clamp(row[j], -1.0f, 1.0f);
      }
      tops[i].push_run(row, bn, static_cast<std::int64_t>(b0));
    }
  }
  for (std::size_t i = 0; i < qn; ++i) {
    std::int64_t* ids = out.ids.data() + (q0 + i) * plan.k;
    float* scores = out.scores.data() + (q0 + i) * plan.k;
    tops[i].take_sorted(ids, scores);  // the first k_search entries; the rest stay padding
    if (plan.l2) {
      finish_l2_row(plan.query_norms[q0 + i], ids, scores, plan.k_search);
      // -|q - b|^2 = score - |q|^2 can still overflow when |q| + |b| passes ~1.8e19.
      for (std::size_t j = 0; j < plan.k_search; ++j) {
        if (ids[j] >= 0 && !std::isfinite(scores[j])) {
          throw_overflow(plan, q0 + i, static_cast<std::size_t>(ids[j]));
        }
      }
    }
  }
}

}  // namespace

SearchResults exact_knn(const DenseMatrix& base, const DenseMatrix& queries, std::size_t k,
                        Metric metric, const ExactKnnOptions& options) {
  EMBEVAL_CHECK(base.data.size() == base.rows * base.cols, "base matrix size != rows * cols");
  EMBEVAL_CHECK(queries.data.size() == queries.rows * queries.cols,
                "query matrix size != rows * cols");
  if (base.rows > 0 && base.cols != queries.cols) {
    throw InputError("dimension mismatch: base vectors have " + std::to_string(base.cols) +
                         " dimensions, queries have " + std::to_string(queries.cols),
                     {}, 0, "encode base and queries with the same model");
  }
  if (base.rows > 0 && queries.rows > 0 && queries.cols == 0) {
    throw InputError("vectors have 0 dimensions", {}, 0, "check the encoder output");
  }
  if (options.threads < 0) throw InputError("threads must be >= 0 (0 = all cores)");
  require_finite(base, options.base_name, "base");
  require_finite(queries, options.queries_name, "query");

  if (queries.rows > 0 && k > std::numeric_limits<std::size_t>::max() / 16 / queries.rows) {
    throw InputError("k = " + std::to_string(k) + " for " + std::to_string(queries.rows) +
                         " queries does not fit in memory",
                     {}, 0, "ask for at most as many neighbours as there are documents");
  }
  SearchResults out(queries.rows, k);
  if (k == 0 || queries.rows == 0 || base.rows == 0) return out;
  // A TopK reserves room for 2k entries: never more than the base can fill, whatever k is.
  const std::size_t k_search = std::min(k, base.rows);

  // Cosine is inner product on unit vectors; copies keep the caller's data untouched.
  std::optional<DenseMatrix> base_unit, queries_unit;
  if (metric == Metric::kCosine) {
    base_unit = normalized_rows(base);
    queries_unit = normalized_rows(queries);
  }
  SearchPlan plan{base_unit ? &*base_unit : &base,
                  queries_unit ? &*queries_unit : &queries,
                  k,
                  k_search,
                  metric,
                  metric == Metric::kL2,
                  &options,
                  {},
                  {},
                  options.query_block ? options.query_block : kDefaultQueryBlock,
                  options.base_block ? options.base_block : kDefaultBaseBlock};
  if (plan.l2) {
    plan.base_norms = squared_norms(base, options.base_name, "base");
    plan.query_norms = squared_norms(queries, options.queries_name, "query");
  }

  const std::size_t num_blocks = (queries.rows + plan.query_block - 1) / plan.query_block;
  const std::size_t threads = options.threads > 0 ? static_cast<std::size_t>(options.threads) : 0;

  SingleThreadedBlasScope blas_scope;
  Progress progress("exact knn", queries.rows, "queries", options.progress);
  std::mutex progress_mutex;
  // Per-worker scratch, allocated by its worker on first use. An InputError in a worker stops
  // the others after their current block and is rethrown here.
  struct Scratch {
    std::vector<float> tile;
    std::vector<TopK<float>> tops;
  };
  std::vector<Scratch> scratch(parallel_workers(num_blocks, threads));
  parallel_for(num_blocks, threads, [&](std::size_t b, std::size_t worker) {
    Scratch& s = scratch[worker];
    if (s.tops.empty()) {
      s.tile.resize(plan.query_block * plan.base_block);
      s.tops.assign(plan.query_block, TopK<float>(k_search));
    }
    const std::size_t q0 = b * plan.query_block;
    search_query_block(plan, q0, s.tile, s.tops, out);
    std::lock_guard lock(progress_mutex);
    progress.add(std::min(plan.query_block, queries.rows - q0));
  });
  progress.finish();
  return out;
}

}  // namespace embeval
