// The one interface behind every index (exact dense, ANN, inverted, max-sim).
// Results layout: `num_queries x k` row-major; row q holds the best hits for query q in
// descending score order. Rows with fewer than k hits are padded with id -1 and score -inf.
// Ids are the 0-based insertion order of documents across all add() calls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "embeval/core/embeddings.h"

namespace embeval {

struct SearchResults {
  std::size_t num_queries = 0;
  std::size_t k = 0;
  std::vector<std::int64_t> ids;  // num_queries * k, -1 = no hit
  std::vector<float> scores;      // num_queries * k, -inf = no hit

  SearchResults() = default;
  SearchResults(std::size_t nq, std::size_t kk)
      : num_queries(nq),
        k(kk),
        ids(nq * kk, -1),
        scores(nq * kk, -std::numeric_limits<float>::infinity()) {}
};

class Index {
 public:
  virtual ~Index() = default;

  // Adds documents (one row each). Throws InputError if the batch lacks the representation this
  // index needs or its dimension differs from earlier batches.
  virtual void add(const EmbeddingBatch& documents) = 0;

  // Top-k for each query row. k may exceed size(); missing hits are padded (see above).
  // Ties are broken by smaller document id first, so results are deterministic.
  // Thread-safe against other search() calls; not against add().
  virtual SearchResults search(const EmbeddingBatch& queries, std::size_t k) const = 0;

  virtual std::size_t size() const = 0;          // documents added
  virtual std::size_t memory_bytes() const = 0;  // bytes the index holds in memory
};

}  // namespace embeval
