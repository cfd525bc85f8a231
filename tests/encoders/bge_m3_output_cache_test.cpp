// BgeM3OutputCache: what is written is read back bit for bit by a new cache of the same key,
// and nothing else is trusted: another model's key, a flipped byte, a truncated file, a link,
// values of another dimension or not finite are refused (counted) and the texts are missing.
#include "embeval/encoders/bge_m3_output_cache.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <vector>

#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
constexpr BgeM3OutputCache::Shape kShape{3, 2, 100};

BgeM3Output sample(float seed) {
  BgeM3Output o;
  o.dense = {seed, -seed / 3, 0.1f};
  o.sparse = {{5, 0.25f + seed}, {42, seed / 7}};
  o.multi = DenseMatrix(2, 2);
  o.multi.data = {seed, 1.0f / 3, -0.5f, seed * seed};
  return o;
}

void expect_same(const BgeM3Output& a, const BgeM3Output& b) {
  EXPECT_EQ(std::memcmp(a.dense.data(), b.dense.data(), a.dense.size() * 4), 0);
  ASSERT_EQ(a.dense.size(), b.dense.size());
  EXPECT_EQ(a.sparse, b.sparse);
  EXPECT_EQ(a.multi.rows, b.multi.rows);
  EXPECT_EQ(a.multi.cols, b.multi.cols);
  EXPECT_EQ(a.multi.data, b.multi.data);
}

std::vector<fs::path> segments(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().rfind("seg-", 0) == 0) out.push_back(e.path());
  }
  return out;
}

TEST(BgeM3OutputCacheTest, ReadsBackWhatItWroteBitForBit) {
  testing::TempDir dir("embeval-bge-m3-cache");
  {
    BgeM3OutputCache cache(dir.path(), "model A", kShape);
    EXPECT_EQ(cache.find("one"), nullptr);
    cache.add("one", sample(1.5f));
    cache.add("two", sample(0.1f));
    cache.flush();
    EXPECT_EQ(cache.stats().segments_written, 1u);
  }
  BgeM3OutputCache again(dir.path(), "model A", kShape);
  ASSERT_NE(again.find("one"), nullptr);
  expect_same(*again.find("one"), sample(1.5f));
  expect_same(*again.find("two"), sample(0.1f));
  EXPECT_EQ(again.find("three"), nullptr);
  EXPECT_EQ(again.stats().corrupt, 0u);

  // Another model's key is another folder: nothing is shared.
  BgeM3OutputCache other(dir.path(), "model B", kShape);
  EXPECT_EQ(other.find("one"), nullptr);
}

TEST(BgeM3OutputCacheTest, RefusesAFlippedByteATruncationAndALink) {
  testing::TempDir dir("embeval-bge-m3-cache");
  {
    BgeM3OutputCache cache(dir.path(), "model A", kShape);
    cache.add("one", sample(1.5f));
    cache.flush();
    cache.add("two", sample(2.5f));
    cache.flush();
  }
  auto files = segments(dir.path());
  ASSERT_EQ(files.size(), 2u);
  std::sort(files.begin(), files.end());
  std::string bytes = testing::read_file(files[0]);
  bytes[bytes.size() - 20] ^= 1;  // inside the entry's floats
  std::ofstream(files[0], std::ios::binary | std::ios::trunc) << bytes;
  fs::resize_file(files[1], fs::file_size(files[1]) - 1);
  fs::create_symlink("/dev/zero", files[0].parent_path() / "seg-link.bin");
  BgeM3OutputCache cache(dir.path(), "model A", kShape);
  EXPECT_EQ(cache.find("one"), nullptr);
  EXPECT_EQ(cache.find("two"), nullptr);
  EXPECT_EQ(cache.stats().corrupt, 3u);
}

TEST(BgeM3OutputCacheTest, RefusesEntriesOfAnotherShapeOrNotFinite) {
  testing::TempDir dir("embeval-bge-m3-cache");
  {
    BgeM3OutputCache cache(dir.path(), "model A", kShape);
    BgeM3Output bad = sample(1);
    bad.dense[1] = std::numeric_limits<float>::quiet_NaN();
    cache.add("nan", bad);
    cache.add("fine", sample(2));
    cache.flush();
  }
  BgeM3OutputCache same(dir.path(), "model A", kShape);
  EXPECT_EQ(same.find("nan"), nullptr);  // refused; the next entry is still read
  ASSERT_NE(same.find("fine"), nullptr);
  EXPECT_EQ(same.stats().corrupt, 1u);
  // The same file read for a model whose vocabulary is smaller than id 42: refused too.
  BgeM3OutputCache small(dir.path(), "model A", {3, 2, 10});
  EXPECT_EQ(small.find("fine"), nullptr);
}

}  // namespace
}  // namespace embeval
