#include "embeval/probe/embedding_storage.h"

namespace embeval {

EmbeddingStorage embedding_storage(std::size_t vectors, std::size_t dimension) {
  // In double: vectors x dimension can pass 2^64 bits for a large corpus, never 2^53 values.
  const double values = static_cast<double>(vectors) * static_cast<double>(dimension);
  EmbeddingStorage s;
  s.vectors = vectors;
  s.dimension = dimension;
  s.f32_bytes = values * 4;
  s.f16_bytes = values * 2;
  s.int8_bytes = values;
  s.binary_bytes = values / 8;
  return s;
}

}  // namespace embeval
