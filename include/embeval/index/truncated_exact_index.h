// Exact search over the first `dims` dimensions of each vector, renormalised (Matryoshka-style
// truncation): what the index registry builds for `exact?dim=N` (and for `exact?dim=auto`, every
// dimension, unchanged). Documents and queries of the full dimension go in; the index truncates
// both, so a truncation row of `embeval ann` rebuilds from its recorded spec alone.
#pragma once

#include <cstddef>

#include "embeval/core/embeddings.h"
#include "embeval/core/index.h"
#include "embeval/core/metric.h"
#include "embeval/index/exact_index.h"

namespace embeval {

// `m` cut to its first `dims` columns, each row rescaled to unit length (zero rows stay zero).
// EMBEVAL_CHECK: dims <= m.cols.
[[nodiscard]] DenseMatrix truncate_and_normalise(const DenseMatrix& m, std::size_t dims);

class TruncatedExactIndex : public Index {
 public:
  // dims 0: every dimension, no renormalisation (plain exact search).
  TruncatedExactIndex(std::size_t dims, Metric metric, int threads);

  // InputError when the vectors have fewer than `dims` dimensions, and as ExactDenseIndex::add.
  void add(const EmbeddingBatch& documents) override;
  // Queries of the documents' full dimension; as ExactDenseIndex::search otherwise.
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return exact_.size(); }
  std::size_t memory_bytes() const override { return exact_.memory_bytes(); }

 private:
  EmbeddingBatch truncated(const EmbeddingBatch& batch, const char* what) const;

  std::size_t dims_;
  ExactDenseIndex exact_;
};

}  // namespace embeval
