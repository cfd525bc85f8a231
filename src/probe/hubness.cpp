#include "embeval/probe/hubness.h"

#include <algorithm>
#include <cmath>

#include "embeval/core/error.h"

namespace embeval {

std::vector<std::size_t> k_occurrence(const SearchResults& lists) {
  const std::size_t n = lists.num_queries;
  std::vector<std::size_t> counts(n, 0);
  for (const std::int64_t id : lists.ids) {
    if (id < 0) continue;
    EMBEVAL_CHECK(static_cast<std::size_t>(id) < n, "hubness: a neighbour id outside the points");
    ++counts[static_cast<std::size_t>(id)];
  }
  return counts;
}

double skewness(const std::vector<std::size_t>& values) {
  const std::size_t n = values.size();
  if (n < 2) return 0;
  double sum = 0;
  for (const std::size_t v : values) sum += static_cast<double>(v);
  const double mean = sum / static_cast<double>(n);
  double m2 = 0, m3 = 0;
  for (const std::size_t v : values) {
    const double d = static_cast<double>(v) - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= static_cast<double>(n);
  m3 /= static_cast<double>(n);
  if (m2 <= 0) return 0;
  return m3 / std::pow(m2, 1.5);
}

Hubness hubness(const SearchResults& lists, std::size_t top) {
  Hubness h;
  h.points = lists.num_queries;
  h.k = lists.k;
  const std::vector<std::size_t> counts = k_occurrence(lists);
  if (counts.empty()) return h;
  double sum = 0;
  std::size_t antihubs = 0;
  for (const std::size_t c : counts) {
    sum += static_cast<double>(c);
    antihubs += c == 0 ? 1 : 0;
    h.max_occurrence = std::max(h.max_occurrence, c);
  }
  h.mean_occurrence = sum / static_cast<double>(counts.size());
  h.antihub_share = static_cast<double>(antihubs) / static_cast<double>(counts.size());
  h.skewness = skewness(counts);
  std::vector<std::pair<std::int64_t, std::size_t>> ranked;
  ranked.reserve(counts.size());
  for (std::size_t i = 0; i < counts.size(); ++i) {
    ranked.emplace_back(static_cast<std::int64_t>(i), counts[i]);
  }
  const std::size_t kept = std::min(top, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept),
                    ranked.end(), [](const auto& a, const auto& b) {
                      return a.second > b.second || (a.second == b.second && a.first < b.first);
                    });
  ranked.resize(kept);
  h.hubs = std::move(ranked);
  return h;
}

}  // namespace embeval
