// The on-disk embedding cache: hits avoid recomputation; a resumed run (a cache holding only some
// blocks, or one left by a process killed with SIGKILL) gives byte-identical vectors to an
// uninterrupted one; multi-vector (windowed) outputs are cached; hostile or damaged cache files
// are refused, counted, named and recomputed, never trusted and never blamed on a document.
#include "embeval/models/embedding_cache.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "embeval/util/atomic_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

// Like a transformer batched with others, each vector depends (in its last bits) on the other
// texts of the same encode() call: row = (length, first byte, role) + 1e-6 * (sum of the call's
// lengths). Encoding a text in another composition gives other bytes, as llama.cpp does.
class BatchSensitiveEncoder : public Encoder {
 public:
  BatchSensitiveEncoder(std::size_t* calls, std::size_t dim = 3, bool multi = false)
      : calls_(calls), dim_(dim), multi_(multi) {}
  std::string spec() const override { return "fake?dim=3"; }
  ModelCard card() const override {
    ModelCard c;
    c.dimension = 3;
    return c;
  }
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override {
    float context = 0;
    for (const auto t : texts) context += static_cast<float>(t.size());
    auto fill = [&](float* r, std::string_view t, std::size_t window) {
      r[0] = static_cast<float>(t.size()) + 1e-6f * context;
      r[1] = (t.empty() ? -1.0f : static_cast<float>(t[0])) + static_cast<float>(window);
      r[2] = role == Role::kQuery ? 1.0f : 2.0f;
      for (std::size_t d = 3; d < dim_; ++d) r[d] = 0.5f;
    };
    *calls_ += texts.size();
    EmbeddingBatch b;
    if (!multi_) {
      DenseMatrix m(texts.size(), dim_);
      for (std::size_t i = 0; i < texts.size(); ++i) fill(m.row(i), texts[i], 0);
      b.dense = std::move(m);
      return b;
    }
    // Windowed documents: text i has 1 + (length % 3) windows.
    MultiVectorMatrix mv;
    std::size_t rows = 0;
    for (const auto t : texts) rows += 1 + t.size() % 3;
    mv.vectors = DenseMatrix(rows, dim_);
    std::size_t r = 0;
    for (const auto t : texts) {
      for (std::size_t w = 0; w < 1 + t.size() % 3; ++w) fill(mv.vectors.row(r++), t, w);
      mv.offsets.push_back(r);
    }
    b.multi = std::move(mv);
    return b;
  }

 private:
  std::size_t* calls_;
  std::size_t dim_;
  bool multi_;
};

// Column 0 is the length plus the batch perturbation (< 1e-3 here): compare with EXPECT_NEAR.
std::string bytes_of(const EmbeddingBatch& b) {
  const DenseMatrix& m = b.dense ? *b.dense : b.multi->vectors;
  std::string s(reinterpret_cast<const char*>(m.data.data()), m.data.size() * sizeof(float));
  if (b.multi) {
    for (const std::size_t o : b.multi->offsets) s += std::to_string(o) + ",";
  }
  return s;
}

std::vector<fs::path> segments(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.path().filename().string().starts_with("seg-")) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> make_texts(std::size_t n) {
  std::vector<std::string> texts;
  for (std::size_t i = 0; i < n; ++i) {
    texts.push_back(std::string(1 + i % 7, static_cast<char>('a' + i % 26)) + std::to_string(i));
  }
  return texts;
}

