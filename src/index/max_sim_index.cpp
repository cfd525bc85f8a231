#include "embeval/index/max_sim_index.h"

#include <cblas.h>

#include <algorithm>
#include <limits>
#include <string>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/core/topk.h"
#include "embeval/util/parallel_for.h"

namespace embeval {
namespace {

// Document rows per SGEMM tile: a query of 32 rows x 4096 rows is 512 KiB of scores, which
// stays in L2 while the per-document maxima are taken.
constexpr std::size_t kRowBlock = 4096;

const MultiVectorMatrix& multi_of(const EmbeddingBatch& batch, const char* what) {
  if (!batch.multi) {
    throw InputError(std::string("max-sim index: the ") + what + " have no multi-vector rows", {},
                     0,
                     "late interaction needs a multi-vector model (e.g. BGE-M3's colbert output)");
  }
  const MultiVectorMatrix& m = *batch.multi;
  EMBEVAL_CHECK(!m.offsets.empty() && m.offsets.front() == 0 && m.offsets.back() == m.vectors.rows,
                "max-sim index: offsets do not cover the rows");
  return m;
}

}  // namespace

void MaxSimIndex::add(const EmbeddingBatch& documents) {
  const MultiVectorMatrix& m = multi_of(documents, "documents");
  if (m.vectors.rows > 0) {
    if (dim_ != 0 && m.vectors.cols != dim_) {
      throw InputError("max-sim index: documents of dimension " + std::to_string(m.vectors.cols) +
                           " after " + std::to_string(dim_),
                       {}, 0, "every batch must come from one model");
    }
    if (const auto bad = find_non_finite(m.vectors)) {
      throw InputError("max-sim index: a document row holds a NaN or infinite value (row " +
                           std::to_string(bad->row) + " of the batch)",
                       {}, 0, "vectors must be finite");
    }
    dim_ = m.vectors.cols;
  }
  for (std::size_t doc = 0; doc < m.texts(); ++doc) {
    EMBEVAL_CHECK(m.offsets[doc] <= m.offsets[doc + 1], "max-sim index: offsets decrease");
    document_rows_.push_back(document_rows_.back() + (m.offsets[doc + 1] - m.offsets[doc]));
  }
  rows_.insert(rows_.end(), m.vectors.data.begin(), m.vectors.data.end());
}

SearchResults MaxSimIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  const MultiVectorMatrix& q = multi_of(queries, "queries");
  if (q.vectors.rows > 0 && dim_ != 0 && q.vectors.cols != dim_) {
    throw InputError("max-sim index: queries of dimension " + std::to_string(q.vectors.cols) +
                         ", documents of " + std::to_string(dim_),
                     {}, 0, "encode queries and documents with the same model");
  }
  const std::size_t documents = size();
  const std::size_t total_rows = document_rows_.back();
  // The row -> document map, so a tile's columns find their document without a search.
  std::vector<std::uint32_t> row_document(total_rows);
  for (std::size_t d = 0; d < documents; ++d) {
    std::fill(row_document.begin() + static_cast<std::ptrdiff_t>(document_rows_[d]),
              row_document.begin() + static_cast<std::ptrdiff_t>(document_rows_[d + 1]),
              static_cast<std::uint32_t>(d));
  }
  SearchResults results(q.texts(), k);
  parallel_for(q.texts(), static_cast<std::size_t>(std::max(threads_, 0)),
               [&](std::size_t query, std::size_t) {
                 const std::size_t first = q.offsets[query];
                 const std::size_t n = q.offsets[query + 1] - first;
                 if (n == 0 || documents == 0 || k == 0) return;
                 // best[r * documents + d]: query row r's max over document d's rows.
                 std::vector<float> best(n * documents, -std::numeric_limits<float>::infinity());
                 std::vector<float> tile(n * kRowBlock);
                 for (std::size_t r0 = 0; r0 < total_rows; r0 += kRowBlock) {
                   const std::size_t rn = std::min(kRowBlock, total_rows - r0);
                   cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, static_cast<int>(n),
                               static_cast<int>(rn), static_cast<int>(dim_), 1.0f,
                               q.vectors.row(first), static_cast<int>(dim_),
                               rows_.data() + r0 * dim_, static_cast<int>(dim_), 0.0f, tile.data(),
                               static_cast<int>(rn));
                   for (std::size_t r = 0; r < n; ++r) {
                     float* row_best = best.data() + r * documents;
                     const float* scores = tile.data() + r * rn;
                     for (std::size_t j = 0; j < rn; ++j) {
                       float& b = row_best[row_document[r0 + j]];
                       b = std::max(b, scores[j]);
                     }
                   }
                 }
                 TopK<double> top(k);
                 for (std::size_t d = 0; d < documents; ++d) {
                   if (document_rows_[d] == document_rows_[d + 1]) continue;  // no rows
                   double sum = 0;
                   for (std::size_t r = 0; r < n; ++r) sum += best[r * documents + d];
                   top.push(sum / static_cast<double>(n), static_cast<std::int64_t>(d));
                 }
                 top.take_sorted(results.ids.data() + query * k, results.scores.data() + query * k);
               });
  return results;
}

std::size_t MaxSimIndex::memory_bytes() const {
  return rows_.capacity() * sizeof(float) + document_rows_.capacity() * sizeof(std::size_t);
}

}  // namespace embeval
