// What a corpus's embeddings cost to store at the precisions vector stores offer: float32, float16,
// int8 (one byte per dimension) and binary (one bit per dimension). Raw vector payload only: no
// ids, graph links or index overhead. Pure arithmetic, thread-safe.
#pragma once

#include <cstddef>

namespace embeval {

struct EmbeddingStorage {
  std::size_t vectors = 0;    // rows (documents)
  std::size_t dimension = 0;  // floats per row
  // Bytes of vectors x dimension values. Binary is not rounded up to whole bytes (a row of 5
  // dimensions takes 5/8 byte): the figure compares precisions, it does not lay out a file.
  double f32_bytes = 0;
  double f16_bytes = 0;
  double int8_bytes = 0;
  double binary_bytes = 0;
};

[[nodiscard]] EmbeddingStorage embedding_storage(std::size_t vectors, std::size_t dimension);

}  // namespace embeval
