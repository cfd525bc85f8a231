// Small dense data the ANN tests generate themselves: planted clusters of unit vectors with a
// fixed seed (no files, no network).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>

#include "embeval/core/embeddings.h"

namespace embeval::testing {

// `rows` unit vectors of dimension `dim` around `clusters` random centres (noise `spread`),
// row i in cluster i % clusters. Same seed, same matrix.
inline DenseMatrix planted_clusters(std::size_t rows, std::size_t dim, std::size_t clusters,
                                    float spread, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  DenseMatrix centres(clusters, dim);
  for (float& v : centres.data) v = normal(rng);
  DenseMatrix m(rows, dim);
  for (std::size_t r = 0; r < rows; ++r) {
    double norm2 = 0;
    for (std::size_t c = 0; c < dim; ++c) {
      float& v = m.row(r)[c];
      v = centres.row(r % clusters)[c] + spread * normal(rng);
      norm2 += static_cast<double>(v) * v;
    }
    const float inv = static_cast<float>(1.0 / std::sqrt(norm2));
    for (std::size_t c = 0; c < dim; ++c) m.row(r)[c] *= inv;
  }
  return m;
}

// Rows [begin, end) of `m`: documents and queries drawn from the same clusters.
inline DenseMatrix rows_of(const DenseMatrix& m, std::size_t begin, std::size_t end) {
  DenseMatrix out(end - begin, m.cols);
  std::copy(m.row(begin), m.row(begin) + (end - begin) * m.cols, out.data.data());
  return out;
}

inline EmbeddingBatch dense_batch(DenseMatrix m) {
  EmbeddingBatch b;
  b.dense = std::move(m);
  return b;
}

}  // namespace embeval::testing
