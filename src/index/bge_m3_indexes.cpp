#include "embeval/index/bge_m3_indexes.h"

#include <algorithm>
#include <limits>
#include <string>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/core/topk.h"
#include "embeval/util/parallel_for.h"

namespace embeval {
namespace {

double dot(const float* a, const float* b, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<double>(a[i]) * static_cast<double>(b[i]);
  return s;
}

// Sum over shared ids of the two rows' weights (ids increase within a row).
double sparse_dot(const SparseMatrix& a, std::size_t i, const SparseMatrix& b, std::size_t j) {
  const auto ai = a.row_indices(i), bi = b.row_indices(j);
  const auto av = a.row_values(i), bv = b.row_values(j);
  double s = 0;
  for (std::size_t x = 0, y = 0; x < ai.size() && y < bi.size();) {
    if (ai[x] < bi[y]) {
      ++x;
    } else if (bi[y] < ai[x]) {
      ++y;
    } else {
      s += static_cast<double>(av[x++]) * static_cast<double>(bv[y++]);
    }
  }
  return s;
}

void require(bool present, const char* part, const char* what) {
  if (!present) {
    throw InputError(std::string("bge-m3 index: the ") + what + " have no " + part + " rows", {}, 0,
                     "these indexes serve bge-m3's output=combined or rerank_top=N");
  }
}

void check_queries(const EmbeddingBatch& q, const BgeM3DocumentStore& store, bool with_sparse) {
  require(q.dense.has_value(), "dense", "queries");
  require(q.multi.has_value(), "multi-vector", "queries");
  if (with_sparse) require(q.sparse.has_value(), "sparse", "queries");
  if (store.documents > 0 &&
      (q.dense->cols != store.dense_dim || (q.multi->vectors.rows > 0 && store.multi_dim != 0 &&
                                            q.multi->vectors.cols != store.multi_dim))) {
    throw InputError("bge-m3 index: queries and documents have different dimensions", {}, 0,
                     "encode queries and documents with the same model");
  }
}

}  // namespace

void BgeM3DocumentStore::add(const EmbeddingBatch& batch, bool with_sparse) {
  require(batch.dense.has_value(), "dense", "documents");
  require(batch.multi.has_value(), "multi-vector", "documents");
  if (with_sparse) require(batch.sparse.has_value(), "sparse", "documents");
  const DenseMatrix& d = *batch.dense;
  const MultiVectorMatrix& m = *batch.multi;
  EMBEVAL_CHECK(m.texts() == d.rows && (!with_sparse || batch.sparse->rows == d.rows),
                "bge-m3 index: the parts of a batch disagree on its texts");
  if ((documents > 0 && d.cols != dense_dim) ||
      (m.vectors.rows > 0 && multi_dim != 0 && m.vectors.cols != multi_dim)) {
    throw InputError("bge-m3 index: a batch of another dimension", {}, 0,
                     "every batch must come from one model");
  }
  if (find_non_finite(d) || find_non_finite(m.vectors)) {
    throw InputError("bge-m3 index: a document row holds a NaN or infinite value", {}, 0,
                     "vectors must be finite");
  }
  dense_dim = d.cols;
  if (m.vectors.rows > 0) multi_dim = m.vectors.cols;
  dense.insert(dense.end(), d.data.begin(), d.data.end());
  multi.insert(multi.end(), m.vectors.data.begin(), m.vectors.data.end());
  for (std::size_t i = 0; i < m.texts(); ++i) {
    multi_rows.push_back(multi_rows.back() + (m.offsets[i + 1] - m.offsets[i]));
  }
  if (with_sparse) {
    const SparseMatrix& s = *batch.sparse;
    sparse.dim = std::max(sparse.dim, s.dim);
    for (std::size_t i = 0; i < s.rows; ++i) {
      sparse.append_row(s.row_indices(i), s.row_values(i));
    }
  }
  documents += d.rows;
}

std::size_t BgeM3DocumentStore::memory_bytes() const {
  return (dense.capacity() + multi.capacity() + sparse.values.capacity()) * sizeof(float) +
         sparse.indices.capacity() * sizeof(std::uint32_t) +
         (sparse.indptr.capacity() + multi_rows.capacity()) * sizeof(std::uint64_t);
}

double max_sim_score(const float* query, std::size_t qn, const float* document, std::size_t dn,
                     std::size_t dim) {
  if (qn == 0 || dn == 0) return 0;
  double sum = 0;
  for (std::size_t r = 0; r < qn; ++r) {
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t j = 0; j < dn; ++j) {
      best = std::max(best, dot(query + r * dim, document + j * dim, dim));
    }
    sum += best;
  }
  return sum / static_cast<double>(qn);
}

