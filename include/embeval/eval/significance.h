// Paired significance between runs: is a difference in a measure's mean over queries real?
// `embeval compare` prints what this computes; docs/compare.md has every definition with a
// worked example.
//
// Layout: per-query values come in parallel arrays, a[i] and b[i] being the same query's value
// for run A and run B; d[i] = a[i] - b[i], so a positive difference means A is better.
// Three tests on d (paired_test):
//   t          Student t, two-sided, df = n - 1; interval mean(d) +- t(0.975, n - 1) sd / sqrt(n).
//   fisher     B random sign flips of d (64 signs to a generator output, most significant bit
//              first); p = (count + 1) / (B + 1) with count the flips whose |mean| >= |mean(d)|;
//              interval as bootstrap.
//   bootstrap  B resamples of the n queries with replacement; interval = the resampled means at
//              sorted indices floor(0.025 (B - 1)) and floor(0.975 (B - 1)); p = (count + 1) /
//              (B + 1) with count the resamples whose |mean* - mean(d)| >= |mean(d)|.
// With PValueRule::kRanx the two random tests give count / B, as ranx computes it (can be 0).
//
// Reproducible everywhere: the random tests draw from Xoshiro256StarStar below (a fixed,
// published algorithm implemented here, no std:: distribution), seeded with the caller's seed
// afresh for every test, so a (values, B, seed) triple gives the same p and interval on every
// machine, compiler and thread count, and a pair's result does not depend on the other runs of
// the call. Pure functions, no shared state: thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "embeval/eval/metrics.h"
#include "embeval/eval/qrels.h"
#include "embeval/eval/run.h"

namespace embeval {

// xoshiro256** 1.0 (Blackman and Vigna, "Scrambled linear pseudorandom number generators",
// ACM TOMS 2021), its 256-bit state filled from the seed by splitmix64 (Steele, Lea and Flood,
// OOPSLA 2014), as the authors recommend. Fixed here so that a seed means the same draws on
// every platform; changing it changes every published p, so it never changes silently
// (tests/eval/significance_test.cpp pins the first outputs).
class Xoshiro256StarStar {
 public:
  explicit Xoshiro256StarStar(std::uint64_t seed);
  // The generator in a given state (not all zero), to check it against the published vectors.
  static Xoshiro256StarStar from_state(const std::array<std::uint64_t, 4>& state);
  std::uint64_t next();
  // Uniform in [0, n) for n >= 1 by multiply-shift: (next() * n) >> 64 (Lemire 2019, without
  // the rejection step; its bias is below n / 2^64, under 1e-12 for fewer than 10^7 queries).
  std::uint64_t below(std::uint64_t n);

