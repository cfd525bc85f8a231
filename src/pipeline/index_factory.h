// Chooses the index for an encoder's output: the exact oracle for each representation.
#pragma once

#include <cstddef>
#include <memory>

#include "embeval/core/embeddings.h"
#include "embeval/core/index.h"
#include "embeval/core/model_spec.h"

namespace embeval {

// `sample` is the first document batch; its representations decide the index. Sparse output
// goes to the inverted index, dense output to exact inner-product search (encoders normalise
// when the model is meant for cosine), chunk vectors to the best-chunk index. InputError when the
// batch holds nothing indexable. `threads` search threads (0 = physical cores).
std::unique_ptr<Index> make_index_for(const EmbeddingBatch& sample, const ModelSpec& spec,
                                      std::size_t threads = 0);

}  // namespace embeval
