// Storage per precision: bytes per value 4, 2, 1 and 1/8, on exact values.
#include "embeval/probe/embedding_storage.h"

#include <gtest/gtest.h>

namespace embeval {
namespace {

TEST(EmbeddingStorage, BytesPerPrecisionForABgeSmallCorpus) {
  // 1,000 documents of a 384-dimensional model (bge-small): 384,000 values.
  const EmbeddingStorage s = embedding_storage(1000, 384);
  EXPECT_EQ(s.vectors, 1000u);
  EXPECT_EQ(s.dimension, 384u);
  EXPECT_EQ(s.f32_bytes, 1536000.0);
  EXPECT_EQ(s.f16_bytes, 768000.0);
  EXPECT_EQ(s.int8_bytes, 384000.0);
  EXPECT_EQ(s.binary_bytes, 48000.0);
}

TEST(EmbeddingStorage, BinaryIsNotRoundedToWholeBytes) {
  const EmbeddingStorage s = embedding_storage(3, 5);  // 15 bits
  EXPECT_EQ(s.int8_bytes, 15.0);
  EXPECT_EQ(s.binary_bytes, 1.875);
}

TEST(EmbeddingStorage, NoVectorsOrNoDimensionsTakeNothing) {
  EXPECT_EQ(embedding_storage(0, 768).f32_bytes, 0.0);
  EXPECT_EQ(embedding_storage(10, 0).binary_bytes, 0.0);
}

TEST(EmbeddingStorage, LargeCorporaDoNotOverflow) {
  // 2^33 vectors x 2^12 dims = 2^45 values: 2^47 bytes as f32, exact in a double.
  const EmbeddingStorage s = embedding_storage(std::size_t{1} << 33, std::size_t{1} << 12);
  EXPECT_EQ(s.f32_bytes, 140737488355328.0);
  EXPECT_EQ(s.binary_bytes, 4398046511104.0);
}

}  // namespace
}  // namespace embeval