 private:
  std::uint64_t s_[4];
};

// Student t distribution with `df` > 0 degrees of freedom, through the regularized incomplete
// beta function evaluated by its continued fraction (modified Lentz). Accurate to about 1e-12.
[[nodiscard]] double student_t_cdf(double t, double df);
// The quantile: the t with student_t_cdf(t, df) = probability, 0 < probability < 1 (bisection on
// the CDF to double precision). student_t_quantile(0.975, 9) = 2.262157...
[[nodiscard]] double student_t_quantile(double probability, double df);
// Two-sided p of a t statistic: P(|T| >= |t|) = I_{df / (df + t^2)}(df / 2, 1 / 2).
[[nodiscard]] double student_t_two_sided_p(double t, double df);

enum class SignificanceTest { kT, kFisher, kBootstrap };
enum class PValueRule {
  kPlusOne,  // (count + 1) / (B + 1): the observed difference counts as one of the samples
  kRanx,     // count / B, as ranx reports it
};
enum class PCorrection { kHolm, kNone };

// "t", "fisher", "bootstrap"; InputError naming the flag on anything else.
[[nodiscard]] SignificanceTest parse_significance_test(const std::string& name);
[[nodiscard]] const char* significance_test_name(SignificanceTest test);
[[nodiscard]] PCorrection parse_p_correction(const std::string& name);  // "holm", "none"
[[nodiscard]] const char* p_correction_name(PCorrection correction);

struct PairedTestOptions {
  SignificanceTest test = SignificanceTest::kT;
  int samples = 10000;  // B, for fisher and bootstrap (and the fisher interval)
  std::uint64_t seed = 42;
  PValueRule p_rule = PValueRule::kPlusOne;
};

// A pair's test. mean_a, mean_b and diff are means over the n queries compared.
struct PairedTestResult {
  std::size_t n_queries = 0;
  double mean_a = 0;
  double mean_b = 0;
  double diff = 0;  // mean(d) = mean_a - mean_b (up to rounding)
  double p = 1;
  double ci_low = 0;  // 95% interval on mean(d)
  double ci_high = 0;
  std::size_t wins = 0;    // a > b by more than kTieTolerance
  std::size_t ties = 0;    // |a - b| <= kTieTolerance
  std::size_t losses = 0;  // a < b by more than kTieTolerance
};

inline constexpr double kTieTolerance = 1e-12;

// Runs `options.test` on d = a - b. a and b have the same size n >= 2 (InputError otherwise:
// one query has no spread to test), every value finite. Sample standard deviation of d zero:
// the t test gives p = 1 when mean(d) = 0, else 0, and the point interval [mean(d), mean(d)].
// The random tests compare |mean| against |mean(d)| with a slack of kTieTolerance, so that
// rounding in the last bit of a sum never decides whether a sample counts.
[[nodiscard]] PairedTestResult paired_test(std::span<const double> a, std::span<const double> b,
                                           const PairedTestOptions& options);

// Holm's step-down adjustment of a family of p values, returned in the input's order: sorted
// ascending (ties in input order), adjusted p_(i) = max over j <= i of min(1, (m - j + 1) p_(j)).
[[nodiscard]] std::vector<double> holm_adjust(std::span<const double> p);

// One run of a comparison, as the command line names it.
struct NamedRun {
  std::string label;  // printed and recorded as "a" / "b"
  TrecRun run;
};

struct CompareOptions {
  PairedTestOptions test;
  double alpha = 0.05;  // significant: p_adjusted <= alpha
  PCorrection correction = PCorrection::kHolm;
  bool complete = false;  // every judged query, a missing one scoring 0 (trec_eval -c)
  int relevance_level = 1;
  std::size_t threads = 1;  // tests run in parallel; the results do not depend on it (0: cores)
};

struct PairComparison {
  std::string measure;  // trec_eval output name, e.g. "ndcg_cut_10"
  std::string a;
  std::string b;
  PairedTestResult result;
  double p_adjusted = 1;
  bool significant = false;
};

// Every pair (i, j), i < j, of `runs` on every measure `measure_args` names (trec_eval -m
// arguments; each argument's measures in trec_eval order, the arguments in the order given,
// duplicates dropped). Per-query values are evaluate()'s for each run; a pair is compared over
// the queries both runs have values for (complete: every judged query). Ordered by measure, then
// pair. Holm runs over the whole returned family. InputError: fewer than two runs, a counting
// measure (num_q, num_ret, ...: not a per-query score), or a pair with fewer than two queries.
[[nodiscard]] std::vector<PairComparison> compare_runs(const Qrels& qrels,
                                                       std::span<const NamedRun> runs,
                                                       std::span<const std::string> measure_args,
                                                       const CompareOptions& options);

// {"tests": [{"measure", "a", "b", "n_queries", "mean_a", "mean_b", "diff", "p", "p_adjusted",
// "ci_low", "ci_high", "wins", "ties", "losses", "significant"}, ...], "settings": {...}}, keys
// in that order, the tests in compare_runs() order; "settings" records test, samples, seed,
// p rule, alpha, correction, complete and the generator, so the file says how to reproduce it.
[[nodiscard]] std::string comparison_json(std::span<const PairComparison> tests,
                                          const CompareOptions& options);

}  // namespace embeval
