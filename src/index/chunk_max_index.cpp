#include "embeval/index/chunk_max_index.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"

namespace embeval {

ChunkMaxIndex::ChunkMaxIndex(Metric metric, int threads) : chunks_(metric, threads) {}

void ChunkMaxIndex::add(const EmbeddingBatch& documents) {
  if (!documents.multi) {
    throw InputError("chunk index: document batch has no per-chunk vectors", {}, 0,
                     "chunk_agg=max needs an encoder with window= (see docs/gguf.md)");
  }
  const MultiVectorMatrix& m = *documents.multi;
  EMBEVAL_CHECK(!m.offsets.empty() && m.offsets.front() == 0 && m.offsets.back() == m.vectors.rows,
                "chunk index: offsets do not cover the chunk rows");
  for (std::size_t doc = 0; doc < m.texts(); ++doc) {
    EMBEVAL_CHECK(m.offsets[doc] <= m.offsets[doc + 1], "chunk index: offsets decrease");
    for (std::size_t r = m.offsets[doc]; r < m.offsets[doc + 1]; ++r) {
      const float* v = m.vectors.row(r);
      if (!all_finite({v, m.vectors.cols})) {
        throw InputError("chunk index: document " + std::to_string(documents_ + doc) +
                             " (0-based), chunk " + std::to_string(r - m.offsets[doc]) +
                             ", holds a NaN or infinite value",
                         {}, 0, "vectors must be finite");
      }
      chunk_document_.push_back(static_cast<std::int64_t>(documents_ + doc));
    }
  }
  EmbeddingBatch rows;
  rows.dense = m.vectors;
  chunks_.add(rows);
  documents_ += m.texts();
}

SearchResults ChunkMaxIndex::collapse(const SearchResults& chunk_hits, std::size_t k,
                                      std::vector<bool>& complete) const {
  SearchResults out(chunk_hits.num_queries, k);
  const bool exhausted = chunk_hits.k >= chunk_document_.size();
  for (std::size_t q = 0; q < chunk_hits.num_queries; ++q) {
    std::size_t found = 0;
    std::int64_t* ids = out.ids.data() + q * k;
    float* scores = out.scores.data() + q * k;
    for (std::size_t j = 0; j < chunk_hits.k && found < k; ++j) {
      const std::int64_t chunk = chunk_hits.ids[q * chunk_hits.k + j];
      if (chunk < 0) break;
      const std::int64_t doc = chunk_document_[static_cast<std::size_t>(chunk)];
      // k is small (a run's depth): a linear scan beats a hash set here.
      if (std::find(ids, ids + found, doc) != ids + found) continue;
      ids[found] = doc;
      scores[found] = chunk_hits.scores[q * chunk_hits.k + j];
      ++found;
    }
    complete[q] = found == k || exhausted;
  }
  return out;
}

SearchResults ChunkMaxIndex::search(const EmbeddingBatch& queries, std::size_t k) const {
  if (!queries.dense) {
    throw InputError("chunk index: query batch has no dense vectors", {}, 0,
                     "queries are encoded as one vector each");
  }
  const DenseMatrix& all = *queries.dense;
  SearchResults out(all.rows, k);
  if (k == 0 || all.rows == 0 || chunk_document_.empty()) return out;
  // The best k documents are the first k distinct documents of the chunk ranking. Most queries
  // find them within a few times k chunks; the rest are searched again, twice as deep, until
  // they have k documents or the chunks run out.
  std::size_t depth = std::min(chunk_document_.size(), 4 * k);
  std::vector<std::size_t> pending(all.rows);
  for (std::size_t q = 0; q < all.rows; ++q) pending[q] = q;
  while (!pending.empty()) {
    EmbeddingBatch subset;
    subset.dense = DenseMatrix(pending.size(), all.cols);
    for (std::size_t i = 0; i < pending.size(); ++i) {
      std::copy(all.row(pending[i]), all.row(pending[i]) + all.cols, subset.dense->row(i));
    }
    std::vector<bool> complete(pending.size());
    const SearchResults docs = collapse(chunks_.search(subset, depth), k, complete);
    std::vector<std::size_t> still;
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!complete[i]) {
        still.push_back(pending[i]);
        continue;
      }
      std::copy_n(docs.ids.begin() + i * k, k, out.ids.begin() + pending[i] * k);
      std::copy_n(docs.scores.begin() + i * k, k, out.scores.begin() + pending[i] * k);
    }
    pending = std::move(still);
    depth = std::min(chunk_document_.size(), 2 * depth);
  }
  return out;
}

std::size_t ChunkMaxIndex::memory_bytes() const {
  return sizeof(*this) + chunks_.memory_bytes() + chunk_document_.capacity() * sizeof(std::int64_t);
}

}  // namespace embeval
