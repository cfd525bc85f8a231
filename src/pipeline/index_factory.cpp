#include "pipeline/index_factory.h"

#include "embeval/index/chunk_max_index.h"
#include "embeval/core/error.h"
#include "embeval/index/exact_index.h"
#include "embeval/index/inverted_index.h"
#include "embeval/util/thread_count.h"

namespace embeval {

std::unique_ptr<Index> make_index_for(const EmbeddingBatch& sample, const ModelSpec& spec,
                                      std::size_t threads) {
  const int n = static_cast<int>(resolve_thread_count(threads));
  if (sample.sparse) return std::make_unique<InvertedIndex>(InvertedIndex::Strategy::kMaxScore, n);
  if (sample.dense) return std::make_unique<ExactDenseIndex>(Metric::kInnerProduct, n);
  if (sample.multi) return std::make_unique<ChunkMaxIndex>(Metric::kInnerProduct, n);
  throw InputError("model '" + spec.to_string() +
                   "' produced no sparse, dense or chunk embeddings");
}

}  // namespace embeval
