// The embedding cache with a ConcurrentBlockEncoder (a remote model): every missing block is
// handed over in one call, each block is on disk the moment it is delivered (in any order), a
// failure keeps what was delivered, a rerun asks only for the rest, and the cache is keyed by
// vector_identity(), so settings outside it (concurrency, price) keep the cached vectors.
#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "embeval/core/block_encoder.h"
#include "embeval/models/embedding_cache.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// Row of text t: (length, first byte). Delivers blocks last first; throws when it reaches the
// block holding `fail_on` (after delivering the blocks before it in its order).
class FakeRemote : public Encoder, public ConcurrentBlockEncoder {
 public:
  FakeRemote(std::string spec, std::vector<std::string>* asked)
      : spec_(std::move(spec)), asked_(asked) {}
  std::string spec() const override { return spec_; }
  ModelCard card() const override { return {}; }  // dimension unknown until an answer
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role) override {
    EmbeddingBatch b;
    b.dense = rows(texts);
    return b;
  }
  std::size_t preferred_block_texts() const override { return 2; }
  void encode_blocks(std::span<const std::span<const std::string_view>> blocks, Role,
                     const std::function<void(std::size_t, EmbeddingBatch&&)>& done) override {
    ++calls;
    for (std::size_t i = blocks.size(); i-- > 0;) {
      for (auto t : blocks[i]) {
        if (t == fail_on) throw std::runtime_error("server gone");
      }
      for (auto t : blocks[i]) asked_->emplace_back(t);
      EmbeddingBatch b;
      b.dense = rows(blocks[i]);
      done(i, std::move(b));
    }
  }
  std::string vector_identity() const override { return "fake-remote:model"; }
  static DenseMatrix rows(std::span<const std::string_view> texts) {
    DenseMatrix m(texts.size(), 2);
    for (std::size_t i = 0; i < texts.size(); ++i) {
      m.row(i)[0] = static_cast<float>(texts[i].size());
      m.row(i)[1] = static_cast<float>(texts[i][0]);
    }
    return m;
  }
  std::string fail_on;
  std::size_t calls = 0;

 private:
  std::string spec_;
  std::vector<std::string>* asked_;
};

CacheFlushPolicy per_block() {
  CacheFlushPolicy p;
  p.block_texts = 2;
  p.flush_texts = 1;
  return p;
}

TEST(ConcurrentBlockCache, KeepsDeliveredBlocksThroughAFailureAndAsksOnlyForTheRest) {
  testing::TempDir dir("embeval-block-cache");
  const std::vector<std::string> texts = {"apple", "bear", "cat", "dog", "emu", "fox", "gnu"};
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  std::vector<std::string> asked;
  {
    auto inner = std::make_unique<FakeRemote>("fake?concurrency=4", &asked);
    inner->fail_on = "cat";  // blocks: {apple bear} {cat dog} {emu fox} {gnu}; delivered last first
    CachedEncoder cached(std::move(inner), dir.path(), "fake", per_block());
    EXPECT_THROW((void)cached.encode(views, Role::kDocument), std::runtime_error);
    EXPECT_EQ(cached.cache_stats().segments_written, 2u);  // {gnu}, {emu fox}: each at once
  }
  EXPECT_EQ(asked, (std::vector<std::string>{"gnu", "emu", "fox"}));
  asked.clear();
  // Another spec with the same vector identity (only concurrency differs): the cache holds.
  auto inner = std::make_unique<FakeRemote>("fake?concurrency=1", &asked);
  FakeRemote* remote = inner.get();
  CachedEncoder cached(std::move(inner), dir.path(), "fake", per_block());
  const EmbeddingBatch got = cached.encode(views, Role::kDocument);
  EXPECT_EQ(asked, (std::vector<std::string>{"cat", "dog", "apple", "bear"}));
  EXPECT_EQ(remote->calls, 1u);  // every missing block in one call
  ASSERT_TRUE(got.dense.has_value());
  const DenseMatrix want = FakeRemote::rows(views);
  EXPECT_EQ(got.dense->data, want.data);
  EXPECT_EQ(cached.cache_stats().hits, 3u);
  EXPECT_EQ(cached.cache_stats().misses, 4u);
}

}  // namespace
}  // namespace embeval