class EmbeddingCacheTest : public ::testing::Test {
 protected:
  CachedEncoder make(const std::string& key = "model-A", CacheFlushPolicy policy = small(),
                     std::size_t dim = 3, bool multi = false) {
    return CachedEncoder(std::make_unique<BatchSensitiveEncoder>(&calls_, dim, multi), dir_, key,
                         policy);
  }
  static CacheFlushPolicy small() {
    CacheFlushPolicy p;
    p.block_texts = 2;
    return p;
  }
  // Encodes `texts` as encode_corpus does: calls of `batch` texts at fixed boundaries.
  static std::string encode_all(CachedEncoder& enc, const std::vector<std::string>& texts,
                                std::size_t batch, Role role = Role::kDocument) {
    const std::vector<std::string_view> views(texts.begin(), texts.end());
    std::string out;
    for (std::size_t b = 0; b < views.size(); b += batch) {
      const std::size_t n = std::min(batch, views.size() - b);
      out += bytes_of(enc.encode(std::span(views).subspan(b, n), role));
    }
    return out;
  }
  embeval::testing::TempDir dir_{"embeval-cache"};
  std::size_t calls_ = 0;
};

const std::vector<std::string_view> kTexts = {"alpha", "be", "", "delta", "alpha"};

TEST_F(EmbeddingCacheTest, SecondRunIsServedFromDisk) {
  std::string first_bytes;
  {
    auto enc = make();
    const auto b = enc.encode(kTexts, Role::kDocument);
    first_bytes = bytes_of(b);
    EXPECT_EQ(calls_, 5u);
    EXPECT_NEAR(b.dense->row(3)[0], 5.0f, 1e-3f);
    EXPECT_EQ(enc.cache_stats().misses, 5u);
    EXPECT_EQ(enc.cache_stats().segments_written, 1u);  // blocks of 2, 2, 1 in one segment
  }
  auto again = make();
  EXPECT_EQ(again.cache_stats().loaded, 3u);
  const auto b = again.encode(kTexts, Role::kDocument);
  EXPECT_EQ(calls_, 5u);  // nothing recomputed
  EXPECT_EQ(again.cache_stats().hits, 5u);
  EXPECT_EQ(bytes_of(b), first_bytes);
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

// The heart of resume: whatever subset of blocks the cache holds, the vectors are the same bytes.
TEST_F(EmbeddingCacheTest, ResumedRunIsByteIdenticalToAnUninterruptedOne) {
  const std::vector<std::string> texts = make_texts(103);
  CacheFlushPolicy policy;
  policy.block_texts = 8;
  policy.flush_texts = 8;  // one segment per block, as a slow model's time trigger would give
  const fs::path uninterrupted = dir_ / "uninterrupted";
  std::string expected;
  {
    CachedEncoder enc(std::make_unique<BatchSensitiveEncoder>(&calls_), uninterrupted, "m", policy);
    expected = encode_all(enc, texts, 32);
  }
  ASSERT_EQ(calls_, 103u);
  // The test has teeth: a text encoded in another composition gives other bytes.
  {
    std::size_t unused = 0;
    BatchSensitiveEncoder raw(&unused);
    const std::vector<std::string_view> one = {texts[0]}, two = {texts[0], texts[1]};
    EXPECT_NE(raw.encode(one, Role::kDocument).dense->row(0)[0],
              raw.encode(two, Role::kDocument).dense->row(0)[0]);
  }
  // An interrupted run kept only some blocks: drop every other segment (13 in all).
  const std::vector<fs::path> segs = segments(uninterrupted);
  ASSERT_EQ(segs.size(), 13u);  // 4 calls of 32 texts = 4+4+4+1 blocks (the last has 7 texts)
  const fs::path partial = dir_ / "partial";
  for (std::size_t i = 0; i < segs.size(); i += 2) {
    fs::create_directories(partial / segs[i].parent_path().filename());
    fs::copy_file(segs[i], partial / segs[i].parent_path().filename() / segs[i].filename());
  }
  calls_ = 0;
  {
    CachedEncoder resumed(std::make_unique<BatchSensitiveEncoder>(&calls_), partial, "m", policy);
    EXPECT_EQ(resumed.cache_stats().loaded, 7u);
    EXPECT_EQ(encode_all(resumed, texts, 32), expected);
    EXPECT_EQ(resumed.cache_stats().hits + resumed.cache_stats().misses, 103u);
    EXPECT_EQ(calls_, resumed.cache_stats().misses);
    EXPECT_EQ(calls_, 6u * 8u);  // the six dropped blocks, recomputed whole
  }
  // And a third run, fully cached, still gives the same bytes without calling the model.
  calls_ = 0;
  CachedEncoder complete(std::make_unique<BatchSensitiveEncoder>(&calls_), partial, "m", policy);
  EXPECT_EQ(encode_all(complete, texts, 32), expected);
  EXPECT_EQ(calls_, 0u);
}

TEST_F(EmbeddingCacheTest, ARunKilledWithSigkillResumesByteIdentically) {
  const std::vector<std::string> texts = make_texts(60);
  CacheFlushPolicy policy;
  policy.block_texts = 4;
  policy.flush_texts = 1000;
  policy.flush_every = std::chrono::seconds(0);  // the time trigger, after every block
  std::string expected;
  {
    CachedEncoder enc(std::make_unique<BatchSensitiveEncoder>(&calls_), dir_ / "whole", "m",
                      policy);
    expected = encode_all(enc, texts, 20);
  }
  // A slow model in a child process, killed once it has written a few segments.
  class SlowEncoder : public BatchSensitiveEncoder {
   public:
    using BatchSensitiveEncoder::BatchSensitiveEncoder;
    EmbeddingBatch encode(std::span<const std::string_view> t, Role role) override {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      return BatchSensitiveEncoder::encode(t, role);
    }
  };
  const fs::path killed = dir_ / "killed";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::size_t calls = 0;
    CachedEncoder enc(std::make_unique<SlowEncoder>(&calls), killed, "m", policy);
    (void)encode_all(enc, texts, 20);
    ::_exit(0);
  }
  for (int i = 0; i < 3000 && segments(killed).size() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  const std::size_t kept = segments(killed).size();
  std::printf("killed after %zu of 15 blocks were written\n", kept);
  calls_ = 0;
  CachedEncoder resumed(std::make_unique<BatchSensitiveEncoder>(&calls_), killed, "m", policy);
  EXPECT_EQ(resumed.cache_stats().corrupt, 0u);
  EXPECT_EQ(encode_all(resumed, texts, 20), expected);
  EXPECT_EQ(calls_, 60u - 4u * kept);
  // No temporary file of the killed writer survives the resumed run's first write.
  for (const auto& e : fs::recursive_directory_iterator(killed)) {
    EXPECT_FALSE(is_atomic_temp_name(e.path().filename().string())) << e.path();
  }
}

TEST_F(EmbeddingCacheTest, WindowedMultiVectorOutputIsCached) {
  const std::vector<std::string> texts = make_texts(9);
  std::string first;
  {
    auto enc = make("m", small(), 3, /*multi=*/true);
    first = encode_all(enc, texts, 9);
  }
  ASSERT_EQ(calls_, 9u);
  auto again = make("m", small(), 3, /*multi=*/true);
  EXPECT_EQ(again.cache_stats().loaded, 5u);
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  const EmbeddingBatch b = again.encode(views, Role::kDocument);
  EXPECT_EQ(calls_, 9u);  // all from the cache
  ASSERT_TRUE(b.multi.has_value());
  EXPECT_EQ(bytes_of(b), first);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(b.multi->offsets[i + 1] - b.multi->offsets[i], 1 + texts[i].size() % 3);
  }
}

