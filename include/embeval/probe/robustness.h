// The robustness probe: how much does a model's retrieval change when the queries carry the small
// edits real users make (perturbation.h)? The corpus is encoded and indexed once (the exact index
// `eval` builds); then, per perturbation family, every query of the dataset is perturbed,
// encoded as a query and searched, and compared with the original query:
//
//  * cosine: of the original and perturbed query vectors (dense: the vectors; sparse models such
//    as BM25: the query weight vectors), in double; 1 when the two vectors are equal (also both
//    zero), 0 when exactly one is zero. cosine_mean is the mean over queries, cosine_p5 the 5th
//    percentile (nearest rank: the ceil(0.05 n)-th smallest).
//  * top10_overlap: mean over queries of |A & B| / max(|A|, |B|), A and B the first 10 hits of
//    the original and perturbed query as the index ranks them (1 when both are empty).
//  * ndcg10_original / ndcg10_perturbed: trec_eval's ndcg_cut.10 (eval/metrics.h, complete mode:
//    every judged query counts) of runs searched 100 deep (at most the corpus), as `eval` runs.
//  * delta_ndcg10 = ndcg10_perturbed - ndcg10_original, with the paired bootstrap interval
//    (delta_ci_low, delta_ci_high) of eval/significance.h: 10,000 resamples of the queries,
//    seeded with the probe's seed, 95%.
//  * robustness_at_10: MTEB's Robustness@10: the mean over queries of min(nDCG@10 of the original
//    query, nDCG@10 of its perturbed version).
// Every figure averages over all queries, the unchanged ones too (`perturbed_queries` counts the
// queries whose text changed). Deterministic: the same dataset, model, rate and seed give the
// same numbers on every machine and thread count.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/index.h"
#include "embeval/dataset/dataset.h"
#include "embeval/probe/perturbation.h"
#include "embeval/text/wordnet.h"

namespace embeval {

struct RobustnessConfig {
  std::vector<PerturbationFamily> families;  // empty: all_perturbation_families()
  double rate = 0.2;                         // share of eligible words edited, in (0, 1]
  std::uint64_t seed = 42;                   // perturbations and the bootstrap
  std::size_t threads = 0;                   // search threads (0 = physical cores)
  int bootstrap_samples = 10000;
  std::size_t encode_batch = 4096;  // texts per encode() call (progress granularity)
  // Provenance only (the JSON): where the dataset was read and which split; the WordNet folder.
  std::filesystem::path dataset_dir;  // empty: no file fingerprints recorded
  std::string split = "test";
  std::filesystem::path wordnet_folder;
  // When set, the corpus is already fitted into `encoder`, encoded and added to this index (as
  // `eval` just did, `eval --probes`): the probe searches it instead of encoding the corpus
  // again. It must hold every document of `dataset`, in corpus order. Not owned.
  const Index* corpus_index = nullptr;
};

struct FamilyRobustness {
  PerturbationFamily family = PerturbationFamily::typo;
  double rate = 0;
  std::size_t queries = 0;
  std::size_t perturbed_queries = 0;  // queries whose text changed
  double cosine_mean = 0;
  double cosine_p5 = 0;
  double top10_overlap = 0;
  double ndcg10_original = 0;
  double ndcg10_perturbed = 0;
  double delta_ndcg10 = 0;
  double delta_ci_low = 0;
  double delta_ci_high = 0;
  double robustness_at_10 = 0;
  // Not in the JSON's figures: the first perturbed query (original, perturbed), for the table.
  std::pair<std::string, std::string> example;
};

// Where the numbers came from, for the JSON.
struct RobustnessProvenance {
  std::string model;  // canonical spec (rebuilds the encoder)
  std::uint64_t seed = 0;
  double rate = 0;
  std::string dataset_name;
  std::string dataset_path;
  std::string split;
  std::size_t documents = 0;
  std::size_t queries = 0;
  std::size_t judgments = 0;
  // corpus.jsonl, queries.jsonl, qrels/<split>.tsv with their fingerprints ("<size>-<crc32>").
  std::vector<std::pair<std::string, std::string>> files;
  std::string wordnet;  // the WordNet folder, when the synonym family ran
};

struct RobustnessReport {
  RobustnessProvenance provenance;
  std::vector<FamilyRobustness> families;  // in the order asked
};

// Per-query figures of one family, in dataset query order: what the summary averages. Exposed
// so that tests can check each step and the summary against a hand computation.
struct QueryRobustness {
  double cosine = 0;
  double overlap = 0;
  double ndcg_original = 0;
  double ndcg_perturbed = 0;
};

// The family's summary of per-query figures (n >= 2 queries; EMBEVAL_CHECK): means, the 5th
// percentile, Robustness@10 and the paired bootstrap interval with `samples` and `seed`.
[[nodiscard]] FamilyRobustness summarize_family(PerturbationFamily family, double rate,
                                                const std::vector<QueryRobustness>& queries,
                                                std::size_t perturbed_queries, int samples,
                                                std::uint64_t seed);

// The probe on `encoder` over `dataset`: fits a corpus-fitted model (BM25, SIF) on the corpus,
// encodes and indexes it, then measures each family. `wordnet` is needed when the
// synonym family is asked (InputError otherwise). InputError: rate outside (0, 1], fewer than 2
// queries, a model with several vectors per query or with both dense and sparse query vectors.
// Progress on stderr.
[[nodiscard]] RobustnessReport probe_robustness(Encoder& encoder, const Dataset& dataset,
                                                const RobustnessConfig& config,
                                                const WordNet* wordnet);

// {"model", "seed", "rate", "dataset": {"name", "path", "split", "documents", "queries",
// "judgments", "files": {...}}, ["wordnet",] "families": [{"family", "rate", "queries",
// "perturbed_queries", "cosine_mean", "cosine_p5", "top10_overlap", "ndcg10_original",
// "ndcg10_perturbed", "delta_ndcg10", "delta_ci_low", "delta_ci_high", "robustness_at_10"}]},
// keys in that order, pretty-printed, newline-terminated.
[[nodiscard]] std::string robustness_json(const RobustnessReport& report);

// The terminal table: a header line (model, dataset, rate, seed), one row per family, then one
// example per family (original -> perturbed). Newline-terminated lines.
[[nodiscard]] std::string robustness_table(const RobustnessReport& report);

}  // namespace embeval
