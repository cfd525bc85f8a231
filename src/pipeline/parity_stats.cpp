// The parity check's arithmetic: rows of two models' vectors, cosines, top-k overlap, the
// percentiles and the paired nDCG difference.
#include <algorithm>
#include <cmath>
#include <set>

#include "embeval/core/error.h"
#include "embeval/pipeline/parity.h"
#include "pipeline/parity_vectors.h"

namespace embeval {
namespace {

double clamp_cosine(double dot, double aa, double bb) {
  if (aa == 0 && bb == 0) return 1;
  if (aa == 0 || bb == 0) return 0;
  // Identical rows give dot == aa == bb exactly, and sqrt(fl(aa * aa)) == aa in binary floating
  // point: the cosine of a vector with itself is exactly 1.
  return std::clamp(dot / std::sqrt(aa * bb), -1.0, 1.0);
}

double dense_cosine(const float* a, const float* b, std::size_t dim, bool* zero) {
  double dot = 0, aa = 0, bb = 0;
  for (std::size_t j = 0; j < dim; ++j) {
    dot += static_cast<double>(a[j]) * b[j];
    aa += static_cast<double>(a[j]) * a[j];
    bb += static_cast<double>(b[j]) * b[j];
  }
  *zero = aa == 0 || bb == 0;
  return clamp_cosine(dot, aa, bb);
}

double sparse_cosine(const SparseMatrix& a, const SparseMatrix& b, std::size_t row, bool* zero) {
  const SparseRowProducts p = sparse_row_products(a, row, b, row);
  *zero = p.aa == 0 || p.bb == 0;
  return clamp_cosine(p.dot, p.aa, p.bb);
}

// numpy.percentile's default ("linear"): position h = (n - 1) q between order statistics.
double percentile(const std::vector<double>& sorted, double q) {
  const double h = static_cast<double>(sorted.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

void RowVectors::append(const EmbeddingBatch& batch, const std::string& model) {
  if (batch.multi) {
    throw InputError("model '" + model +
                         "' keeps several vectors per text (chunk_agg=max); parity compares one "
                         "vector per text",
                     "", 0, "use chunk_agg=mean or chunk_agg=first");
  }
  if (batch.dense && batch.sparse) {
    throw InputError("model '" + model +
                         "' gives both dense and sparse vectors; parity compares "
                         "one kind",
                     "", 0, "check its dense and its sparse part as separate models");
  }
  EMBEVAL_CHECK(batch.dense || batch.sparse, "parity: a batch without vectors");
  if (!started_) {
    started_ = true;
    sparse_ = batch.sparse.has_value();
    if (sparse_) {
      sparse_rows_.dim = batch.sparse->dim;
    } else {
      dense_.cols = batch.dense->cols;
    }
  }
  EMBEVAL_CHECK(sparse_ == batch.sparse.has_value(), "parity: batches of different kinds");
  if (!sparse_) {
    EMBEVAL_CHECK(batch.dense->cols == dense_.cols, "parity: batches of different dimensions");
    dense_.data.insert(dense_.data.end(), batch.dense->data.begin(), batch.dense->data.end());
    dense_.rows += batch.dense->rows;
    return;
  }
  const SparseMatrix& rows = *batch.sparse;
  // A fitted vocabulary is fixed before encoding, but take the widest in case it grows.
  sparse_rows_.dim = std::max(sparse_rows_.dim, rows.dim);
  for (std::size_t i = 0; i < rows.rows; ++i) {
    sparse_rows_.append_row(rows.row_indices(i), rows.row_values(i));
  }
}

std::vector<double> row_cosines(const RowVectors& a, const RowVectors& b, std::size_t* zero_rows) {
  EMBEVAL_CHECK(a.is_sparse() == b.is_sparse() && a.rows() == b.rows() && a.dim() == b.dim(),
                "parity: cosines of unlike matrices");
  std::vector<double> out(a.rows());
  *zero_rows = 0;
  for (std::size_t i = 0; i < a.rows(); ++i) {
    bool zero = false;
    if (a.is_sparse()) {
      out[i] = sparse_cosine(a.sparse(), b.sparse(), i, &zero);
    } else {
      const std::size_t d = a.dim();
      out[i] = dense_cosine(a.dense().data.data() + i * d, b.dense().data.data() + i * d, d, &zero);
    }
    *zero_rows += zero ? 1 : 0;
  }
  return out;
}

TopOverlap top_overlap(const SearchResults& a, const SearchResults& b) {
  EMBEVAL_CHECK(a.num_queries == b.num_queries, "parity: rankings of different query counts");
  TopOverlap out;
  if (a.num_queries == 0) return out;
  double sum = 0, min = 1;
  for (std::size_t q = 0; q < a.num_queries; ++q) {
    std::set<std::int64_t> top_a, top_b;
    for (std::size_t r = 0; r < a.k; ++r) {
      if (a.ids[q * a.k + r] >= 0) top_a.insert(a.ids[q * a.k + r]);
    }
    for (std::size_t r = 0; r < b.k; ++r) {
      if (b.ids[q * b.k + r] >= 0) top_b.insert(b.ids[q * b.k + r]);
    }
    double share = 1;
    if (!top_a.empty() || !top_b.empty()) {
      std::size_t common = 0;
      for (const auto id : top_a) common += top_b.count(id);
      share =
          static_cast<double>(common) / static_cast<double>(std::max(top_a.size(), top_b.size()));
    }
    sum += share;
    min = std::min(min, share);
  }
  out.mean = sum / static_cast<double>(a.num_queries);
  out.min = min;
  return out;
}

PairedTestResult paired_difference(std::span<const double> a, std::span<const double> b) {
  EMBEVAL_CHECK(a.size() == b.size() && !a.empty(), "parity: nDCG of unlike query sets");
  if (a.size() >= 2) return paired_test(a, b, PairedTestOptions{});
  PairedTestResult r;
  r.n_queries = 1;
  r.mean_a = a[0];
  r.mean_b = b[0];
  r.diff = a[0] - b[0];
  r.p = r.diff == 0 ? 1 : 0;
  r.ci_low = r.ci_high = r.diff;
  r.wins = r.diff > kTieTolerance ? 1 : 0;
  r.losses = r.diff < -kTieTolerance ? 1 : 0;
  r.ties = 1 - r.wins - r.losses;
  return r;
}

CosineSummary summarize_cosines(std::vector<double> values) {
  EMBEVAL_CHECK(!values.empty(), "parity: no cosines to summarise");
  std::sort(values.begin(), values.end());
  CosineSummary s;
  s.texts = values.size();
  s.min = values.front();
  s.p1 = percentile(values, 0.01);
  s.median = percentile(values, 0.5);
  double sum = 0;
  for (const double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  return s;
}

}  // namespace embeval
