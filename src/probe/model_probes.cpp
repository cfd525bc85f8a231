#include "embeval/probe/model_probes.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <string_view>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/core/tokenizer.h"
#include "embeval/encoders/vocabulary_coverage.h"
#include "embeval/models/registry.h"
#include "embeval/probe/document_sample.h"
#include "embeval/probe/neighbour_space.h"
#include "embeval/probe/tokenizer_stats.h"
#include "embeval/text/wordnet.h"
#include "embeval/util/parallel_for.h"
#include "embeval/util/stopwatch.h"
#include "embeval/util/thread_count.h"

namespace embeval {
namespace {

// One representation per text: what the hubness and robustness probes compare.
void require_single_vectors(const EmbeddingBatch& batch, const std::string& model) {
  if (batch.multi) {
    throw InputError("model '" + model + "' gives several vectors per text", "", 0,
                     "use chunk_agg=mean or chunk_agg=first");
  }
  if (batch.dense && batch.sparse) {
    throw InputError("model '" + model + "' gives both dense and sparse vectors", "", 0,
                     "probe its dense and its sparse part as separate models");
  }
  EMBEVAL_CHECK(batch.dense || batch.sparse, "probes: a batch without vectors");
}

// Each sparse row's k nearest other rows by cosine (> 0), ties to the smaller row, in
// SearchResults' layout. n^2 / 2 sparse dot products: a 1,000-document sample is ~5e5 of them.
SearchResults sparse_neighbours(const SparseMatrix& m, std::size_t k, int threads) {
  const std::size_t n = m.rows;
  SearchResults out(n, k);
  if (k == 0) return out;
  std::vector<double> norms(n);
  for (std::size_t i = 0; i < n; ++i) norms[i] = std::sqrt(sparse_row_products(m, i, m, i).aa);
  parallel_for(n, static_cast<std::size_t>(threads), [&](std::size_t i, std::size_t) {
    std::vector<std::pair<double, std::int64_t>> scored;
    if (norms[i] == 0) return;
    for (std::size_t j = 0; j < n; ++j) {
      if (j == i || norms[j] == 0) continue;
      const double cos = sparse_row_products(m, i, m, j).dot / (norms[i] * norms[j]);
      if (cos > 0) scored.emplace_back(-cos, static_cast<std::int64_t>(j));
    }
    const std::size_t keep = std::min(k, scored.size());
    std::partial_sort(scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(keep),
                      scored.end());
    for (std::size_t r = 0; r < keep; ++r) {
      out.ids[i * k + r] = scored[r].second;
      out.scores[i * k + r] = static_cast<float>(-scored[r].first);
    }
  });
  return out;
}

TokenFactors tokenizer_factors(const Tokenizer& tokenizer,
                               const std::vector<std::string_view>& texts) {
  const TokenizerStats s = measure_tokenizer(tokenizer, texts);
  TokenFactors f;
  f.source = "tokenizer";
  f.texts = s.texts;
  f.words = s.words;
  f.tokens = s.tokens;
  f.unknown_tokens = s.unknown_tokens;
  f.byte_tokens = s.byte_tokens;
  f.over_context = s.over_context;
  f.context_window = s.context_window;
  f.p50 = s.p50;
  return f;
}

}  // namespace

const std::vector<ModelProbeKind>& all_model_probes() {
  static const std::vector<ModelProbeKind> all = {
      ModelProbeKind::kRobustness, ModelProbeKind::kTokens, ModelProbeKind::kHubness};
  return all;
}

const char* model_probe_name(ModelProbeKind kind) {
  switch (kind) {
    case ModelProbeKind::kRobustness:
      return "robustness";
    case ModelProbeKind::kTokens:
      return "tokens";
    case ModelProbeKind::kHubness:
      return "hubness";
  }
  return "?";
}

std::vector<ModelProbeKind> parse_model_probes(std::string_view list) {
  if (list.empty() || list == "all") return all_model_probes();
  std::vector<ModelProbeKind> kinds;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string name(list.substr(start, comma - start));
    start = comma + 1;
    const auto& all = all_model_probes();
    const auto it = std::find_if(all.begin(), all.end(),
                                 [&](ModelProbeKind k) { return name == model_probe_name(k); });
    if (it == all.end()) {
      throw InputError("unknown probe '" + name + "' in --probes", "", 0,
                       "choose from robustness, tokens, hubness (comma-separated) or all");
    }
    if (std::find(kinds.begin(), kinds.end(), *it) == kinds.end()) kinds.push_back(*it);
  }
  return kinds;
}

