#include "embeval/probe/knn_overlap.h"

#include <set>
#include <string_view>

#include "embeval/core/error.h"

namespace embeval {

double jaccard(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  const std::set<std::string_view> left(a.begin(), a.end());
  const std::set<std::string_view> right(b.begin(), b.end());
  if (left.empty() && right.empty()) return 1.0;
  std::size_t shared = 0;
  for (const std::string_view w : left) shared += right.count(w);
  const std::size_t all = left.size() + right.size() - shared;
  return static_cast<double>(shared) / static_cast<double>(all);
}

KnnOverlap knn_overlap(const std::vector<std::vector<std::string>>& a,
                       const std::vector<std::vector<std::string>>& b,
                       const std::vector<bool>& compared) {
  EMBEVAL_CHECK(a.size() == b.size(), "knn_overlap: lists of different lengths");
  EMBEVAL_CHECK(compared.empty() || compared.size() == a.size(),
                "knn_overlap: `compared` of a different length");
  KnnOverlap overlap;
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!compared.empty() && !compared[i]) continue;
    sum += jaccard(a[i], b[i]);
    ++overlap.words;
  }
  overlap.mean_jaccard = overlap.words > 0 ? sum / static_cast<double>(overlap.words) : 0.0;
  return overlap;
}

}  // namespace embeval
