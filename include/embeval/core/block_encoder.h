// Optional capability of an Encoder that works on several independent blocks of texts at once (a
// remote model sending concurrent requests). The embedding cache (models/embedding_cache.h) hands
// such an encoder every block it lacks in one call and stores each block the moment `done`
// delivers it, so a failure or an interruption loses no finished block and a rerun never pays
// for it again. Thread-safety: as the Encoder (one caller at a time); `done` runs on the caller's
// thread.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "embeval/core/encoder.h"

namespace embeval {

class ConcurrentBlockEncoder {
 public:
  virtual ~ConcurrentBlockEncoder() = default;
  // Texts per block that suit the encoder (one request): the cache cuts blocks no larger.
  [[nodiscard]] virtual std::size_t preferred_block_texts() const = 0;
  // Encodes each block as encode() would, calling done(i, rows of blocks[i]) once per block as
  // soon as it is ready, in any order, always on the calling thread. On a failure it stops
  // starting new work, delivers the blocks already finished, then throws.
  virtual void encode_blocks(
      std::span<const std::span<const std::string_view>> blocks, Role role,
      const std::function<void(std::size_t block, EmbeddingBatch&& rows)>& done) = 0;
  // What in spec() determines the vectors (model, endpoint, dimensions, prefixes), leaving out
  // settings that only say how to fetch them (concurrency, timeouts, retries, price), so that
  // changing those keeps the cached vectors. The cache keys on this instead of spec().
  [[nodiscard]] virtual std::string vector_identity() const = 0;
};

}  // namespace embeval
