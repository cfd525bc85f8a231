#include "embeval/ann/recall.h"

#include <algorithm>
#include <cstdint>

#include "embeval/core/error.h"

namespace embeval {
namespace {

std::vector<std::int64_t> top_ids(const SearchResults& r, std::size_t q, std::size_t k) {
  std::vector<std::int64_t> ids;
  for (std::size_t j = 0; j < k; ++j) {
    const std::int64_t id = r.ids[q * r.k + j];
    if (id >= 0) ids.push_back(id);
  }
  return ids;
}

}  // namespace

std::vector<double> recall_per_query(const SearchResults& exact, const SearchResults& approx,
                                     std::size_t k) {
  EMBEVAL_CHECK(exact.num_queries == approx.num_queries, "recall: query counts differ");
  EMBEVAL_CHECK(exact.k >= k && approx.k >= k, "recall: results shallower than k");
  std::vector<double> recall(exact.num_queries, 1.0);
  for (std::size_t q = 0; q < exact.num_queries; ++q) {
    std::vector<std::int64_t> truth = top_ids(exact, q, k);
    if (truth.empty()) continue;
    std::vector<std::int64_t> found = top_ids(approx, q, k);
    std::sort(truth.begin(), truth.end());
    std::sort(found.begin(), found.end());
    found.erase(std::unique(found.begin(), found.end()), found.end());
    std::vector<std::int64_t> common;
    std::set_intersection(truth.begin(), truth.end(), found.begin(), found.end(),
                          std::back_inserter(common));
    recall[q] = static_cast<double>(common.size()) / static_cast<double>(truth.size());
  }
  return recall;
}

double mean_recall(const SearchResults& exact, const SearchResults& approx, std::size_t k) {
  const std::vector<double> per_query = recall_per_query(exact, approx, k);
  if (per_query.empty()) return 1.0;
  double sum = 0;
  for (double r : per_query) sum += r;
  return sum / static_cast<double>(per_query.size());
}

double identical_top_k_share(const SearchResults& a, const SearchResults& b, std::size_t k) {
  EMBEVAL_CHECK(a.num_queries == b.num_queries, "identical_top_k_share: query counts differ");
  EMBEVAL_CHECK(a.k >= k && b.k >= k, "identical_top_k_share: results shallower than k");
  if (a.num_queries == 0) return 1.0;
  std::size_t same = 0;
  for (std::size_t q = 0; q < a.num_queries; ++q) {
    bool equal = true;
    for (std::size_t j = 0; j < k && equal; ++j) equal = a.ids[q * a.k + j] == b.ids[q * b.k + j];
    same += equal;
  }
  return static_cast<double>(same) / static_cast<double>(a.num_queries);
}

}  // namespace embeval
