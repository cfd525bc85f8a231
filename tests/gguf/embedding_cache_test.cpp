// The on-disk embedding cache: hits avoid recomputation, reloads survive a new process-like
// instance, corrupt entries are detected and recomputed, other models' segments are ignored.
#include "embeval/embedding_cache.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace embeval {
namespace {

namespace fs = std::filesystem;

// Deterministic fake: vector = (length, first byte, role), counts the texts it encodes.
class CountingEncoder : public Encoder {
 public:
  explicit CountingEncoder(std::size_t* calls) : calls_(calls) {}
  std::string spec() const override { return "fake?dim=3"; }
  ModelCard card() const override { return {}; }
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override {
    DenseMatrix m(texts.size(), 3);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      m.row(i)[0] = static_cast<float>(texts[i].size());
      m.row(i)[1] = texts[i].empty() ? -1.0f : static_cast<float>(texts[i][0]);
      m.row(i)[2] = role == Role::kQuery ? 1.0f : 2.0f;
    }
    *calls_ += texts.size();
    EmbeddingBatch b;
    b.dense = std::move(m);
    return b;
  }

 private:
  std::size_t* calls_;
};

class EmbeddingCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("embeval-cache-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  CachedEncoder make(const std::string& key = "model-A") {
    return CachedEncoder(std::make_unique<CountingEncoder>(&calls_), dir_, key, /*chunk=*/2);
  }
  fs::path dir_;
  std::size_t calls_ = 0;
};

const std::vector<std::string_view> kTexts = {"alpha", "be", "", "delta", "alpha"};

TEST_F(EmbeddingCacheTest, SecondRunIsServedFromDisk) {
  {
    auto enc = make();
    const auto b = enc.encode(kTexts, Role::kDocument);
    EXPECT_EQ(calls_, 5u);  // the duplicate "alpha" is looked up before anything is stored
    EXPECT_FLOAT_EQ(b.dense->row(3)[0], 5.0f);
    EXPECT_EQ(enc.cache_stats().segments_written, 3u);  // chunks of 2, 2, 1
  }
  auto again = make();
  EXPECT_EQ(again.cache_stats().loaded, 5u);
  const auto b = again.encode(kTexts, Role::kDocument);
  EXPECT_EQ(calls_, 5u);  // nothing recomputed
  EXPECT_EQ(again.cache_stats().hits, 5u);
  EXPECT_FLOAT_EQ(b.dense->row(1)[0], 2.0f);
  EXPECT_FLOAT_EQ(b.dense->row(1)[1], 'b');
  EXPECT_FLOAT_EQ(b.dense->row(2)[1], -1.0f);
  // Role is part of the key.
  const auto q = again.encode(kTexts, Role::kQuery);
  EXPECT_EQ(calls_, 10u);
  EXPECT_FLOAT_EQ(q.dense->row(0)[2], 1.0f);
}

TEST_F(EmbeddingCacheTest, OtherModelKeyDoesNotShare) {
  make("model-A").encode(kTexts, Role::kDocument);
  auto other = make("model-B");
  EXPECT_EQ(other.cache_stats().loaded, 0u);
  other.encode(kTexts, Role::kDocument);
  EXPECT_EQ(calls_, 10u);
}

TEST_F(EmbeddingCacheTest, CorruptEntryIsRecomputedNotTrusted) {
  auto first = make();
  first.encode(kTexts, Role::kDocument);
  // Flip one byte of a vector in every segment.
  std::size_t damaged = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir_)) {
    if (!e.is_regular_file()) continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-6, std::ios::end);
    char c;
    f.get(c);
    f.seekp(-6, std::ios::end);
    f.put(static_cast<char>(c ^ 0x5a));
    ++damaged;
  }
  ASSERT_EQ(damaged, 3u);
  auto reloaded = make();
  EXPECT_EQ(reloaded.cache_stats().corrupt, 3u);
  // Segments hold [alpha, be], ["", delta], [alpha]; each lost its last entry.
  EXPECT_EQ(reloaded.cache_stats().loaded, 2u);
  const std::size_t before = calls_;
  const auto b = reloaded.encode(kTexts, Role::kDocument);
  EXPECT_GT(calls_, before);
  EXPECT_FLOAT_EQ(b.dense->row(3)[0], 5.0f);  // correct values, recomputed
  EXPECT_FLOAT_EQ(b.dense->row(4)[1], 'a');
}

TEST_F(EmbeddingCacheTest, ForeignFileIsIgnored) {
  auto first = make();
  first.encode(kTexts, Role::kDocument);
  std::ofstream(dir_ / "unrelated.txt") << "x";  // files outside model directories are ignored
  // A file with the segment name but garbage content in the model directory.
  for (const auto& e : fs::directory_iterator(dir_)) {
    if (e.is_directory()) std::ofstream(e.path() / "seg-zzzz.bin") << "not a cache segment";
  }
  auto reloaded = make();
  EXPECT_EQ(reloaded.cache_stats().corrupt, 1u);
  EXPECT_EQ(reloaded.cache_stats().loaded, 5u);
}

TEST(FileFingerprint, SizeAndCrc) {
  const fs::path p = fs::temp_directory_path() / ("embeval-fp-" + std::to_string(::getpid()));
  std::ofstream(p, std::ios::binary) << "123456789";
  EXPECT_EQ(file_fingerprint(p), "9-cbf43926");  // the standard CRC-32 check value
  fs::remove(p);
}

}  // namespace
}  // namespace embeval
