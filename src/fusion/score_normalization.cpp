// The normalisations of score_normalization.h. Sums run in rank order, so a result depends only
// on the list, never on how it was stored.
#include "embeval/fusion/score_normalization.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

#include "embeval/core/error.h"

namespace embeval {
namespace {

constexpr double kGuard = 1e-9;  // ranx's denominator floor

constexpr std::array<std::pair<std::string_view, ScoreNormalization>, 7> kNames = {{
    {"none", ScoreNormalization::none},
    {"minmax", ScoreNormalization::minmax},
    {"max", ScoreNormalization::max},
    {"sum", ScoreNormalization::sum},
    {"zmuv", ScoreNormalization::zmuv},
    {"rank", ScoreNormalization::rank},
    {"borda", ScoreNormalization::borda},
}};

double mean_of(std::span<const double> s) {
  double total = 0.0;
  for (const double x : s) total += x;
  return total / static_cast<double>(s.size());
}

// sqrt(sum (s - mean)^2 / divisor): the population std with divisor n, the sample std with n-1.
double std_of(std::span<const double> s, double mean, double divisor) {
  double total = 0.0;
  for (const double x : s) total += (x - mean) * (x - mean);
  return std::sqrt(total / divisor);
}

}  // namespace

ScoreNormalization parse_score_normalization(std::string_view name) {
  for (const auto& [text, norm] : kNames) {
    if (text == name) return norm;
  }
  throw InputError("unknown score normalisation '" + std::string(name) + "'", {}, 0,
                   "use one of: " + score_normalization_names());
}

std::string_view score_normalization_name(ScoreNormalization norm) {
  for (const auto& [text, value] : kNames) {
    if (value == norm) return text;
  }
  EMBEVAL_CHECK(false, "a ScoreNormalization without a name");
}

std::string score_normalization_names() {
  std::string out;
  for (const auto& [text, norm] : kNames) {
    if (!out.empty()) out += ", ";
    out += text;
  }
  return out;
}

double borda_unlisted_score(std::size_t listed, std::size_t candidates) {
  const double c = static_cast<double>(candidates);
  return 0.5 - (static_cast<double>(listed) - 1.0) / (2.0 * c);
}

void normalize_scores(ScoreNormalization norm, std::span<double> scores, std::size_t candidates) {
  const std::size_t n = scores.size();
  if (n == 0) return;
  switch (norm) {
    case ScoreNormalization::none:
      return;
    case ScoreNormalization::minmax: {
      const auto [lo, hi] = std::minmax_element(scores.begin(), scores.end());
      const double min = *lo;
      const double denominator = std::max(*hi - min, kGuard);
      for (double& s : scores) s = (s - min) / denominator;
      return;
    }
    case ScoreNormalization::max: {
      const double denominator = std::max(*std::max_element(scores.begin(), scores.end()), kGuard);
      for (double& s : scores) s = s / denominator;
      return;
    }
    case ScoreNormalization::sum: {
      const double min = *std::min_element(scores.begin(), scores.end());
      double total = 0.0;
      for (const double s : scores) total += s;
      const double denominator = std::max(total - static_cast<double>(n) * min, kGuard);
      for (double& s : scores) s = (s - min) / denominator;
      return;
    }
    case ScoreNormalization::zmuv: {
      const double mean = mean_of(scores);
      const double denominator = std::max(std_of(scores, mean, static_cast<double>(n)), kGuard);
      for (double& s : scores) s = (s - mean) / denominator;
      return;
    }
    case ScoreNormalization::rank: {
      const double length = static_cast<double>(n);
      for (std::size_t r = 0; r < n; ++r) scores[r] = 1.0 - static_cast<double>(r) / length;
      return;
    }
    case ScoreNormalization::borda: {
      EMBEVAL_CHECK(candidates >= n, "borda: fewer candidates than listed documents");
      const double c = static_cast<double>(candidates);
      for (std::size_t r = 0; r < n; ++r) scores[r] = 1.0 - static_cast<double>(r) / c;
      return;
    }
  }
}

void dbsf_mteb_normalize(std::span<double> scores) {
  if (scores.empty()) return;
  const double mean = mean_of(scores);
  const double sd = std_of(scores, mean, static_cast<double>(scores.size()));
  if (sd < kGuard) {
    std::fill(scores.begin(), scores.end(), 0.5);
    return;
  }
  const double lo = mean - 3.0 * sd;
  for (double& s : scores) s = std::clamp((s - lo) / (6.0 * sd), 0.0, 1.0);
}

void dbsf_qdrant_normalize(std::span<double> scores) {
  if (scores.empty()) return;
  if (scores.size() == 1) {
    scores[0] = 0.5;
    return;
  }
  const double mean = mean_of(scores);
  const double sd = std_of(scores, mean, static_cast<double>(scores.size() - 1));
  const double lo = mean - 3.0 * sd;
  const double hi = mean + 3.0 * sd;
  if (hi == lo) {
    std::fill(scores.begin(), scores.end(), 0.5);
    return;
  }
  for (double& s : scores) s = (s - lo) / (hi - lo);
}

void rsf_normalize(std::span<double> scores) {
  if (scores.empty()) return;
  const auto [lo, hi] = std::minmax_element(scores.begin(), scores.end());
  const double min = *lo;
  const double max = *hi;
  if (max == min) {
    std::fill(scores.begin(), scores.end(), 0.5);
    return;
  }
  for (double& s : scores) s = (s - min) / (max - min);
}

}  // namespace embeval
