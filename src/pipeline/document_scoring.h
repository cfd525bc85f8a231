// Document-level scoring of a passage corpus (eval --score-at document): a document's score is
// the best score of any of its passages, as ChunkMaxIndex does for a model's own windows.
// Internal to the pipeline layer.
#pragma once

#include <cstddef>
#include <string>

#include "embeval/core/index.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/passages.h"
#include "embeval/eval/run.h"

namespace embeval {

// The run of the top `k` documents per query (row q of `hits` = dataset.queries[q], ids = corpus
// rows, best first as Index::search returns them). A document's score is its first, hence best,
// passage hit. With `ignore_identical_ids` a document whose id equals the query id is skipped.
// `complete_rows` receives how many rows found k documents or ran out of hits (hits.k < corpus
// means a row that ran out may hold more documents deeper).
[[nodiscard]] TrecRun document_run_from_hits(const Dataset& dataset, const PassageParents& parents,
                                             const SearchResults& hits, std::size_t k,
                                             bool ignore_identical_ids, const std::string& tag,
                                             std::size_t* short_rows = nullptr);

// Searches `index` (every corpus row, one row per passage) deep enough that each query has k
// documents or every passage was seen: depth starts at 4k and doubles. Returns the run.
[[nodiscard]] TrecRun search_documents(const Index& index, const EmbeddingBatch& queries,
                                       const Dataset& dataset, const PassageParents& parents,
                                       std::size_t k, bool ignore_identical_ids,
                                       const std::string& tag);

}  // namespace embeval
