// The paired tests, Holm's adjustment and the comparison of several runs (definitions in
// include/embeval/eval/significance.h and docs/compare.md).
#include "embeval/eval/significance.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/util/parallel_for.h"

namespace embeval {
namespace {

double mean_of(std::span<const double> values) {
  double sum = 0;
  for (const double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

double p_from_count(std::size_t count, int samples, PValueRule rule) {
  if (rule == PValueRule::kRanx) return static_cast<double>(count) / samples;
  return (static_cast<double>(count) + 1) / (static_cast<double>(samples) + 1);
}

struct Bootstrap {
  double ci_low = 0;
  double ci_high = 0;
  std::size_t count = 0;  // resampled means with |mean* - mean(d)| >= |mean(d)|
};

// B resamples of d with replacement; indices drawn in order, query by query, sample by sample.
Bootstrap bootstrap(std::span<const double> d, double mean_d, int samples, std::uint64_t seed) {
  Xoshiro256StarStar random(seed);
  const std::size_t n = d.size();
  const double threshold = std::fabs(mean_d) - kTieTolerance;
  std::vector<double> means(static_cast<std::size_t>(samples));
  Bootstrap out;
  for (double& mean : means) {
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i) sum += d[random.below(n)];
    mean = sum / static_cast<double>(n);
    if (std::fabs(mean - mean_d) >= threshold) ++out.count;
  }
  std::sort(means.begin(), means.end());
  // floor(0.025 (B - 1)) and floor(0.975 (B - 1)) in integers, so no rounding moves an index.
  const auto last = static_cast<std::uint64_t>(samples - 1);
  out.ci_low = means[last * 25 / 1000];
  out.ci_high = means[last * 975 / 1000];
  return out;
}

// B sign flips of d. A sample's signs come 64 to an output of the generator, most significant
// bit first (query i: bit 63 - i % 64 of the sample's output i / 64; each sample starts a new
// output); a set bit negates. Multiplying by -1.0 or 1.0 is exact, so this is the sum of the
// flipped values, without a branch the processor would mispredict half the time.
std::size_t fisher_count(std::span<const double> d, double mean_d, int samples,
                         std::uint64_t seed) {
  Xoshiro256StarStar random(seed);
  const double n = static_cast<double>(d.size());
  const double threshold = std::fabs(mean_d) - kTieTolerance;
  std::size_t count = 0;
  for (int s = 0; s < samples; ++s) {
    double sum = 0;
    std::uint64_t bits = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (i % 64 == 0) bits = random.next();
      const double sign = 1.0 - 2.0 * static_cast<double>(bits >> 63);
      bits <<= 1;
      sum += sign * d[i];
    }
    if (std::fabs(sum / n) >= threshold) ++count;
  }
  return count;
}

void student_t(std::span<const double> d, double mean_d, PairedTestResult& out) {
  const std::size_t n = d.size();
  const bool constant = std::all_of(d.begin(), d.end(), [&](double v) { return v == d[0]; });
  if (constant) {
    out.p = d[0] == 0 ? 1 : 0;
    out.ci_low = out.ci_high = mean_d;
    return;
  }
  double squares = 0;
  for (const double v : d) squares += (v - mean_d) * (v - mean_d);
  const double sd = std::sqrt(squares / static_cast<double>(n - 1));
  const double standard_error = sd / std::sqrt(static_cast<double>(n));
  const double df = static_cast<double>(n - 1);
  out.p = student_t_two_sided_p(mean_d / standard_error, df);
  const double half_width = student_t_quantile(0.975, df) * standard_error;
  out.ci_low = mean_d - half_width;
  out.ci_high = mean_d + half_width;
}

}  // namespace

SignificanceTest parse_significance_test(const std::string& name) {
  if (name == "t") return SignificanceTest::kT;
  if (name == "fisher") return SignificanceTest::kFisher;
  if (name == "bootstrap") return SignificanceTest::kBootstrap;
  throw InputError("unknown --test '" + name + "'", {}, 0, "use t, fisher or bootstrap");
}

const char* significance_test_name(SignificanceTest test) {
  switch (test) {
    case SignificanceTest::kT:
      return "t";
    case SignificanceTest::kFisher:
      return "fisher";
    case SignificanceTest::kBootstrap:
      return "bootstrap";
  }
  return "?";
}

PCorrection parse_p_correction(const std::string& name) {
  if (name == "holm") return PCorrection::kHolm;
  if (name == "none") return PCorrection::kNone;
  throw InputError("unknown --correction '" + name + "'", {}, 0, "use holm or none");
}

const char* p_correction_name(PCorrection correction) {
  return correction == PCorrection::kHolm ? "holm" : "none";
}

PairedTestResult paired_test(std::span<const double> a, std::span<const double> b,
                             const PairedTestOptions& options) {
  if (a.size() != b.size()) {
    throw InputError("paired test on " + std::to_string(a.size()) + " and " +
                     std::to_string(b.size()) + " values");
  }
  if (a.size() < 2) {
    throw InputError("a paired test needs at least 2 queries, got " + std::to_string(a.size()), {},
                     0, "check that the runs answer the same queries of the qrels");
  }
  if (options.test != SignificanceTest::kT && options.samples < 1) {
    throw InputError("--samples must be at least 1", {}, 0, "e.g. --samples 10000");
  }
  const std::size_t n = a.size();
  PairedTestResult out;
  out.n_queries = n;
  std::vector<double> d(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) {
      throw InputError("a per-query value is not finite");
    }
    d[i] = a[i] - b[i];
    if (std::fabs(d[i]) <= kTieTolerance) {
      ++out.ties;
    } else if (d[i] > 0) {
      ++out.wins;
    } else {
      ++out.losses;
    }
  }
  out.mean_a = mean_of(a);
  out.mean_b = mean_of(b);
  out.diff = mean_of(d);
  switch (options.test) {
    case SignificanceTest::kT:
      student_t(d, out.diff, out);
      break;
    case SignificanceTest::kFisher: {
      const std::size_t count = fisher_count(d, out.diff, options.samples, options.seed);
      out.p = p_from_count(count, options.samples, options.p_rule);
      const Bootstrap interval = bootstrap(d, out.diff, options.samples, options.seed);
      out.ci_low = interval.ci_low;
      out.ci_high = interval.ci_high;
      break;
    }
    case SignificanceTest::kBootstrap: {
      const Bootstrap result = bootstrap(d, out.diff, options.samples, options.seed);
      out.p = p_from_count(result.count, options.samples, options.p_rule);
      out.ci_low = result.ci_low;
      out.ci_high = result.ci_high;
      break;
    }
  }
  return out;
}

