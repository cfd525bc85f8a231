// Dense ANN indexes backed by FAISS (Debian libfaiss 1.7.3), behind the Index interface.
// Layouts as in index.h: documents and queries are `rows x d` row-major float32; results
// `nq x k`, best first, padded with id -1 / score -inf. Ids are insertion order (FAISS's
// sequential ids). Scores are "larger is better" (metric.h): inner product, cosine (vectors are
// normalised on the way in) or -squared L2 (FAISS's L2 distances negated).
//
// Ties: within a returned row, equal scores are put in smaller-id-first order. Which of several
// documents tied at the k-th score makes it into the row is FAISS's choice and is not
// guaranteed to be the smallest id (heap order inside FAISS).
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "embeval/ann/index_registry.h"
#include "embeval/core/embeddings.h"
#include "embeval/core/index.h"
#include "embeval/core/metric.h"
#include "embeval/core/model_spec.h"

namespace faiss {
struct Index;
struct IndexBinary;
}  // namespace faiss

namespace embeval {

// flat, flat_f16, flat_int8, hnsw, ivf_flat, ivf_sq8, ivf_pq.
class FaissIndex : public Index, public SearchTunable {
 public:
  // `canonical`: from canonical_index_spec. The FAISS index is created on the first add(),
  // when the dimension is known; indexes that need training train on that first batch.
  FaissIndex(ModelSpec canonical, Metric metric, int threads);
  ~FaissIndex() override;

  // InputError: no dense part, a dimension different from earlier batches, non-finite values,
  // or parameters that do not fit the data (PQ m not dividing d, nlist larger than the first
  // batch, fewer training vectors than PQ centroids 2^nbits).
  void add(const EmbeddingBatch& documents) override;
  // InputError when queries.dense is missing or of another dimension. Thread-safe against other
  // search() calls.
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return size_; }
  // The serialised FAISS index (faiss::write_index): codes, graph links, centroids, codebooks.
  std::size_t memory_bytes() const override;

  std::string_view search_parameter() const override;
  std::size_t search_parameter_value() const override { return search_value_; }
  void set_search_parameter(std::size_t value) override;

  // nlist after resolving `auto` (0 for indexes without lists or before the first add()).
  std::size_t nlist() const { return nlist_; }

 private:
  void create(std::size_t dim, std::size_t first_batch_rows);
  void apply_search_parameter();

  ModelSpec spec_;
  Metric metric_;
  int threads_;
  std::size_t dim_ = 0;
  std::size_t size_ = 0;
  std::size_t nlist_ = 0;
  std::size_t search_value_ = 0;
  mutable std::size_t bytes_cache_ = 0;  // 0 = not computed since the last add()
  std::unique_ptr<faiss::Index> index_;
};

// binary (IndexBinaryFlat) and binary_ivf (IndexBinaryIVF): documents and queries are
// sign-binarised (bit j = value j > 0), packed 8 dimensions per byte, and compared by Hamming
// distance h. Score without re-scoring: d - 2h (the dot product of the +-1 vectors). With
// `rescore=R` (R >= 1) the index fetches the R*k best by Hamming and re-ranks them by the
// full-precision score under `metric`, using a float32 copy of the documents it keeps.
// FAISS codes are whole bytes: a dimension that is not a multiple of 8 is an InputError unless
// `pad=1`, which appends zero bits (the same in every code, so Hamming distances are unchanged).
class BinaryIndex : public Index, public SearchTunable {
 public:
  BinaryIndex(ModelSpec canonical, Metric metric, int threads);
  ~BinaryIndex() override;

  // InputError as FaissIndex, plus a dimension that is not a multiple of 8 (without pad=1).
  void add(const EmbeddingBatch& documents) override;
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return size_; }
  // Binary codes (+ IVF lists); plus the float32 copy (n x d x 4) when re-scoring.
  std::size_t memory_bytes() const override;
  // The binary index alone (what a vector database stores in memory for search).
  std::size_t code_bytes() const;

  std::string_view search_parameter() const override;
  std::size_t search_parameter_value() const override { return search_value_; }
  void set_search_parameter(std::size_t value) override;

 private:
  void create(std::size_t dim, std::size_t first_batch_rows);
  void apply_search_parameter();

  ModelSpec spec_;
  Metric metric_;
  int threads_;
  std::size_t dim_ = 0;
  std::size_t size_ = 0;
  std::size_t nlist_ = 0;
  std::size_t search_value_ = 0;
  std::size_t rescore_ = 0;
  std::size_t code_bits_ = 0;  // dim_ rounded up to a multiple of 8
  mutable std::size_t bytes_cache_ = 0;
  DenseMatrix full_;  // float32 documents, kept only when rescore_ > 0
  std::unique_ptr<faiss::IndexBinary> index_;
};

}  // namespace embeval