TEST_F(EmbeddingCacheTest, ExceptionMidwayKeepsTheFinishedBlocks) {
  class FailsOnThirdCall : public BatchSensitiveEncoder {
   public:
    using BatchSensitiveEncoder::BatchSensitiveEncoder;
    EmbeddingBatch encode(std::span<const std::string_view> t, Role role) override {
      if (++n_ == 3) throw std::runtime_error("model failed");
      return BatchSensitiveEncoder::encode(t, role);
    }
    int n_ = 0;
  };
  CacheFlushPolicy policy = small();
  policy.flush_texts = 1000;
  policy.flush_every = std::chrono::seconds(3600);
  {
    CachedEncoder enc(std::make_unique<FailsOnThirdCall>(&calls_), dir_, "m", policy);
    EXPECT_THROW(enc.encode(kTexts, Role::kDocument), std::runtime_error);
  }
  auto again = make("m");
  EXPECT_EQ(again.cache_stats().loaded, 2u);  // [alpha, be] and ["", delta]
}

TEST_F(EmbeddingCacheTest, CorruptBlockIsRecomputedNotTrusted) {
  make().encode(kTexts, Role::kDocument);
  const auto segs = segments(dir_);
  ASSERT_EQ(segs.size(), 1u);
  {
    // Flip one byte inside the vectors of the last block.
    std::fstream f(segs[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-6, std::ios::end);
    char c;
    f.get(c);
    f.seekp(-6, std::ios::end);
    f.put(static_cast<char>(c ^ 0x5a));
  }
  const std::size_t before = calls_;
  auto reloaded = make();
  EXPECT_EQ(reloaded.cache_stats().corrupt, 1u);
  EXPECT_EQ(reloaded.cache_stats().loaded, 2u);
  ASSERT_EQ(reloaded.cache_stats().problems.size(), 1u);
  EXPECT_NE(reloaded.cache_stats().problems[0].find(segs[0].string()), std::string::npos);
  EXPECT_NE(reloaded.cache_stats().problems[0].find("cache corrupt"), std::string::npos);
  const auto b = reloaded.encode(kTexts, Role::kDocument);
  EXPECT_EQ(calls_, before + 1);             // only the damaged block ["alpha"]
  EXPECT_FLOAT_EQ(b.dense->row(4)[1], 'a');  // correct values, recomputed
}

// Rewrites the float at `value_index` of the only block of a one-block segment and fixes the
// block's checksum, as a buggy or malicious writer would.
void forge_value(const fs::path& seg, const std::string& key, std::size_t n_texts,
                 std::size_t value_index, float value) {
  std::ifstream in(seg, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string bytes = ss.str();
  const std::size_t block = 8 + 4 + 4 + key.size();
  const std::size_t values = block + 24 + 16 * n_texts;
  std::memcpy(bytes.data() + values + 4 * value_index, &value, 4);
  const auto c =
      static_cast<std::uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(bytes.data() + block),
                                       static_cast<uInt>(bytes.size() - 4 - block)));
  std::memcpy(bytes.data() + bytes.size() - 4, &c, 4);
  std::ofstream(seg, std::ios::binary | std::ios::trunc) << bytes;
}