std::vector<double> holm_adjust(std::span<const double> p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t x, std::size_t y) { return p[x] < p[y]; });
  std::vector<double> adjusted(m);
  double running_max = 0;
  for (std::size_t rank = 0; rank < m; ++rank) {  // rank = j - 1
    const double scaled = std::min(1.0, static_cast<double>(m - rank) * p[order[rank]]);
    running_max = std::max(running_max, scaled);
    adjusted[order[rank]] = running_max;
  }
  return adjusted;
}

std::vector<PairComparison> compare_runs(const Qrels& qrels, std::span<const NamedRun> runs,
                                         std::span<const std::string> measure_args,
                                         const CompareOptions& options) {
  if (runs.size() < 2) {
    throw InputError("compare needs at least two runs", {}, 0,
                     "embeval compare --qrels QRELS -m ndcg_cut.10 RUN1 RUN2");
  }
  if (measure_args.empty()) {
    throw InputError("compare needs a measure", {}, 0, "e.g. -m ndcg_cut.10");
  }
  // The measures in -m order, each argument's own in trec_eval order, duplicates dropped.
  std::vector<std::string> measure_names;
  for (const std::string& arg : measure_args) {
    for (const Measure& measure : parse_measures(std::span(&arg, 1)).measures) {
      if (measure.is_count()) {
        throw InputError("-m " + arg + ": " + measure.name + " counts, it is not a score", {}, 0,
                         "compare scores such as ndcg_cut.10, map, recall.100, recip_rank");
      }
      if (std::find(measure_names.begin(), measure_names.end(), measure.name) ==
          measure_names.end()) {
        measure_names.push_back(measure.name);
      }
    }
  }
  const MeasureSet set = parse_measures(measure_args);
  EvalOptions eval_options;
  eval_options.complete = options.complete;
  eval_options.relevance_level = options.relevance_level;
  std::vector<EvalResult> evaluated;
  for (const NamedRun& run : runs) evaluated.push_back(evaluate(qrels, run.run, set, eval_options));

  struct Job {
    std::size_t measure;
    std::size_t i;
    std::size_t j;
  };
  std::vector<Job> jobs;
  for (std::size_t m = 0; m < measure_names.size(); ++m) {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      for (std::size_t j = i + 1; j < runs.size(); ++j) jobs.push_back({m, i, j});
    }
  }
  const auto column = [&](const EvalResult& result, const std::string& name) {
    const auto it = std::find(result.measure_names.begin(), result.measure_names.end(), name);
    EMBEVAL_CHECK(it != result.measure_names.end(), "evaluate() lacks a measure it was asked");
    return static_cast<std::size_t>(it - result.measure_names.begin());
  };

  std::vector<PairComparison> tests(jobs.size());
  parallel_for(jobs.size(), options.threads, [&](std::size_t index, std::size_t) {
    const Job& job = jobs[index];
    const std::string& name = measure_names[job.measure];
    const EvalResult& ra = evaluated[job.i];
    const EvalResult& rb = evaluated[job.j];
    const std::size_t ca = column(ra, name);
    const std::size_t cb = column(rb, name);
    std::vector<double> a;
    std::vector<double> b;
    for (const auto& [qid, values] : ra.per_query) {  // both maps in qid order
      const auto other = rb.per_query.find(qid);
      if (other == rb.per_query.end()) continue;
      a.push_back(values[ca]);
      b.push_back(other->second[cb]);
    }
    PairComparison& out = tests[index];
    out.measure = name;
    out.a = runs[job.i].label;
    out.b = runs[job.j].label;
    if (a.size() < 2) {
      throw InputError(runs[job.i].label + " and " + runs[job.j].label + " share " +
                           std::to_string(a.size()) + " evaluated queries, a test needs 2",
                       runs[job.j].label, 0,
                       "check that both runs answer queries of the qrels, or use --complete");
    }
    out.result = paired_test(a, b, options.test);
  });

  std::vector<double> p(tests.size());
  for (std::size_t k = 0; k < tests.size(); ++k) p[k] = tests[k].result.p;
  const std::vector<double> adjusted =
      options.correction == PCorrection::kHolm ? holm_adjust(p) : p;
  for (std::size_t k = 0; k < tests.size(); ++k) {
    tests[k].p_adjusted = adjusted[k];
    tests[k].significant = adjusted[k] <= options.alpha;
  }
  return tests;
}

}  // namespace embeval
