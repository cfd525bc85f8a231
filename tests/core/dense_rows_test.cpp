// Row norms, normalisation and finite checks: hand-computed values, the edges the fallback
// exists for (subnormal and huge rows), zero rows, and first-position reporting.
#include "embeval/core/dense_rows.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace embeval {
namespace {

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

TEST(DenseRowsTest, SquaredNormIsExactForSmallIntegers) {
  const std::vector<float> v{3.0f, -4.0f, 12.0f};
  EXPECT_EQ(squared_norm(v), 169.0);
  EXPECT_EQ(squared_norm({}), 0.0);
}

TEST(DenseRowsTest, SquaredNormOfFloatMaxDoesNotOverflow) {
  const float big = std::numeric_limits<float>::max();
  const std::vector<float> v{big, big};
  const double expected = 2.0 * double{big} * double{big};  // ~2.3e77, exact in double here
  EXPECT_EQ(squared_norm(v), expected);
  EXPECT_TRUE(std::isfinite(squared_norm(v)));
}

TEST(DenseRowsTest, NormalizeThreeFourFive) {
  std::vector<float> v{3.0f, 4.0f};
  normalize(v);
  EXPECT_EQ(v[0], 0.6f);
  EXPECT_EQ(v[1], 0.8f);
}

TEST(DenseRowsTest, NormalizeMultipliesByTheFloatInverseNorm) {
  std::vector<float> v{1.0f, 2.0f, 2.0f, 1.0f};  // norm sqrt(10)
  normalize(v);
  const float scale = static_cast<float>(1.0 / std::sqrt(10.0));
  EXPECT_EQ(v[0], scale);
  EXPECT_EQ(v[1], 2.0f * scale);
  EXPECT_EQ(v[2], v[1]);
  EXPECT_EQ(v[3], v[0]);
}

TEST(DenseRowsTest, ZeroRowStaysZero) {
  std::vector<float> v{0.0f, 0.0f, 0.0f};
  normalize(v);
  EXPECT_EQ(v, (std::vector<float>{0.0f, 0.0f, 0.0f}));
  EXPECT_FALSE(std::signbit(v[0]));
}

// 1 / |v| overflows float for a subnormal row: dividing in double still gives a unit vector.
TEST(DenseRowsTest, SubnormalRowBecomesUnit) {
  const float tiny = std::numeric_limits<float>::denorm_min();  // 1.4e-45
  std::vector<float> one{tiny, 0.0f};
  normalize(one);
  EXPECT_EQ(one, (std::vector<float>{1.0f, 0.0f}));
  std::vector<float> two{tiny, -tiny};
  normalize(two);
  const float half_sqrt2 = static_cast<float>(1.0 / std::sqrt(2.0));
  EXPECT_EQ(two[0], half_sqrt2);
  EXPECT_EQ(two[1], -half_sqrt2);
}

// 1 / |v| is subnormal in float for a row near float's maximum; the result keeps full precision.
TEST(DenseRowsTest, HugeRowBecomesUnit) {
  const float big = 3.0e38f;
  std::vector<float> v{big, big, big, big};  // norm 6e38, beyond float's range
  normalize(v);
  for (float x : v) EXPECT_EQ(x, 0.5f);
}

TEST(DenseRowsTest, NormalizedRowsCopiesAndLeavesTheInputAlone) {
  DenseMatrix m(3, 2);
  m.data = {3.0f, 4.0f, 0.0f, 0.0f, -5.0f, 0.0f};
  const DenseMatrix unit = normalized_rows(m);
  EXPECT_EQ(unit.rows, 3u);
  EXPECT_EQ(unit.cols, 2u);
  EXPECT_EQ(unit.data, (std::vector<float>{0.6f, 0.8f, 0.0f, 0.0f, -1.0f, 0.0f}));
  EXPECT_EQ(m.data, (std::vector<float>{3.0f, 4.0f, 0.0f, 0.0f, -5.0f, 0.0f}));
  normalize_rows(m);
  EXPECT_EQ(m.data, unit.data);
}

TEST(DenseRowsTest, NormalizedRowsHaveUnitLength) {
  DenseMatrix m(50, 37);
  for (std::size_t i = 0; i < m.data.size(); ++i) {
    m.data[i] = static_cast<float>(std::sin(0.37 * static_cast<double>(i)) * 1e3);
  }
  normalize_rows(m);
  for (std::size_t r = 0; r < m.rows; ++r) {
    // 37 values each within half a float ulp (6e-8 relative) of the exact quotient.
    EXPECT_NEAR(squared_norm({m.row(r), m.cols}), 1.0, 37 * 2 * 6e-8) << "row " << r;
  }
}

TEST(DenseRowsTest, AllFinite) {
  EXPECT_TRUE(all_finite(std::vector<float>{0.0f, -1e38f, 1e-45f}));
  EXPECT_TRUE(all_finite({}));
  EXPECT_FALSE(all_finite(std::vector<float>{1.0f, kNaN}));
  EXPECT_FALSE(all_finite(std::vector<float>{-kInf, 1.0f}));
}

TEST(DenseRowsTest, FindNonFiniteReportsTheFirstInRowMajorOrder) {
  DenseMatrix m(3, 3);
  EXPECT_FALSE(find_non_finite(m).has_value());
  m.row(2)[0] = kNaN;
  m.row(1)[2] = kInf;
  const auto at = find_non_finite(m);
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->row, 1u);
  EXPECT_EQ(at->col, 2u);
  const auto in_last_row = find_non_finite(m.row(2), 1, 3);
  ASSERT_TRUE(in_last_row.has_value());
  EXPECT_EQ(in_last_row->row, 0u);
  EXPECT_EQ(in_last_row->col, 0u);
}

}  // namespace
}  // namespace embeval
