// The steps every pipeline (`eval`, `ann`) shares between a dataset and an index: opening the
// encoder (behind the embedding cache), fitting and encoding the corpus in batches, encoding the
// queries, and turning index results back into a TREC run. What text a model sees for a
// document is document_text() (dataset/document_text.h).
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/index.h"
#include "embeval/core/model_spec.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/document_text.h"
#include "embeval/eval/run.h"
#include "embeval/models/registry.h"

namespace embeval {

// The registry's encoder for `spec`, behind an embedding cache in `cache_dir` when the family asks
// for one (EncoderKind::cache_embeddings) and cache_dir is not empty; the cache is keyed by the
// model file's bytes and the spec. Corpus-fitted encoders are never cached (their vectors depend
// on the corpus). The cache runs the model on blocks of at most 128 texts (fewer when `batch` is
// smaller) and writes a segment every `batch` texts or 20 s (embedding_cache.h); a
// ConcurrentBlockEncoder (a remote model) gets blocks of its preferred size, written at once.
[[nodiscard]] std::unique_ptr<Encoder> open_encoder(const ModelSpec& spec,
                                                    const std::filesystem::path& cache_dir,
                                                    std::size_t batch,
                                                    const EncoderOptions& options = {});

// The model behind `encoder`: itself, or the encoder a CachedEncoder wraps. Capabilities
// (CorpusFittedEncoder, TokenBudgetEncoder) belong to the model, not to the cache.
[[nodiscard]] Encoder& underlying_model(Encoder& encoder);

struct CorpusEncodingTimes {
  double fit_s = 0;      // CorpusFittedEncoder::fit (0 for encoders that need no fit, and for
                         // encode_texts, which never fits)
  double encode_s = 0;   // encode() calls
  double consume_s = 0;  // the caller's consume() calls (e.g. adding to an index)
  std::optional<LengthReport> lengths;  // TokenBudgetEncoder models: truncation and windows
};

// Encodes `texts` as `role` in batches of `batch_size` (>= 1) and hands each batch to `consume`,
// in order (batch b holds rows [b * batch_size, ...)). Fits nothing: a CorpusFittedEncoder must
// be fitted already. Progress on stderr is labelled "encode <label>". `lengths` is set for
// TokenBudgetEncoder models (measured per batch, outside the encode time).
[[nodiscard]] CorpusEncodingTimes encode_texts(
    Encoder& encoder, std::span<const std::string_view> texts, Role role, std::size_t batch_size,
    const std::string& label, const std::function<void(EmbeddingBatch&&)>& consume);

// Fits `encoder`'s model on all texts when it is a CorpusFittedEncoder, then encode_texts() as
// Role::kDocument.
[[nodiscard]] CorpusEncodingTimes encode_corpus(
    Encoder& encoder, const std::vector<std::string>& texts, std::size_t batch_size,
    const std::string& label, const std::function<void(EmbeddingBatch&&)>& consume);

// Every dataset query, in dataset order, encoded as Role::kQuery. `seconds` (if given) receives
// the encode time, `lengths` (if given) the LengthReport of a TokenBudgetEncoder model.
[[nodiscard]] EmbeddingBatch encode_queries(Encoder& encoder, const Dataset& dataset,
                                            double* seconds = nullptr,
                                            std::optional<LengthReport>* lengths = nullptr);

// The run for `hits` (row q = dataset.queries[q], ids = corpus rows): up to `k` entries per
// query, scores as the index gave them. With `ignore_identical_ids` a hit whose doc id equals
// the query id is skipped (pass hits searched one deeper so k remain). Queries with no hit are
// absent from the run.
[[nodiscard]] TrecRun run_from_results(const Dataset& dataset, const SearchResults& hits,
                                       std::size_t k, bool ignore_identical_ids,
                                       const std::string& tag);

}  // namespace embeval
