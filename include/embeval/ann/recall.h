// Recall of an approximate search against the exact oracle (exact_knn / ExactDenseIndex).
#pragma once

#include <cstddef>
#include <vector>

#include "embeval/core/index.h"

namespace embeval {

// Per query q: |approx top-k ids ∩ exact top-k ids| / |exact top-k ids|, where "top-k ids" are
// the first k non-padding ids of the row (-1 padding ignored). |exact top-k| is k unless the
// corpus has fewer than k documents. A query whose exact row is empty scores 1. Ties are taken
// as the oracle breaks them (smaller id first): an approximate index returning another document
// of equal score counts that slot as a miss. Requires equal num_queries and both k >= `k`
// (EMBEVAL_CHECK).
[[nodiscard]] std::vector<double> recall_per_query(const SearchResults& exact,
                                                   const SearchResults& approx, std::size_t k);
// The mean of recall_per_query (0 queries: 1).
[[nodiscard]] double mean_recall(const SearchResults& exact, const SearchResults& approx,
                                 std::size_t k);

// Share of queries whose first `k` ids are identical, in the same order, in both results.
[[nodiscard]] double identical_top_k_share(const SearchResults& a, const SearchResults& b,
                                           std::size_t k);

}  // namespace embeval
