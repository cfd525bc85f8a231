// Long documents as several vectors: a document's score is the best score of any of its chunks
// (sliding windows, `chunk_agg=max`), for single-vector queries. Exact: built on exact_knn over
// all chunk rows, so it is its own oracle's twin (tests compare it with a per-document max).
//
// Documents arrive as EmbeddingBatch::multi (embeddings.h): document i of a batch owns chunk rows
// offsets[i] .. offsets[i+1]. Queries arrive as EmbeddingBatch::dense, one row each.
// Results follow index.h: `num_queries x k`, best first; equal scores rank the smaller document
// id first (chunks are stored document by document, so the first chunk hit of a document is its
// maximum, and between documents a smaller chunk id means a smaller document id).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "embeval/core/index.h"
#include "embeval/index/exact_index.h"

namespace embeval {

class ChunkMaxIndex : public Index {
 public:
  // threads: as ExactKnnOptions (0 = all hardware threads).
  explicit ChunkMaxIndex(Metric metric = Metric::kInnerProduct, int threads = 0);

  // Appends batch.multi documents. Throws InputError when the batch has no multi part, a
  // dimension different from earlier batches, or non-finite values.
  void add(const EmbeddingBatch& documents) override;
  // Throws InputError when queries.dense is missing or its dimension differs.
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return documents_; }
  std::size_t memory_bytes() const override;

  std::size_t num_chunks() const { return chunk_document_.size(); }

 private:
  // Top-k documents for `queries` from the `depth` best chunks; `complete[q]` says whether row q
  // found k documents or exhausted the chunks (otherwise it must be searched deeper).
  SearchResults collapse(const SearchResults& chunk_hits, std::size_t k,
                         std::vector<bool>& complete) const;

  ExactDenseIndex chunks_;
  std::vector<std::int64_t> chunk_document_;  // chunk row -> document id
  std::size_t documents_ = 0;
};

}  // namespace embeval
