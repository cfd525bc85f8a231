// Student's t distribution for the paired t test, from the regularized incomplete beta function:
// P(|T| >= t) = I_x(df/2, 1/2) with x = df / (df + t^2). I_x(a, b) is evaluated by its continued
// fraction (DLMF 8.17.22) with the modified Lentz algorithm (Thompson and Barnett 1986), on the
// side of the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) where the fraction converges fast.
#include <cmath>
#include <limits>

#include "embeval/core/error.h"
#include "embeval/eval/significance.h"

namespace embeval {
namespace {

// 1 / (1 + d1 / (1 + d2 / (1 + ...))) for I_x(a, b) = x^a (1-x)^b / (a B(a, b)) times it, with
// d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)) and d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)).
double beta_continued_fraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  constexpr double kEpsilon = 1e-16;
  double f = 1;  // b0 = 1
  double c = f;
  double d = 0;
  for (int j = 1; j <= 10000; ++j) {
    const int m = j / 2;
    const double coefficient = (j % 2 == 1)
                                   ? -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
                                   : m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + coefficient * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + coefficient / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double delta = c * d;
    f *= delta;
    if (std::fabs(delta - 1) < kEpsilon) break;
  }
  return 1 / f;
}

double regularized_incomplete_beta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double log_front =
      std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  const double front = std::exp(log_front);
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, 1 - x) / b;
}

}  // namespace

double student_t_two_sided_p(double t, double df) {
  EMBEVAL_CHECK(df > 0, "degrees of freedom must be positive");
  if (std::isnan(t)) return std::numeric_limits<double>::quiet_NaN();
  if (std::isinf(t)) return 0;
  return regularized_incomplete_beta(df / 2, 0.5, df / (df + t * t));
}

double student_t_cdf(double t, double df) {
  const double tail = student_t_two_sided_p(t, df) / 2;
  return t >= 0 ? 1 - tail : tail;
}

double student_t_quantile(double probability, double df) {
  EMBEVAL_CHECK(df > 0 && probability > 0 && probability < 1,
                "needs df > 0 and 0 < probability < 1");
  if (probability == 0.5) return 0;
  // Solve on the smaller tail, where the two-sided p keeps full relative precision.
  const double target = 2 * std::fmin(probability, 1 - probability);
  double low = 0;
  double high = 1;
  while (student_t_two_sided_p(high, df) > target) high *= 2;
  for (int i = 0; i < 200 && high - low > 0; ++i) {
    const double middle = low + (high - low) / 2;
    if (middle == low || middle == high) break;
    (student_t_two_sided_p(middle, df) > target ? low : high) = middle;
  }
  const double t = low + (high - low) / 2;
  return probability > 0.5 ? t : -t;
}

}  // namespace embeval
