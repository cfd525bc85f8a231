#include "embeval/eval/statistics.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "embeval/core/error.h"

namespace embeval {

ConfidenceInterval bootstrap_mean_ci(std::span<const double> values, int resamples, double level,
                                     std::uint64_t seed) {
  if (values.empty() || resamples <= 0) return {};
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> pick(0, values.size() - 1);
  std::vector<double> means(static_cast<std::size_t>(resamples));
  for (auto& mean : means) {
    double sum = 0;
    for (std::size_t i = 0; i < values.size(); ++i) sum += values[pick(rng)];
    mean = sum / static_cast<double>(values.size());
  }
  std::sort(means.begin(), means.end());
  const double tail = (1.0 - level) / 2.0;
  const auto at = [&](double q) {
    const double pos = q * static_cast<double>(means.size() - 1);
    return means[static_cast<std::size_t>(std::lround(pos))];
  };
  return {at(tail), at(1.0 - tail)};
}

MeasureInterval bootstrap_interval(const std::string& measure, std::span<const double> values) {
  const ConfidenceInterval ci = bootstrap_mean_ci(values);
  MeasureInterval out;
  out.measure = measure;
  out.method = "percentile bootstrap over queries";
  out.level = kBootstrapLevel;
  out.low = ci.low;
  out.high = ci.high;
  out.resamples = kBootstrapResamples;
  out.seed = kBootstrapSeed;
  return out;
}

std::optional<MeasureInterval> bootstrap_interval(const EvalResult& metrics,
                                                  const std::string& measure) {
  const auto& names = metrics.measure_names;
  const auto it = std::find(names.begin(), names.end(), measure);
  if (it == names.end()) return std::nullopt;
  const auto column = static_cast<std::size_t>(it - names.begin());
  std::vector<double> values;
  values.reserve(metrics.per_query.size());
  for (const auto& [qid, row] : metrics.per_query) {
    EMBEVAL_CHECK(row.size() == names.size(),
                  "bootstrap_interval: a per-query row is not parallel to measure_names");
    values.push_back(row[column]);
  }
  return bootstrap_interval(measure, values);
}

}  // namespace embeval
