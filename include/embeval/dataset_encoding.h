// The steps every pipeline (`eval`, `ann`) shares between a dataset and an index: what text a
// model sees for a document, fitting and encoding the corpus in batches, encoding the queries,
// and turning index results back into a TREC run.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "embeval/dataset.h"
#include "embeval/encoder.h"
#include "embeval/index.h"
#include "embeval/run.h"

namespace embeval {

// What a model sees for a document: BEIR convention, title then text (a newline between).
[[nodiscard]] std::string document_text(const Document& d);
// document_text of every corpus document, in corpus order (row i = corpus[i]).
[[nodiscard]] std::vector<std::string> document_texts(const Dataset& dataset);

struct CorpusEncodingTimes {
  double fit_s = 0;      // CorpusFittedEncoder::fit (0 for encoders that need no fit)
  double encode_s = 0;   // encode() calls
  double consume_s = 0;  // the caller's consume() calls (e.g. adding to an index)
};

// Fits `encoder` on all texts when it is a CorpusFittedEncoder, then encodes the texts in
// batches of `batch_size` (>= 1) as Role::kDocument and hands each batch to `consume`, in order
// (batch b holds rows [b * batch_size, ...)). Progress on stderr is labelled "encode <label>".
[[nodiscard]] CorpusEncodingTimes encode_corpus(
    Encoder& encoder, const std::vector<std::string>& texts, std::size_t batch_size,
    const std::string& label, const std::function<void(EmbeddingBatch&&)>& consume);

// Every dataset query, in dataset order, encoded as Role::kQuery. `seconds` (if given) receives
// the encode time.
[[nodiscard]] EmbeddingBatch encode_queries(Encoder& encoder, const Dataset& dataset,
                                            double* seconds = nullptr);

// The run for `hits` (row q = dataset.queries[q], ids = corpus rows): up to `k` entries per
// query, scores as the index gave them. With `ignore_identical_ids` a hit whose doc id equals
// the query id is skipped (pass hits searched one deeper so k remain). Queries with no hit are
// absent from the run.
[[nodiscard]] TrecRun run_from_results(const Dataset& dataset, const SearchResults& hits,
                                       std::size_t k, bool ignore_identical_ids,
                                       const std::string& tag);

}  // namespace embeval
