// The cheap probes `eval --probes` runs next to retrieval, on the encoder `eval` has just used
// (fitted on the corpus) and the index it has just built, so nothing is loaded or indexed twice:
//  * robustness: probe_robustness() (robustness.h) on the eval queries, a few families (default
//    typo, casing, swap) at a fixed rate and seed, searching eval's own index;
//  * tokens: the model's tokenizer factors on a document sample (document_sample.h): a subword
//    tokenizer (GGUF: make_tokenizer) gives tokens per word, unknown and byte-fallback shares and
//    the share over the context window; a word-vector model gives its analyzer's tokens per word
//    and the share of tokens without a vector (out of vocabulary) on the same sample;
//  * hubness: the same document sample encoded with the document role, each document's k
//    nearest among the sample (cosine; dense: exact search, sparse such as BM25: weight vectors),
//    and hubness.h's skewness and antihub share of that graph.
// A probe that cannot run on a model (a model with several vectors per text, BM25 has no
// vocabulary to miss) is recorded in `skipped` with the reason; the others still run.
// Deterministic for a seed: the sample is every step-th document, the perturbations seeded.
// Uses the encoder from the calling thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/index.h"
#include "embeval/core/model_spec.h"
#include "embeval/dataset/dataset.h"
#include "embeval/probe/hubness.h"
#include "embeval/probe/perturbation.h"
#include "embeval/probe/robustness.h"

namespace embeval {

enum class ModelProbeKind : std::uint8_t { kRobustness, kTokens, kHubness };

[[nodiscard]] const std::vector<ModelProbeKind>& all_model_probes();
[[nodiscard]] const char* model_probe_name(ModelProbeKind kind);  // "robustness" | ...
// A comma-separated list of probe names, or "all" / "" (every probe). InputError otherwise.
[[nodiscard]] std::vector<ModelProbeKind> parse_model_probes(std::string_view list);

struct ModelProbeSettings {
  std::vector<ModelProbeKind> kinds;  // empty: no probe runs
  std::vector<PerturbationFamily> families = {PerturbationFamily::typo, PerturbationFamily::casing,
                                              PerturbationFamily::swap};
  double rate = 0.2;
  std::uint64_t seed = 42;
  std::size_t sample = 1000;        // documents for tokens and hubness (document_sample.h target)
  std::size_t sample_bytes = 8192;  // each sampled text cut to this many bytes
  std::size_t k = 10;               // hubness: neighbours per document
  int bootstrap_samples = 10000;    // robustness: the delta's paired interval
  bool operator==(const ModelProbeSettings&) const = default;
};

// Tokenizer factors on the sample. source "tokenizer": a subword vocabulary (unknown = [UNK]
// tokens, byte = byte-fallback pieces, over_context = texts longer than the context window);
// source "vocabulary": a word-vector model (tokens = its analyzer's tokens, unknown = those
// without a vector; byte and over_context 0).
struct TokenFactors {
  std::string source;
  std::size_t texts = 0;
  std::size_t words = 0;  // whitespace-separated words of the texts
  std::size_t tokens = 0;
  std::size_t unknown_tokens = 0;
  std::size_t byte_tokens = 0;
  std::size_t over_context = 0;
  std::size_t context_window = 0;  // 0: none (nothing counted as over)
  std::size_t p50 = 0;             // median tokens per text, specials included (tokenizer only)
  double tokens_per_word() const { return words ? double(tokens) / double(words) : 0.0; }
  double unknown_share() const { return tokens ? double(unknown_tokens) / double(tokens) : 0.0; }
  double byte_share() const { return tokens ? double(byte_tokens) / double(tokens) : 0.0; }
  double over_context_share() const { return texts ? double(over_context) / double(texts) : 0.0; }
  bool operator==(const TokenFactors&) const = default;
};

// Hubness of the document sample's k-NN graph; hub_documents names hubness.hubs (corpus ids).
struct DocumentHubness {
  Hubness hubness;
  std::vector<std::string> hub_documents;
  std::size_t zero_vectors = 0;  // sampled documents the model encodes to zero (no neighbours)
};

struct ModelProbes {
  ModelProbeSettings settings;
  std::string model;  // canonical spec
  // Data provenance: the dataset's name, split and fingerprint, and its files with theirs.
  std::string dataset_name;
  std::string split;
  std::string dataset_fingerprint;
  std::vector<std::pair<std::string, std::string>> dataset_files;  // path, "<size>-<crc32>"
  std::size_t sampled_documents = 0;  // tokens and hubness: the sample's size and step
  std::size_t sample_step = 0;
  std::vector<FamilyRobustness> robustness;  // in settings.families order (empty: not run)
  std::optional<TokenFactors> tokens;
  std::optional<DocumentHubness> hubness;
  std::vector<std::pair<std::string, std::string>> skipped;  // probe name, why
  double seconds = 0;                                        // wall time of all the probes
};

// Runs settings.kinds on `encoder` (fitted on dataset.corpus when corpus-fitted, as after eval)
// with `spec` its canonical spec. `corpus_index`, when given, holds dataset.corpus encoded by
// `encoder` in corpus order (robustness searches it); null: robustness builds its own. Sets the
// settings, model, sample and figures; the caller fills the provenance. Progress on stderr.
[[nodiscard]] ModelProbes run_model_probes(Encoder& encoder, const ModelSpec& spec,
                                           const Dataset& dataset,
                                           const ModelProbeSettings& settings,
                                           const Index* corpus_index, std::size_t threads);

// The hubness of `batch`'s rows (one representation: dense rows are compared by cosine, sparse
// rows by the cosine of their weights): each row's k nearest other rows with a positive cosine,
// ties to the smaller row. Zero rows get no neighbours and are nobody's neighbour.
[[nodiscard]] Hubness batch_hubness(const EmbeddingBatch& batch, std::size_t k, int threads,
                                    std::size_t* zero_rows = nullptr);

}  // namespace embeval