Hubness batch_hubness(const EmbeddingBatch& batch, std::size_t k, int threads,
                      std::size_t* zero_rows) {
  SearchResults lists;
  std::size_t zeros = 0;
  if (batch.dense) {
    const DenseMatrix unit = normalized_rows(*batch.dense);
    std::vector<std::int64_t> rows(unit.rows);
    for (std::size_t i = 0; i < unit.rows; ++i) {
      rows[i] = static_cast<std::int64_t>(i);
      if (squared_norm({unit.row(i), unit.cols}) == 0) ++zeros;
    }
    lists = nearest_candidates(unit, rows, k, threads);
  } else {
    EMBEVAL_CHECK(batch.sparse.has_value(), "hubness: a batch without vectors");
    for (std::size_t i = 0; i < batch.sparse->rows; ++i) {
      if (batch.sparse->row_indices(i).empty()) ++zeros;
    }
    lists = sparse_neighbours(*batch.sparse, k, threads);
  }
  if (zero_rows != nullptr) *zero_rows = zeros;
  return hubness(lists);
}

ModelProbes run_model_probes(Encoder& encoder, const ModelSpec& spec, const Dataset& dataset,
                             const ModelProbeSettings& settings, const Index* corpus_index,
                             std::size_t threads) {
  Stopwatch clock;
  ModelProbes out;
  out.settings = settings;
  out.model = encoder.spec();
  auto wants = [&](ModelProbeKind k) {
    return std::find(settings.kinds.begin(), settings.kinds.end(), k) != settings.kinds.end();
  };
  auto skip = [&](ModelProbeKind k, const std::string& why) {
    out.skipped.emplace_back(model_probe_name(k), why);
  };

  if (wants(ModelProbeKind::kRobustness)) {
    RobustnessConfig config;
    config.families = settings.families;
    config.rate = settings.rate;
    config.seed = settings.seed;
    config.threads = threads;
    config.bootstrap_samples = settings.bootstrap_samples;
    config.corpus_index = corpus_index;
    std::optional<WordNet> wordnet;
    try {
      if (std::find(settings.families.begin(), settings.families.end(),
                    PerturbationFamily::synonym) != settings.families.end()) {
        wordnet = WordNet::load();
      }
      out.robustness =
          probe_robustness(encoder, dataset, config, wordnet ? &*wordnet : nullptr).families;
    } catch (const InputError& e) {
      skip(ModelProbeKind::kRobustness, e.what());
    }
  }

  const bool tokens = wants(ModelProbeKind::kTokens);
  const bool hub = wants(ModelProbeKind::kHubness);
  if (!tokens && !hub) {
    out.seconds = clock.seconds();
    return out;
  }
  const DocumentSample sample = sample_documents(
      dataset.corpus, std::max<std::size_t>(1, settings.sample), settings.sample_bytes);
  out.sampled_documents = sample.texts.size();
  out.sample_step = sample.step;
  const std::vector<std::string_view> views(sample.texts.begin(), sample.texts.end());

  std::optional<EmbeddingBatch> sample_vectors;
  std::optional<VocabularyCoverage> before = vocabulary_coverage_of(encoder);
  auto encode_sample = [&]() -> const EmbeddingBatch& {
    if (!sample_vectors) sample_vectors = encoder.encode(views, Role::kDocument);
    return *sample_vectors;
  };

  if (tokens) {
    try {
      const std::unique_ptr<Tokenizer> tokenizer = make_tokenizer(spec);
      if (tokenizer) {
        out.tokens = tokenizer_factors(*tokenizer, views);
      } else if (before) {
        (void)encode_sample();
        const VocabularyCoverage after = *vocabulary_coverage_of(encoder);
        TokenFactors f;
        f.source = "vocabulary";
        f.texts = views.size();
        for (std::string_view t : views) f.words += count_words(t, WordRule::kWhitespace);
        f.tokens = after.oov.document_tokens - before->oov.document_tokens;
        f.unknown_tokens = after.oov.document_oov - before->oov.document_oov;
        out.tokens = f;
      } else {
        skip(ModelProbeKind::kTokens,
             "no subword tokenizer or word vocabulary: every analyzed word is a term");
      }
    } catch (const InputError& e) {
      skip(ModelProbeKind::kTokens, e.what());
    }
  }

  if (hub) {
    try {
      const EmbeddingBatch& batch = encode_sample();
      require_single_vectors(batch, out.model);
      DocumentHubness h;
      h.hubness = batch_hubness(batch, settings.k, static_cast<int>(resolve_thread_count(threads)),
                                &h.zero_vectors);
      for (const auto& [row, count] : h.hubness.hubs) {
        h.hub_documents.push_back(dataset.corpus[static_cast<std::size_t>(row) * sample.step].id);
      }
      out.hubness = std::move(h);
    } catch (const InputError& e) {
      skip(ModelProbeKind::kHubness, e.what());
    }
  }
  out.seconds = clock.seconds();
  return out;
}

}  // namespace embeval
