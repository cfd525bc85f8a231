#include "embeval/probe/alignment.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <nlohmann/json.hpp>
#include <span>
#include <vector>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/util/parallel_for.h"

namespace embeval {
namespace {

constexpr std::size_t kMarginNeighbours = 4;  // LASER's k
constexpr double kUndefined = -std::numeric_limits<double>::infinity();

// Fills out[j] = cos(s_i, t_j) for every j; must give the same bits every call. Called from
// several threads at once for distinct i; `worker` (< the workers of parallel_for) names the
// caller's scratch.
using CosineRow = std::function<void(std::size_t i, std::size_t worker, std::span<double> out)>;

// Rows computed together (in parallel), then consumed in order: the figures never depend on the
// thread count.
constexpr std::size_t kBlockRows = 64;

// Calls consume(i, cos(i, .)) for i = 0 .. n-1 in order, the rows computed kBlockRows at a time
// on `threads` threads.
void for_each_row(std::size_t n, std::size_t threads, const CosineRow& cosines,
                  const std::function<void(std::size_t i, std::span<double> row)>& consume) {
  std::vector<double> block(std::min(n, kBlockRows) * n);
  for (std::size_t first = 0; first < n; first += kBlockRows) {
    const std::size_t rows = std::min(kBlockRows, n - first);
    parallel_for(rows, threads, [&](std::size_t r, std::size_t worker) {
      cosines(first + r, worker, {block.data() + r * n, n});
    });
    for (std::size_t r = 0; r < rows; ++r) consume(first + r, {block.data() + r * n, n});
  }
}

// The k largest values seen, for one row or column: their sum is all the margin needs. Kept in
// descending order and summed largest first, so the sum does not depend on the order of arrival.
class LargestK {
 public:
  explicit LargestK(std::size_t k) : k_(k) {}
  void add(double v) {
    if (count_ == k_ && !(v > top_[k_ - 1])) return;
    std::size_t m = count_ < k_ ? count_++ : k_ - 1;
    for (; m > 0 && top_[m - 1] < v; --m) top_[m] = top_[m - 1];
    top_[m] = v;
  }
  double sum() const {
    double s = 0;
    for (std::size_t m = 0; m < count_; ++m) s += top_[m];
    return s;
  }

