// On-disk cache of embeddings for any Encoder, keyed by (model identity, role, batch), so a re-run
// or an interrupted run resumes without recomputing, and the resumed run gives byte-identical
// vectors to an uninterrupted one. docs/embedding-cache.md is the format's spec page.
//
// Why batches, not texts: an encoder's vector for a text may depend, in its last bits, on the
// other texts of the same encode() call (llama.cpp packs them into shared batches; measured
// 6e-8 apart on AVX2, 1e-5 on AVX-512). So CachedEncoder cuts its input at fixed boundaries of
// the input order (every `block` texts), independent of what the cache holds, and a block is
// either wholly read from the cache or wholly recomputed with exactly the same texts.
//
// Layout: DIR/<16 hex digits of hash(model key)>/seg-<time>-<pid>-<n>.bin, each written
// atomically (AtomicFileWriter). Segment (little-endian):
//   "EMBVCACH" (8 bytes) | u32 version (2) | u32 key length | key bytes
//   blocks: u32 role | u32 kind (0 dense, 1 multi-vector) | u32 texts n | u32 dim | u64 rows |
//           n x (u64 FNV-1a | u32 crc32 | u32 length) of the texts |
//           n x u64 rows of each text (multi-vector only; dense: one row each) |
//           rows x dim f32 | u32 crc32 of the block's preceding bytes
// Trust: a cache file is opened without following links or blocking (a FIFO, a folder, a link to
// /dev/zero are refused), must be a regular file of at most kMaxSegmentBytes, and each block must
// pass its checksum, carry the model's dimension and hold only finite values. Anything else is a
// corrupt cache entry: it is recomputed, counted and reported naming the file, never blamed on a
// document. Files of other versions (1: per-text entries) are ignored.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "embeval/core/encoder.h"

namespace embeval {

// Identity of a model file's bytes: "<size>-<crc32 hex>". Reads the whole file (zlib crc32).
// Throws InputError when the file cannot be read.
[[nodiscard]] std::string file_fingerprint(const std::filesystem::path& path);

struct EmbeddingCacheStats {
  std::size_t loaded = 0;   // blocks read from disk
  std::size_t corrupt = 0;  // files or blocks refused (see "Trust" above)
  std::size_t ignored = 0;  // segments of another format version or model key
  std::size_t hits = 0;     // texts answered from the cache
  std::size_t misses = 0;   // texts encoded by the model
  std::size_t segments_written = 0;
  // "cache corrupt: FILE: why" for the first few corrupt files or blocks (bounded).
  std::vector<std::string> problems;
};

// What the cache holds for one block: dense (one row per text) or multi-vector (rows per text).
struct CachedBlock {
  EmbeddingBatch batch;  // exactly one of dense / multi is set
  std::string source;    // the segment it was read from ("" when computed in this process)
};

class EmbeddingCache {
 public:
  static constexpr std::uint64_t kMaxSegmentBytes = std::uint64_t{4} << 30;

  // Opens (and reads) the cache for `model_key` under `dir`; creates nothing until flush().
  // `dim` (> 0) is the model's dimension: blocks of another dimension are corrupt; 0 = unknown.
  EmbeddingCache(std::filesystem::path dir, std::string model_key, std::size_t dim = 0);

  // The stored block for exactly these texts in this order, or nullptr.
  [[nodiscard]] const CachedBlock* find(std::span<const std::string_view> texts, Role role) const;
  // Remembers a computed block (dense or multi-vector, one text per input) and queues it for the
  // next flush(). Precondition: the batch has one row (dense) or one offset range per text.
  void add(std::span<const std::string_view> texts, Role role, EmbeddingBatch batch);
  // Writes every queued block to one new segment (atomically). No-op when nothing is queued.
  void flush();
  // Forgets a block that turned out to be unusable (e.g. its kind disagrees with the model's
  // output) and records the problem.
  void reject(std::span<const std::string_view> texts, Role role, const std::string& why);

  std::size_t pending_texts() const { return pending_texts_; }
  EmbeddingCacheStats& stats() { return stats_; }
  const EmbeddingCacheStats& stats() const { return stats_; }
  const std::filesystem::path& directory() const { return model_dir_; }
  // False when the model folder is unusable (not a real folder): nothing is read or written.
  bool usable() const { return usable_; }

 private:
  struct TextKey {
    std::uint64_t hash;
    std::uint32_t crc;
    std::uint32_t length;
    bool operator==(const TextKey&) const = default;
  };
  struct Stored {
    CachedBlock block;
    std::vector<TextKey> texts;
  };
  struct BlockKey {
    std::uint64_t hash;
    std::uint32_t role;
    std::uint32_t texts;
    bool operator==(const BlockKey&) const = default;
  };
  struct BlockKeyHash {
    std::size_t operator()(const BlockKey& k) const noexcept { return k.hash ^ k.role ^ k.texts; }
  };
  static TextKey text_key(std::string_view text);
  static std::vector<TextKey> text_keys(std::span<const std::string_view> texts);
  static BlockKey key_of(const std::vector<TextKey>& keys, std::uint32_t role);
  void note_corrupt(const std::string& file, const std::string& why);
  void load_segment(const std::filesystem::path& file);

  std::filesystem::path model_dir_;
  std::string model_key_;
  std::size_t dim_;
  bool usable_ = true;
  std::unordered_map<BlockKey, Stored, BlockKeyHash> blocks_;
  std::string pending_;  // serialised blocks waiting for flush()
  std::size_t pending_texts_ = 0;
  EmbeddingCacheStats stats_;
};

struct CacheFlushPolicy {
  // Texts per encoder call (the unit of caching). Below 256 so that a block stays under the GGUF
  // encoder's own progress line; ~6 s of a 20 docs/s model.
  std::size_t block_texts = 128;
  std::size_t flush_texts = 4096;        // write a segment once this many texts are queued
  std::chrono::seconds flush_every{20};  // ... or when this long has passed since the last write
};

// An Encoder that answers from the cache and asks `inner` for the blocks it lacks. Blocks are
// written to disk by count and by time (CacheFlushPolicy) and at the end of every encode() call,
// so an interrupted run loses at most the last ~20 s of work. Dense and multi-vector outputs are
// cached; sparse outputs pass through uncached. Problems with the cache are written to stderr
// as warnings ("cache corrupt: FILE: why") and the affected blocks recomputed.
class CachedEncoder : public Encoder {
 public:
  CachedEncoder(std::unique_ptr<Encoder> inner, std::filesystem::path dir, std::string model_key,
                CacheFlushPolicy policy = {});
  ~CachedEncoder() override;
  std::string spec() const override { return inner_->spec(); }
  ModelCard card() const override { return inner_->card(); }
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override;
  const EmbeddingCacheStats& cache_stats() const { return cache_.stats(); }
  Encoder& inner() { return *inner_; }

 private:
  void flush();
  void report_new_problems();

  std::unique_ptr<Encoder> inner_;
  EmbeddingCache cache_;
  CacheFlushPolicy policy_;
  std::chrono::steady_clock::time_point last_flush_;
  std::size_t problems_reported_ = 0;
  bool passthrough_ = false;  // the model's output cannot be cached (sparse)
};

}  // namespace embeval
