// Overlap of two neighbourhoods: Jaccard@k = |A intersect B| / |A union B| of the two neighbour
// sets of one word (its neighbour lists under two models, or under one model before and after
// quantisation or truncation). Neighbours are compared as words, so two models with different
// vocabularies can be compared; two empty lists count as identical (1). The mean is over the words
// both sides probed. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace embeval {

// Jaccard of the two sets (duplicates within a list count once).
[[nodiscard]] double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b);

struct KnnOverlap {
  std::size_t words = 0;    // words whose two lists were compared
  double mean_jaccard = 0;  // mean over those words (0 when none)
};

// Row i of `a` and of `b` are the neighbour lists of the same word (same length of outer vectors,
// EMBEVAL_CHECK); rows where `compared[i]` is false are skipped (a word one side has no vector
// for). An empty `compared` compares every row.
[[nodiscard]] KnnOverlap knn_overlap(const std::vector<std::vector<std::string>>& a,
                                     const std::vector<std::vector<std::string>>& b,
                                     const std::vector<bool>& compared = {});

}  // namespace embeval
