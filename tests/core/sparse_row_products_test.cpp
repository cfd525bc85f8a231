// Products of two sparse rows: the dot over shared term ids only, each row's squared norm, and
// rows of different matrices at different positions; values small integers, so exact.
#include <gtest/gtest.h>

#include <vector>

#include "embeval/core/embeddings.h"

namespace embeval {
namespace {

SparseMatrix rows(std::size_t dim,
                  const std::vector<std::vector<std::pair<std::uint32_t, float>>>& r) {
  SparseMatrix m;
  m.dim = dim;
  for (const auto& row : r) {
    std::vector<std::uint32_t> ids;
    std::vector<float> values;
    for (const auto& [id, v] : row) {
      ids.push_back(id);
      values.push_back(v);
    }
    m.append_row(ids, values);
  }
  return m;
}

TEST(SparseRowProducts, DotOverSharedIdsAndBothNorms) {
  const SparseMatrix a = rows(10, {{{1, 2}, {4, 3}, {7, 1}}, {}});
  const SparseMatrix b = rows(10, {{{0, 5}}, {{2, 9}, {4, -2}, {7, 4}, {9, 1}}});
  const SparseRowProducts p = sparse_row_products(a, 0, b, 1);
  EXPECT_EQ(p.dot, 3.0 * -2 + 1.0 * 4);  // ids 4 and 7 are shared; 1, 2 and 9 are not
  EXPECT_EQ(p.aa, 4.0 + 9 + 1);
  EXPECT_EQ(p.bb, 81.0 + 4 + 16 + 1);
  const SparseRowProducts empty = sparse_row_products(a, 1, b, 0);
  EXPECT_EQ(empty.dot, 0.0);
  EXPECT_EQ(empty.aa, 0.0);
  EXPECT_EQ(empty.bb, 25.0);
}

}  // namespace
}  // namespace embeval
