#include "embeval/util/memory_usage.h"

#include <gtest/gtest.h>

#include <cstring>
#include <memory>

namespace embeval {
namespace {

TEST(MemoryUsage, PeakSeesALargeTouchedAllocation) {
  ASSERT_GT(current_rss_bytes(), 0u);
  reset_peak_rss();
  const std::size_t before = peak_rss_bytes();
  constexpr std::size_t kBytes = 64u << 20;
  {
    auto block = std::make_unique<char[]>(kBytes);
    std::memset(block.get(), 1, kBytes);  // touch every page so it is resident
    EXPECT_GE(current_rss_bytes(), kBytes);
  }
  EXPECT_GE(peak_rss_bytes(), before + kBytes / 2);
  EXPECT_GE(peak_rss_bytes(), current_rss_bytes());
}

}  // namespace
}  // namespace embeval
