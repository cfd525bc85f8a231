// The two indexes that score with more than one of BGE-M3's outputs (gguf_bge_m3_encoder.h):
//
// CombinedScoreIndex (registry kind `bge_m3_combined?weights=wd,ws,wc`): FlagEmbedding's
//   compute_score, s = (wd * s_dense + ws * s_sparse + wc * s_colbert) / (wd + ws + wc), where
//   s_dense is the inner product of the dense rows, s_sparse the sum over shared ids of
//   w_q * w_d, and s_colbert MaxSim (mean over query rows of the best inner product with a
//   document row; 0 when either side has no rows). Exact: every document is scored, no
//   candidate set (a part whose weight is 0 is not computed).
// MaxSimRerankIndex (kind `max_sim_rerank?top=N`): ColBERT as a re-ranker: the N documents with
//   the best dense inner product, re-scored by MaxSim alone; a query's hits are those N at most.
//
// Both take batches holding the parts they use (combined: dense, sparse and multi; re-rank:
// dense and multi), one row (multi: one offset range) per text. Sums are taken in double from
// the float rows and the final score rounded to float once. Results follow index.h (best first,
// equal scores: smaller id first). search() is thread-safe against other search() calls and
// gives the same results for any thread count.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "embeval/core/embeddings.h"
#include "embeval/core/index.h"

namespace embeval {

// The documents' three outputs, as CombinedScoreIndex and MaxSimRerankIndex keep them.
struct BgeM3DocumentStore {
  std::size_t dense_dim = 0;
  std::vector<float> dense;  // documents x dense_dim
  SparseMatrix sparse;       // rows: documents (when kept)
  std::size_t multi_dim = 0;
  std::vector<float> multi;                // every document's rows, document by document
  std::vector<std::size_t> multi_rows{0};  // documents + 1 offsets into multi (in rows)
  std::size_t documents = 0;

  // Appends the batch's documents; throws InputError naming what is missing or mismatched.
  void add(const EmbeddingBatch& batch, bool with_sparse);
  std::size_t memory_bytes() const;
};

class CombinedScoreIndex : public Index {
 public:
  // weights: dense, sparse, colbert (>= 0, positive sum). threads: 0 = the physical cores.
  CombinedScoreIndex(std::array<double, 3> weights, int threads);
  void add(const EmbeddingBatch& documents) override { store_.add(documents, true); }
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return store_.documents; }
  std::size_t memory_bytes() const override { return store_.memory_bytes(); }

 private:
  std::array<double, 3> weights_;
  int threads_;
  BgeM3DocumentStore store_;
};

class MaxSimRerankIndex : public Index {
 public:
  MaxSimRerankIndex(std::size_t top, int threads) : top_(top), threads_(threads) {}
  void add(const EmbeddingBatch& documents) override { store_.add(documents, false); }
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return store_.documents; }
  std::size_t memory_bytes() const override { return store_.memory_bytes(); }

 private:
  std::size_t top_;
  int threads_;
  BgeM3DocumentStore store_;
};

// MaxSim of one query's rows (qn x dim) against one document's rows (dn x dim), in double:
// the mean over query rows of the best inner product; 0 when either has no rows.
[[nodiscard]] double max_sim_score(const float* query, std::size_t qn, const float* document,
                                   std::size_t dn, std::size_t dim);

}  // namespace embeval
