// On-disk cache of dense embeddings for any Encoder, keyed by (model identity, role, text), so a
// re-run or an interrupted run resumes without recomputing.
//
// Layout: DIR/<16 hex digits of hash(model key)>/seg-*.bin, one segment per stored batch, each
// written atomically (AtomicFileWriter). Segment format (little-endian):
//   "EMBVCACH" (8 bytes) | u32 version (1) | u32 key length | key bytes
//   entries: u64 text hash (FNV-1a) | u32 text crc32 | u32 text length | u32 role | u32 dim |
//            dim x f32 | u32 crc32 of the entry's preceding bytes
// A segment with another magic, version or key is ignored; an entry whose checksum fails is
// never trusted (it and the rest of its segment are recomputed), and counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "embeval/encoder.h"

namespace embeval {

// Identity of a model file's bytes: "<size>-<crc32 hex>". Reads the whole file (zlib crc32).
// Throws InputError when the file cannot be read.
[[nodiscard]] std::string file_fingerprint(const std::filesystem::path& path);

struct EmbeddingCacheStats {
  std::size_t loaded = 0;   // entries read from disk
  std::size_t corrupt = 0;  // entries or segments rejected by their checksum/header
  std::size_t hits = 0;
  std::size_t misses = 0;
  std::size_t segments_written = 0;
};

class EmbeddingCache {
 public:
  // Opens (and reads) the cache for `model_key` under `dir`; creates nothing until store().
  EmbeddingCache(std::filesystem::path dir, std::string model_key);

  // Copies the cached vector of (role, text) into `out` (resized) and returns true on a hit.
  bool lookup(std::string_view text, Role role, std::vector<float>& out);
  // Writes one segment holding rows i of `vectors` for texts[i] (atomically), and remembers them.
  // Precondition: vectors.rows == texts.size().
  void store(std::span<const std::string_view> texts, Role role, const DenseMatrix& vectors);

  const EmbeddingCacheStats& stats() const { return stats_; }
  const std::filesystem::path& directory() const { return model_dir_; }

 private:
  struct Key {
    std::uint64_t hash;
    std::uint32_t crc;
    std::uint32_t length;
    std::uint32_t role;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const noexcept {
      return k.hash ^ (std::size_t{k.role} << 1);
    }
  };
  static Key key_of(std::string_view text, Role role);
  void load_segment(const std::filesystem::path& file);

  std::filesystem::path model_dir_;
  std::string model_key_;
  std::unordered_map<Key, std::vector<float>, KeyHash> entries_;
  EmbeddingCacheStats stats_;
};

// An Encoder that answers from the cache and asks `inner` only for the texts it lacks, storing
// new vectors every `chunk` texts (so an interrupted run keeps what it finished). Encoders
// without dense output pass through uncached.
class CachedEncoder : public Encoder {
 public:
  CachedEncoder(std::unique_ptr<Encoder> inner, std::filesystem::path dir, std::string model_key,
                std::size_t chunk = 4096);
  std::string spec() const override { return inner_->spec(); }
  ModelCard card() const override { return inner_->card(); }
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override;
  const EmbeddingCacheStats& cache_stats() const { return cache_.stats(); }
  Encoder& inner() { return *inner_; }

 private:
  std::unique_ptr<Encoder> inner_;
  EmbeddingCache cache_;
  std::size_t chunk_;
};

}  // namespace embeval
