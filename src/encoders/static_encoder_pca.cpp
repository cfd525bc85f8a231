#include "encoders/static_encoder_pca.h"

#include <cmath>

#include "embeval/core/error.h"

namespace embeval::static_encoder_detail {
namespace {

double norm(const std::vector<double>& u) {
  double s = 0;
  for (double e : u) s += e * e;
  return std::sqrt(s);
}

}  // namespace

std::vector<float> first_principal_component(const std::vector<float>& x, std::size_t n,
                                             std::size_t d) {
  EMBEVAL_CHECK(x.size() == n * d, "first_principal_component: x must be n x d");
  std::vector<double> v(d, 0.0);
  double sum_of_squares = 0;  // the trace of X^T X
  for (std::size_t i = 0; i < n; ++i) {
    const float* r = x.data() + i * d;
    for (std::size_t a = 0; a < d; ++a) {
      v[a] += r[a];
      sum_of_squares += double(r[a]) * r[a];
    }
  }
  if (!(sum_of_squares > 0)) return {};
  if (norm(v) < 1e-12) {
    for (std::size_t a = 0; a < d; ++a) v[a] = 1.0 + 0.01 * static_cast<double>(a);
  }
  const double vn = norm(v);
  for (double& e : v) e /= vn;
  std::vector<double> w(d);
  for (int iter = 0; iter < kMaxIterations; ++iter) {
    // w = X^T (X v), one pass over the rows.
    std::fill(w.begin(), w.end(), 0.0);
    for (std::size_t i = 0; i < n; ++i) {
      const float* r = x.data() + i * d;
      double dot = 0;
      for (std::size_t a = 0; a < d; ++a) dot += double(r[a]) * v[a];
      if (dot == 0) continue;
      for (std::size_t a = 0; a < d; ++a) w[a] += dot * r[a];
    }
    const double wn = norm(w);
    if (!(wn > 0)) return {};
    double change = 0;
    for (std::size_t a = 0; a < d; ++a) {
      w[a] /= wn;
      change += std::abs(w[a] - v[a]);
    }
    v.swap(w);
    if (change < kTolerance) break;
  }
  return std::vector<float>(v.begin(), v.end());
}

}  // namespace embeval::static_encoder_detail