TEST_F(EmbeddingCacheTest, NanWithAValidChecksumIsACorruptCacheNotABadDocument) {
  const std::vector<std::string_view> two = {"alpha", "be"};
  make().encode(two, Role::kDocument);
  const auto segs = segments(dir_);
  ASSERT_EQ(segs.size(), 1u);
  forge_value(segs[0], "model-A\nfake?dim=3", 2, 4, std::numeric_limits<float>::quiet_NaN());
  auto reloaded = make();
  EXPECT_EQ(reloaded.cache_stats().corrupt, 1u);
  EXPECT_EQ(reloaded.cache_stats().loaded, 0u);
  ASSERT_FALSE(reloaded.cache_stats().problems.empty());
  EXPECT_NE(reloaded.cache_stats().problems[0].find("NaN"), std::string::npos);
  const auto b = reloaded.encode(two, Role::kDocument);
  for (float v : b.dense->data) EXPECT_TRUE(std::isfinite(v));
  EXPECT_FLOAT_EQ(b.dense->row(1)[1], 'b');
}

TEST_F(EmbeddingCacheTest, AnotherDimensionIsACorruptCache) {
  // Same key, but the writer gave 4 columns: the model (card dimension 3) cannot have written it.
  make("model-A", small(), /*dim=*/4).encode(kTexts, Role::kDocument);
  auto reloaded = make();
  EXPECT_EQ(reloaded.cache_stats().loaded, 0u);
  EXPECT_EQ(reloaded.cache_stats().corrupt, 3u);
  const auto b = reloaded.encode(kTexts, Role::kDocument);
  EXPECT_EQ(b.dense->cols, 3u);
}

