// On-disk cache of BGE-M3's three outputs per text (encoders/bge_m3_heads.h), so that the dense,
// sparse and ColBERT rows of one model come from one forward pass per text, and a repeated or
// interrupted run does not run the model again. docs/bge-m3.md is the format's spec page.
//
// Why per text (the embedding cache keeps 128-text blocks): gguf_token_states.h runs every text
// as its own sequence, so a text's outputs never depend on the other texts of a call; a text read
// back is bit for bit what the model would compute again.
//
// Layout: DIR/bge-m3-<16 hex digits of FNV-1a(model key)>/seg-<time>-<pid>-<n>.bin, each file
// written atomically (util/atomic_file.h). Little-endian:
//   "EMBVBGE3" | u32 version (1) | u32 key length | key bytes
//   entries: u64 FNV-1a | u32 CRC-32 | u32 length of the text | u32 dense dim | u32 sparse count n
//   |
//            u32 colbert rows r | u32 colbert dim | dense f32 | n x u32 id | n x f32 weight |
//            r x colbert dim f32 | u64 FNV-1a of the entry's bytes above
// The model key names the GGUF and both head files by their fingerprints plus max_tokens: what
// changes the outputs. Trust: a file that is not a regular file (links are not followed), has a
// wrong magic, version or key, or an entry whose checksum, sizes, dimensions, ids (increasing,
// below the vocabulary) or values (finite) are wrong, is a corrupt cache entry: reported on
// stderr as "embeval: warning: cache corrupt: FILE: why (recomputed)", counted, and the texts it
// would have answered are encoded again. Never wrong numbers, never the end of the run.
// Not thread-safe: one caller at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "embeval/encoders/bge_m3_heads.h"

namespace embeval {

struct BgeM3CacheStats {
  std::size_t hits = 0;     // texts answered from the cache
  std::size_t misses = 0;   // texts the caller had to encode
  std::size_t corrupt = 0;  // files or entries refused
  std::size_t segments_written = 0;
};

class BgeM3OutputCache {
 public:
  // What every stored entry must match: the dense (= hidden) and ColBERT dimensions, and the
  // vocabulary size the sparse ids stay below.
  struct Shape {
    std::size_t dense_dim = 0;
    std::size_t colbert_dim = 0;
    std::size_t vocabulary = 0;
  };
  static constexpr std::uint64_t kMaxSegmentBytes = std::uint64_t{4} << 30;

  // Reads every segment of `model_key` under `dir` (creates nothing until flush()).
  BgeM3OutputCache(const std::filesystem::path& dir, std::string model_key, Shape shape);

  // The stored outputs of `text`, or nullptr. Valid until the next add().
  [[nodiscard]] const BgeM3Output* find(std::string_view text);
  // Stores a computed text's outputs and queues them for the next flush().
  void add(std::string_view text, BgeM3Output output);
  // Writes every queued entry to one new segment, atomically. No-op when nothing is queued.
  void flush();
  std::size_t pending() const { return pending_count_; }
  const BgeM3CacheStats& stats() const { return stats_; }
  const std::filesystem::path& directory() const { return model_dir_; }

 private:
  struct Key {
    std::uint64_t hash;
    std::uint32_t crc;
    std::uint32_t length;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept { return k.hash ^ k.length; }
  };
  static Key key_of(std::string_view text);
  void load(const std::filesystem::path& file);
  void corrupt(const std::filesystem::path& file, const std::string& why);

  std::filesystem::path model_dir_;
  std::string model_key_;
  Shape shape_;
  bool usable_ = true;
  std::unordered_map<Key, BgeM3Output, KeyHash> entries_;
  std::string pending_;
  std::size_t pending_count_ = 0;
  BgeM3CacheStats stats_;
};

}  // namespace embeval
