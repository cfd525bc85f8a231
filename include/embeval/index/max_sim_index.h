// Late interaction (ColBERT, BGE-M3's multi-vector output): both queries and documents are sets
// of token vectors, and score(q, d) = mean over q's rows of the max dot product with any of d's
// rows (MaxSim; Khattab and Zaharia 2020, FlagEmbedding's colbert_score). Exact: every query row
// meets every document row through one SGEMM per block of document rows.
//
// Documents and queries arrive as EmbeddingBatch::multi (embeddings.h): text i owns rows
// offsets[i] .. offsets[i+1]. A document with no rows never matches; a query with no rows gets
// no hits (its row of the results is all padding). Results follow index.h: `num_queries x k`,
// best first, equal scores rank the smaller document id first. Per-row maxima are float
// (SGEMM), their mean is summed in double and rounded once. search() is thread-safe against
// other search() calls and gives the same results for any thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "embeval/core/embeddings.h"
#include "embeval/core/index.h"

namespace embeval {

class MaxSimIndex : public Index {
 public:
  // threads: 0 = the physical cores (util/thread_count.h); queries are spread over them.
  explicit MaxSimIndex(int threads = 0) : threads_(threads) {}

  // Appends batch.multi documents. Throws InputError when the batch has no multi part, a
  // dimension differs from earlier batches, or a value is NaN or infinite.
  void add(const EmbeddingBatch& documents) override;
  // Throws InputError when queries.multi is missing or its dimension differs from the documents'.
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return document_rows_.size() - 1; }
  std::size_t memory_bytes() const override;

 private:
  std::size_t dim_ = 0;
  std::vector<float> rows_;                    // every document row, document by document
  std::vector<std::size_t> document_rows_{0};  // documents + 1 offsets into rows_ (in rows)
  int threads_ = 0;
};

}  // namespace embeval