CombinedScoreIndex::CombinedScoreIndex(std::array<double, 3> weights, int threads)
    : weights_(weights), threads_(threads) {
  EMBEVAL_CHECK(weights[0] >= 0 && weights[1] >= 0 && weights[2] >= 0 &&
                    weights[0] + weights[1] + weights[2] > 0,
                "CombinedScoreIndex: weights >= 0 with a positive sum");
}

SearchResults CombinedScoreIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  check_queries(queries, store_, true);
  const DenseMatrix& qd = *queries.dense;
  const SparseMatrix& qs = *queries.sparse;
  const MultiVectorMatrix& qm = *queries.multi;
  const double total = weights_[0] + weights_[1] + weights_[2];
  SearchResults results(qd.rows, k);
  parallel_for(
      qd.rows, static_cast<std::size_t>(std::max(threads_, 0)), [&](std::size_t q, std::size_t) {
        TopK<double> top(k);
        const float* qrows = qm.vectors.data.data() + qm.offsets[q] * qm.vectors.cols;
        const std::size_t qn = qm.offsets[q + 1] - qm.offsets[q];
        for (std::size_t d = 0; d < store_.documents; ++d) {
          double s = 0;
          if (weights_[0] > 0) {
            s += weights_[0] *
                 dot(qd.row(q), store_.dense.data() + d * store_.dense_dim, store_.dense_dim);
          }
          if (weights_[1] > 0) s += weights_[1] * sparse_dot(qs, q, store_.sparse, d);
          if (weights_[2] > 0) {
            const std::size_t first = store_.multi_rows[d];
            s += weights_[2] * max_sim_score(qrows, qn,
                                             store_.multi.data() + first * store_.multi_dim,
                                             store_.multi_rows[d + 1] - first, store_.multi_dim);
          }
          top.push(s / total, static_cast<std::int64_t>(d));
        }
        top.take_sorted(results.ids.data() + q * k, results.scores.data() + q * k);
      });
  return results;
}

SearchResults MaxSimRerankIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  check_queries(queries, store_, false);
  const DenseMatrix& qd = *queries.dense;
  const MultiVectorMatrix& qm = *queries.multi;
  SearchResults results(qd.rows, k);
  const std::size_t n = std::min(top_, store_.documents);
  parallel_for(
      qd.rows, static_cast<std::size_t>(std::max(threads_, 0)), [&](std::size_t q, std::size_t) {
        // First stage: the dense top N (ties: smaller id), as the exact dense index.
        TopK<double> first(n);
        for (std::size_t d = 0; d < store_.documents; ++d) {
          first.push(dot(qd.row(q), store_.dense.data() + d * store_.dense_dim, store_.dense_dim),
                     static_cast<std::int64_t>(d));
        }
        std::vector<std::int64_t> ids(n);
        std::vector<float> scores(n);
        first.take_sorted(ids.data(), scores.data());
        const float* qrows = qm.vectors.data.data() + qm.offsets[q] * qm.vectors.cols;
        const std::size_t qn = qm.offsets[q + 1] - qm.offsets[q];
        TopK<double> second(k);
        for (std::int64_t id : ids) {
          if (id < 0) continue;
          const auto d = static_cast<std::size_t>(id);
          const std::size_t rows = store_.multi_rows[d + 1] - store_.multi_rows[d];
          if (qn == 0 || rows == 0) continue;  // as MaxSimIndex: nothing to match
          second.push(max_sim_score(qrows, qn,
                                    store_.multi.data() + store_.multi_rows[d] * store_.multi_dim,
                                    rows, store_.multi_dim),
                      id);
        }
        second.take_sorted(results.ids.data() + q * k, results.scores.data() + q * k);
      });
  return results;
}

}  // namespace embeval
