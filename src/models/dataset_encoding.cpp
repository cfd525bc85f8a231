#include "embeval/models/dataset_encoding.h"

#include <algorithm>
#include <span>
#include <string_view>

#include "embeval/core/block_encoder.h"
#include "embeval/core/error.h"
#include "embeval/models/embedding_cache.h"
#include "embeval/models/registry.h"
#include "embeval/util/progress.h"
#include "embeval/util/stopwatch.h"
#ifdef EMBEVAL_HAVE_LLAMA
#include "embeval/gguf/gguf_bge_m3_encoder.h"
#endif

namespace embeval {
namespace {

std::vector<std::string_view> as_views(const std::vector<std::string>& texts) {
  return {texts.begin(), texts.end()};
}

}  // namespace

std::unique_ptr<Encoder> open_encoder(const ModelSpec& spec, const std::filesystem::path& cache_dir,
                                      std::size_t batch, const EncoderOptions& options) {
  std::unique_ptr<Encoder> encoder = make_encoder(spec, options);
#ifdef EMBEVAL_HAVE_LLAMA
  // bge-m3 caches its three outputs itself, per text, so all of them share one pass.
  if (auto* m3 = dynamic_cast<GgufBgeM3Encoder*>(encoder.get()); m3 && !cache_dir.empty()) {
    m3->use_cache(cache_dir);
  }
#endif
  if (cache_dir.empty() || !encoder_kind(spec).cache_embeddings) return encoder;
  if (dynamic_cast<CorpusFittedEncoder*>(encoder.get()) != nullptr) return encoder;
  std::string key = spec.scheme;
  if (!spec.path.empty() && encoder_kind(spec).path_is_file) {
    key.append(":").append(file_fingerprint(spec.path));
  }
  CacheFlushPolicy policy;
  policy.block_texts = std::min(policy.block_texts, std::max<std::size_t>(1, batch));
  policy.flush_texts = std::max<std::size_t>(1, batch);
  if (auto* blocks = dynamic_cast<ConcurrentBlockEncoder*>(encoder.get())) {
    // A paid model: one block per request, and every answer on disk at once, so that an
    // interrupted or repeated run never pays for it again.
    policy.block_texts = std::min(policy.block_texts, blocks->preferred_block_texts());
    policy.flush_texts = 1;
  }
  return std::make_unique<CachedEncoder>(std::move(encoder), cache_dir, key, policy);
}

Encoder& underlying_model(Encoder& encoder) {
  if (auto* cached = dynamic_cast<CachedEncoder*>(&encoder)) return cached->inner();
  return encoder;
}

CorpusEncodingTimes encode_texts(Encoder& encoder, std::span<const std::string_view> texts,
                                 Role role, std::size_t batch_size, const std::string& label,
                                 const std::function<void(EmbeddingBatch&&)>& consume) {
  EMBEVAL_CHECK(batch_size > 0, "encode_texts: batch_size must be positive");
  CorpusEncodingTimes times;
  auto* budget = dynamic_cast<TokenBudgetEncoder*>(&underlying_model(encoder));
  if (budget != nullptr) times.lengths = LengthReport{};
  Progress progress("encode " + label, texts.size(), role == Role::kQuery ? "queries" : "docs");
  for (std::size_t begin = 0; begin < texts.size(); begin += batch_size) {
    const std::span<const std::string_view> part =
        texts.subspan(begin, std::min(batch_size, texts.size() - begin));
    // Tokenization only, outside the encode time: what the token budget does to these texts.
    if (budget != nullptr) *times.lengths += budget->measure_lengths(part, role);
    Stopwatch start;
    EmbeddingBatch batch = encoder.encode(part, role);
    times.encode_s += start.seconds();
    start.restart();
    consume(std::move(batch));
    times.consume_s += start.seconds();
    progress.add(part.size());
  }
  return times;
}

CorpusEncodingTimes encode_corpus(Encoder& encoder, const std::vector<std::string>& texts,
                                  std::size_t batch_size, const std::string& label,
                                  const std::function<void(EmbeddingBatch&&)>& consume) {
  EMBEVAL_CHECK(batch_size > 0, "encode_corpus: batch_size must be positive");
  const std::vector<std::string_view> all = as_views(texts);
  double fit_s = 0;
  if (auto* fitted = dynamic_cast<CorpusFittedEncoder*>(&underlying_model(encoder))) {
    const Stopwatch start;
    fitted->fit(all);
    fit_s = start.seconds();
  }
  CorpusEncodingTimes times =
      encode_texts(encoder, all, Role::kDocument, batch_size, label, consume);
  times.fit_s = fit_s;
  return times;
}

EmbeddingBatch encode_queries(Encoder& encoder, const Dataset& dataset, double* seconds,
                              std::optional<LengthReport>* lengths) {
  std::vector<std::string_view> views;
  views.reserve(dataset.queries.size());
  for (const auto& q : dataset.queries) views.emplace_back(q.text);
  if (lengths != nullptr) {
    auto* budget = dynamic_cast<TokenBudgetEncoder*>(&underlying_model(encoder));
    if (budget != nullptr) *lengths = budget->measure_lengths(views, Role::kQuery);
  }
  const Stopwatch start;
  EmbeddingBatch batch = encoder.encode(views, Role::kQuery);
  if (seconds != nullptr) *seconds = start.seconds();
  return batch;
}

TrecRun run_from_results(const Dataset& dataset, const SearchResults& hits, std::size_t k,
                         bool ignore_identical_ids, const std::string& tag) {
  EMBEVAL_CHECK(hits.num_queries == dataset.queries.size(),
                "run_from_results: one result row per query expected");
  TrecRun run;
  run.tag = tag;
  for (std::size_t q = 0; q < dataset.queries.size(); ++q) {
    const std::string& qid = dataset.queries[q].id;
    std::vector<RunEntry> entries;
    for (std::size_t j = 0; j < hits.k && entries.size() < k; ++j) {
      const std::int64_t id = hits.ids[q * hits.k + j];
      if (id < 0) break;
      const std::string& docno = dataset.corpus[static_cast<std::size_t>(id)].id;
      if (ignore_identical_ids && docno == qid) continue;
      entries.push_back({docno, static_cast<double>(hits.scores[q * hits.k + j])});
    }
    if (!entries.empty()) run.by_query.emplace(qid, std::move(entries));
  }
  return run;
}

}  // namespace embeval
