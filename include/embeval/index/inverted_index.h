// Inverted index over sparse embeddings (BM25, learned sparse models), with exact top-k.
// Score of a document = sum over shared terms of query weight x document weight, summed in
// double in query-term order and returned as float; the pruned search (MaxScore, document at a
// time) returns exactly what the exhaustive search returns: same ids, same scores, same order
// (ties: smaller document id first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "embeval/core/index.h"

namespace embeval {

struct PostingStatistics {
  std::size_t documents = 0;
  std::size_t terms_with_postings = 0;
  std::size_t postings = 0;  // non-zeros over all documents
  double average_terms_per_document = 0;
  std::size_t longest_list = 0;
  std::size_t bytes = 0;  // ids + weights + per-term arrays
};

class InvertedIndex : public Index {
 public:
  enum class Strategy { kMaxScore, kExhaustive };

  explicit InvertedIndex(Strategy strategy = Strategy::kMaxScore, int threads = 0);

  // Appends batch.sparse rows (InputError if missing). Term ids may exceed earlier ones' range.
  void add(const EmbeddingBatch& documents) override;
  // Queries: batch.sparse rows. Thread-safe against other searches. Parallel over queries.
  SearchResults search(const EmbeddingBatch& queries, std::size_t k) const override;
  std::size_t size() const override { return num_documents_; }
  std::size_t memory_bytes() const override;

  PostingStatistics statistics() const;

 private:
  struct PostingList {
    std::vector<std::uint32_t> docs;  // increasing
    std::vector<float> weights;
    float max_weight = 0;
  };
  void search_one(std::span<const std::uint32_t> terms, std::span<const float> weights,
                  std::size_t k, std::int64_t* ids, float* scores) const;

  Strategy strategy_;
  int threads_;
  std::vector<PostingList> lists_;  // by term id
  std::size_t num_documents_ = 0;
};

}  // namespace embeval