 private:
  std::size_t k_;
  std::size_t count_ = 0;
  std::array<double, kMarginNeighbours> top_{};
};

// The best value down each column so far, ties to the first (lowest) row.
struct ColumnArgmax {
  std::vector<double> best;
  std::vector<std::size_t> row;
  explicit ColumnArgmax(std::size_t n) : best(n, kUndefined), row(n, 0) {}
  void add(std::size_t i, std::span<const double> values) {
    for (std::size_t j = 0; j < values.size(); ++j) {
      if (i == 0 || values[j] > best[j]) {
        best[j] = values[j];
        row[j] = i;
      }
    }
  }
  std::size_t hits() const {
    std::size_t h = 0;
    for (std::size_t j = 0; j < row.size(); ++j) h += row[j] == j ? 1 : 0;
    return h;
  }
};

// argmax over `values`, ties to the lowest index.
std::size_t row_argmax(std::span<const double> values) {
  std::size_t best = 0;
  for (std::size_t j = 1; j < values.size(); ++j) {
    if (values[j] > values[best]) best = j;
  }
  return best;
}

AlignmentScores score(std::size_t n, std::size_t threads, const CosineRow& cosines) {
  EMBEVAL_CHECK(n >= 2, "alignment: needs at least 2 pairs");
  const std::size_t k = std::min(kMarginNeighbours, n);
  const double two_k = 2.0 * static_cast<double>(k);
  AlignmentScores s;
  s.pairs = n;

  // Pass 1: plain argmax both ways, the mean cosines and each side's neighbourhood term.
  std::vector<double> r_src(n);
  std::vector<LargestK> column_top(n, LargestK(k));
  ColumnArgmax column_best(n);
  std::size_t src_hits = 0;
  double true_sum = 0, shuffled_sum = 0;
  for_each_row(n, threads, cosines, [&](std::size_t i, std::span<double> row) {
    if (row_argmax(row) == i) ++src_hits;
    column_best.add(i, row);
    true_sum += row[i];
    shuffled_sum += row[(i + 1) % n];
    LargestK row_top(k);
    for (std::size_t j = 0; j < n; ++j) {
      row_top.add(row[j]);
      column_top[j].add(row[j]);
    }
    r_src[i] = row_top.sum() / two_k;
  });
  std::vector<double> r_tgt(n);
  for (std::size_t j = 0; j < n; ++j) r_tgt[j] = column_top[j].sum() / two_k;

  // Pass 2: the margins, recomputed row by row.
  std::size_t margin_src_hits = 0;
  ColumnArgmax margin_column_best(n);
  for_each_row(n, threads, cosines, [&](std::size_t i, std::span<double> row) {
    for (std::size_t j = 0; j < n; ++j) {
      const double denominator = r_src[i] + r_tgt[j];
      if (denominator > 0) {
        row[j] /= denominator;
      } else {
        row[j] = kUndefined;
        ++s.undefined_margins;
      }
    }
    if (row_argmax(row) == i) ++margin_src_hits;
    margin_column_best.add(i, row);
  });

  const double count = static_cast<double>(n);
  s.accuracy_src_to_tgt = static_cast<double>(src_hits) / count;
  s.accuracy_tgt_to_src = static_cast<double>(column_best.hits()) / count;
  s.margin_accuracy_src_to_tgt = static_cast<double>(margin_src_hits) / count;
  s.margin_accuracy_tgt_to_src = static_cast<double>(margin_column_best.hits()) / count;
  s.mean_cos_true = true_sum / count;
  s.mean_cos_shuffled = shuffled_sum / count;
  return s;
}

void check_unit_or_zero_rows(const DenseMatrix& m, const char* side) {
  for (std::size_t i = 0; i < m.rows; ++i) {
    const double norm2 = squared_norm({m.row(i), m.cols});
    EMBEVAL_CHECK(norm2 == 0 || std::abs(norm2 - 1.0) < 1e-3,
                  std::string("alignment: a row of the ") + side + " is not L2-normalised");
  }
}

std::size_t zero_rows(const DenseMatrix& m) {
  std::size_t zeros = 0;
  for (std::size_t i = 0; i < m.rows; ++i) zeros += squared_norm({m.row(i), m.cols}) == 0 ? 1 : 0;
  return zeros;
}

// 1 / L2 norm of each sparse row (0 for a row without weight), in double.
std::vector<double> inverse_norms(const SparseMatrix& m) {
  std::vector<double> inv(m.rows, 0.0);
  for (std::size_t i = 0; i < m.rows; ++i) {
    const double norm2 = squared_norm(m.row_values(i));
    if (norm2 > 0) inv[i] = 1.0 / std::sqrt(norm2);
  }
  return inv;
}

}  // namespace

AlignmentScores score_alignment(const DenseMatrix& sources, const DenseMatrix& targets,
                                std::size_t threads) {
  EMBEVAL_CHECK(sources.rows == targets.rows && sources.cols == targets.cols,
                "alignment: sources and targets differ in shape");
  check_unit_or_zero_rows(sources, "sources");
  check_unit_or_zero_rows(targets, "targets");
  const std::size_t d = sources.cols;
  AlignmentScores s =
      score(sources.rows, threads, [&](std::size_t i, std::size_t, std::span<double> out) {
        const float* x = sources.row(i);
        for (std::size_t j = 0; j < targets.rows; ++j) {
          const float* y = targets.row(j);
          double dot = 0;
          for (std::size_t c = 0; c < d; ++c) dot += static_cast<double>(x[c]) * y[c];
          out[j] = dot;
        }
      });
  s.zero_sources = zero_rows(sources);
  s.zero_targets = zero_rows(targets);
  return s;
}

AlignmentScores score_alignment(const SparseMatrix& sources, const SparseMatrix& targets,
                                std::size_t threads) {
  EMBEVAL_CHECK(sources.rows == targets.rows && sources.dim == targets.dim,
                "alignment: sources and targets differ in shape");
  const std::vector<double> inv_s = inverse_norms(sources);
  const std::vector<double> inv_t = inverse_norms(targets);
  // Per worker: s_i scattered into a dense, normalised vector (zero again after each row).
  std::vector<std::vector<double>> scratch(
      parallel_workers(std::min(sources.rows, kBlockRows), threads),
      std::vector<double>(sources.dim, 0.0));
  AlignmentScores s =
      score(sources.rows, threads, [&](std::size_t i, std::size_t worker, std::span<double> out) {
        std::vector<double>& scattered = scratch[worker];
        const auto ids = sources.row_indices(i);
        const auto weights = sources.row_values(i);
        for (std::size_t m = 0; m < ids.size(); ++m) scattered[ids[m]] = weights[m] * inv_s[i];
        for (std::size_t j = 0; j < targets.rows; ++j) {
          const auto t_ids = targets.row_indices(j);
          const auto t_weights = targets.row_values(j);
          double dot = 0;
          for (std::size_t m = 0; m < t_ids.size(); ++m) dot += scattered[t_ids[m]] * t_weights[m];
          out[j] = dot * inv_t[j];
        }
        for (const std::uint32_t id : ids) scattered[id] = 0.0;
      });
  for (std::size_t i = 0; i < sources.rows; ++i) {
    s.zero_sources += inv_s[i] == 0 ? 1 : 0;
    s.zero_targets += inv_t[i] == 0 ? 1 : 0;
  }
  return s;
}

std::string alignment_json(const AlignmentScores& s) {
  const nlohmann::ordered_json j = {{"pairs", s.pairs},
                                    {"accuracy_src_to_tgt", s.accuracy_src_to_tgt},
                                    {"accuracy_tgt_to_src", s.accuracy_tgt_to_src},
                                    {"margin_accuracy_src_to_tgt", s.margin_accuracy_src_to_tgt},
                                    {"margin_accuracy_tgt_to_src", s.margin_accuracy_tgt_to_src},
                                    {"mean_cos_true", s.mean_cos_true},
                                    {"mean_cos_shuffled", s.mean_cos_shuffled}};
  return j.dump(2) + "\n";
}

std::string alignment_table(const AlignmentScores& s, const std::string& model) {
  char line[256];
  std::string out = "alignment of " + std::to_string(s.pairs) + " pairs, model " + model + "\n";
  const std::size_t k = std::min(kMarginNeighbours, s.pairs);
  out += "direction     accuracy  margin accuracy (LASER, k=" + std::to_string(k) + ")\n";
  out += "----------  ----------  ----------------------------\n";
  std::snprintf(line, sizeof line, "src -> tgt  %10.4f  %28.4f\n", s.accuracy_src_to_tgt,
                s.margin_accuracy_src_to_tgt);
  out += line;
  std::snprintf(line, sizeof line, "tgt -> src  %10.4f  %28.4f\n", s.accuracy_tgt_to_src,
                s.margin_accuracy_tgt_to_src);
  out += line;
  std::snprintf(line, sizeof line, "mean cosine: %.4f true pairs, %.4f shuffled pairs\n",
                s.mean_cos_true, s.mean_cos_shuffled);
  out += line;
  if (s.zero_sources + s.zero_targets > 0) {
    out += "note: " + std::to_string(s.zero_sources) + " source(s) and " +
           std::to_string(s.zero_targets) +
           " target(s) encode to the zero vector (e.g. no word the model knows): cosine 0 with "
           "everything\n";
  }
  if (s.undefined_margins > 0) {
    out += "note: " + std::to_string(s.undefined_margins) +
           " (source, target) margins are undefined (neighbourhood cosines sum to <= 0) and rank "
           "last\n";
  }
  return out;
}

}  // namespace embeval