TEST_F(EmbeddingCacheTest, HostileFilesAreRefusedWithoutHangingOrFollowingLinks) {
  make().encode(kTexts, Role::kDocument);
  const auto segs = segments(dir_);
  ASSERT_EQ(segs.size(), 1u);
  const fs::path model_dir = segs[0].parent_path();
  ASSERT_EQ(::mkfifo((model_dir / "seg-0-fifo.bin").c_str(), 0600), 0);  // would block a read
  fs::create_directories(model_dir / "seg-1-folder.bin");
  fs::create_symlink("/dev/zero", model_dir / "seg-2-zero.bin");  // endless
  fs::create_symlink(segs[0], model_dir / "seg-3-link.bin");      // valid content, but a link
  std::ofstream(model_dir / "seg-4-garbage.bin") << "not a cache segment";
  std::ofstream(dir_ / "unrelated.txt") << "x";  // outside model folders: not looked at
  auto reloaded = make();
  EXPECT_EQ(reloaded.cache_stats().corrupt, 5u);
  EXPECT_EQ(reloaded.cache_stats().loaded, 3u);  // the genuine segment
  const auto b = reloaded.encode(kTexts, Role::kDocument);
  EXPECT_NEAR(b.dense->row(3)[0], 5.0f, 1e-3f);
}

TEST_F(EmbeddingCacheTest, AModelFolderThatIsALinkOrAFileTurnsTheCacheOff) {
  make().encode(kTexts, Role::kDocument);
  const fs::path model_dir = segments(dir_).at(0).parent_path();
  const testing::TempDir outside("embeval-cache-elsewhere");  // outside the cache folder
  const fs::path elsewhere = outside / "model";
  fs::rename(model_dir, elsewhere);
  fs::create_directory_symlink(elsewhere, model_dir);
  {
    auto enc = make();
    EXPECT_FALSE(enc.cache_stats().problems.empty());
    EXPECT_EQ(enc.cache_stats().loaded, 0u);
    const std::vector<std::string_view> one = {"new text"};
    const auto b = enc.encode(one, Role::kDocument);
    EXPECT_NEAR(b.dense->row(0)[0], 8.0f, 1e-3f);
  }
  EXPECT_EQ(segments(elsewhere).size(), 1u);  // nothing written through the link
  fs::remove_all(elsewhere);
  fs::remove(model_dir);
  std::ofstream(model_dir) << "a file";
  auto enc = make();
  EXPECT_EQ(enc.cache_stats().corrupt, 1u);
  EXPECT_NEAR(enc.encode(kTexts, Role::kDocument).dense->row(0)[0], 5.0f, 1e-3f);
}

TEST_F(EmbeddingCacheTest, OldFormatVersionIsIgnored) {
  make().encode(kTexts, Role::kDocument);
  const auto seg = segments(dir_).at(0);
  std::fstream f(seg, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(8);
  const std::uint32_t v1 = 1;
  f.write(reinterpret_cast<const char*>(&v1), 4);
  f.close();
  auto reloaded = make();
  EXPECT_EQ(reloaded.cache_stats().loaded, 0u);
  EXPECT_EQ(reloaded.cache_stats().ignored, 1u);
  EXPECT_EQ(reloaded.cache_stats().corrupt, 0u);
}

TEST(FileFingerprint, SizeAndCrc) {
  const testing::TempDir dir("embeval-fp");
  const fs::path p = dir / "check.txt";
  std::ofstream(p, std::ios::binary) << "123456789";
  EXPECT_EQ(file_fingerprint(p), "9-cbf43926");  // the standard CRC-32 check value
}

}  // namespace
}  // namespace embeval
