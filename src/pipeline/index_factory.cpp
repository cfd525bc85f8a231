#include "pipeline/index_factory.h"

#include "embeval/chunk_max_index.h"
#include "embeval/error.h"
#include "embeval/exact_index.h"
#include "embeval/inverted_index.h"

namespace embeval {

std::unique_ptr<Index> make_index_for(const EmbeddingBatch& sample, const ModelSpec& spec) {
  if (sample.sparse) return std::make_unique<InvertedIndex>();
  if (sample.dense) return std::make_unique<ExactDenseIndex>(Metric::kInnerProduct, /*threads=*/0);
  if (sample.multi) return std::make_unique<ChunkMaxIndex>(Metric::kInnerProduct, /*threads=*/0);
  throw InputError("model '" + spec.to_string() +
                   "' produced no sparse, dense or chunk embeddings");
}

}  // namespace embeval
