#include "embeval/probe/robustness.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string_view>
#include <unordered_set>

#include "embeval/ann/index_registry.h"
#include "embeval/core/error.h"
#include "embeval/core/metric.h"
#include "embeval/eval/measures.h"
#include "embeval/eval/metrics.h"
#include "embeval/eval/significance.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/embedding_cache.h"
#include "embeval/models/registry.h"
#include "embeval/util/progress.h"
#include "embeval/util/thread_count.h"

namespace embeval {
namespace {

constexpr std::size_t kOverlapDepth = 10;
constexpr std::size_t kRunDepth = 100;  // as `eval` searches: ties at rank 10 resolve the same

// Cosine in double: 1 for equal vectors (both zero too), 0 when exactly one is zero.
double cosine_of(double dot, double norm_a, double norm_b) {
  if (norm_a == 0 && norm_b == 0) return 1;
  if (norm_a == 0 || norm_b == 0) return 0;
  return std::clamp(dot / std::sqrt(norm_a * norm_b), -1.0, 1.0);
}

double dense_cosine(const DenseMatrix& a, const DenseMatrix& b, std::size_t row) {
  const float* x = a.row(row);
  const float* y = b.row(row);
  if (std::equal(x, x + a.cols, y)) return 1;
  double dot = 0, nx = 0, ny = 0;
  for (std::size_t i = 0; i < a.cols; ++i) {
    dot += static_cast<double>(x[i]) * y[i];
    nx += static_cast<double>(x[i]) * x[i];
    ny += static_cast<double>(y[i]) * y[i];
  }
  return cosine_of(dot, nx, ny);
}

double sparse_cosine(const SparseMatrix& a, const SparseMatrix& b, std::size_t row) {
  const auto ia = a.row_indices(row), ib = b.row_indices(row);
  const auto va = a.row_values(row), vb = b.row_values(row);
  if (std::equal(ia.begin(), ia.end(), ib.begin(), ib.end()) &&
      std::equal(va.begin(), va.end(), vb.begin(), vb.end())) {
    return 1;
  }
  const SparseRowProducts p = sparse_row_products(a, row, b, row);
  return cosine_of(p.dot, p.aa, p.bb);
}

// The query vectors the cosine compares, checked once per batch.
enum class QueryKind { kDense, kSparse };

QueryKind query_kind(const EmbeddingBatch& batch, const std::string& model) {
  if (batch.multi) {
    throw InputError("model '" + model +
                         "' gives several vectors per query; the robustness probe compares one "
                         "vector per query",
                     "", 0, "use chunk_agg=mean or chunk_agg=first");
  }
  if (batch.dense && batch.sparse) {
    throw InputError("model '" + model +
                         "' gives both dense and sparse query vectors; the probe compares one kind",
                     "", 0, "probe its dense and its sparse part as separate models");
  }
  if (batch.dense) return QueryKind::kDense;
  EMBEVAL_CHECK(batch.sparse.has_value(), "robustness: a query batch without vectors");
  return QueryKind::kSparse;
}

std::vector<double> ndcg_per_query(const Dataset& dataset, const SearchResults& hits,
                                   std::size_t depth) {
  const TrecRun run = run_from_results(dataset, hits, depth, false, "robustness");
  const std::vector<std::string> args = {"ndcg_cut.10"};
  EvalOptions options;
  options.complete = true;  // a judged query with no hit scores 0
  const EvalResult result = evaluate(dataset.qrels, run, parse_measures(args), options);
  const auto name =
      std::find(result.measure_names.begin(), result.measure_names.end(), "ndcg_cut_10");
  EMBEVAL_CHECK(name != result.measure_names.end(), "robustness: no ndcg_cut_10");
  const auto column = static_cast<std::size_t>(name - result.measure_names.begin());
  std::vector<double> out;
  out.reserve(dataset.queries.size());
  for (const auto& q : dataset.queries) {
    const auto it = result.per_query.find(q.id);
    out.push_back(it == result.per_query.end() ? 0.0 : it->second[column]);
  }
  return out;
}

double top_overlap(const SearchResults& a, const SearchResults& b, std::size_t q) {
  std::unordered_set<std::int64_t> first;
  std::size_t na = 0, nb = 0, shared = 0;
  for (std::size_t j = 0; j < std::min(kOverlapDepth, a.k); ++j) {
    const std::int64_t id = a.ids[q * a.k + j];
    if (id < 0) break;
    first.insert(id);
    ++na;
  }
  for (std::size_t j = 0; j < std::min(kOverlapDepth, b.k); ++j) {
    const std::int64_t id = b.ids[q * b.k + j];
    if (id < 0) break;
    ++nb;
    shared += first.count(id);
  }
  const std::size_t larger = std::max(na, nb);
  return larger == 0 ? 1.0 : static_cast<double>(shared) / static_cast<double>(larger);
}

EmbeddingBatch encode_query_texts(Encoder& encoder, const std::vector<std::string>& texts) {
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  return encoder.encode(views, Role::kQuery);
}

double mean(const std::vector<double>& v) {
  double s = 0;
  for (const double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

}  // namespace

FamilyRobustness summarize_family(PerturbationFamily family, double rate,
                                  const std::vector<QueryRobustness>& queries,
                                  std::size_t perturbed_queries, int samples, std::uint64_t seed) {
  EMBEVAL_CHECK(queries.size() >= 2, "summarize_family: fewer than 2 queries");
  FamilyRobustness f;
  f.family = family;
  f.rate = rate;
  f.queries = queries.size();
  f.perturbed_queries = perturbed_queries;
  std::vector<double> cosines, overlaps, original, perturbed, worst;
  for (const auto& q : queries) {
    cosines.push_back(q.cosine);
    overlaps.push_back(q.overlap);
    original.push_back(q.ndcg_original);
    perturbed.push_back(q.ndcg_perturbed);
    worst.push_back(std::min(q.ndcg_original, q.ndcg_perturbed));
  }
  f.cosine_mean = mean(cosines);
  std::vector<double> sorted = cosines;
  std::sort(sorted.begin(), sorted.end());
  const auto rank = static_cast<std::size_t>(std::ceil(0.05 * static_cast<double>(sorted.size())));
  f.cosine_p5 = sorted[std::max<std::size_t>(rank, 1) - 1];
  f.top10_overlap = mean(overlaps);
  f.ndcg10_original = mean(original);
  f.ndcg10_perturbed = mean(perturbed);
  f.robustness_at_10 = mean(worst);
  PairedTestOptions options;
  options.test = SignificanceTest::kBootstrap;
  options.samples = samples;
  options.seed = seed;
  const PairedTestResult test = paired_test(perturbed, original, options);
  f.delta_ndcg10 = test.diff;
  f.delta_ci_low = test.ci_low;
  f.delta_ci_high = test.ci_high;
  return f;
}

RobustnessReport probe_robustness(Encoder& encoder, const Dataset& dataset,
                                  const RobustnessConfig& config, const WordNet* wordnet) {
  if (!(config.rate > 0 && config.rate <= 1)) {
    throw InputError("--rate must be in (0, 1], got " + std::to_string(config.rate), "", 0,
                     "the share of eligible words each query has edited, e.g. --rate 0.2");
  }
  if (dataset.queries.size() < 2) {
    throw InputError("the robustness probe needs at least 2 judged queries, the dataset has " +
                         std::to_string(dataset.queries.size()),
                     dataset.name, 0, "use a dataset with judged queries (qrels)");
  }
  if (dataset.corpus.empty()) throw InputError("the corpus has no documents", dataset.name);
  const std::vector<PerturbationFamily> families =
      config.families.empty() ? all_perturbation_families() : config.families;
  for (const auto f : families) {
    if (f == PerturbationFamily::synonym && wordnet == nullptr) {
      throw InputError("the synonym family needs WordNet", "", 0,
                       "install wordnet-base (scripts/setup.sh) or leave out --family synonym");
    }
  }
  const std::string model = encoder.spec();
  RobustnessReport report;
  report.provenance.model = model;
  report.provenance.seed = config.seed;
  report.provenance.rate = config.rate;
  report.provenance.dataset_name = dataset.name;
  report.provenance.documents = dataset.corpus.size();
  report.provenance.queries = dataset.queries.size();
  report.provenance.judgments = dataset.qrels.num_judgments();
  report.provenance.split = config.split;
  if (!config.dataset_dir.empty()) {
    report.provenance.dataset_path = config.dataset_dir.string();
    for (const std::string& name : {std::string("corpus.jsonl"), std::string("queries.jsonl"),
                                    "qrels/" + config.split + ".tsv"}) {
      report.provenance.files.emplace_back(name, file_fingerprint(config.dataset_dir / name));
    }
  }
  if (wordnet != nullptr &&
      std::find(families.begin(), families.end(), PerturbationFamily::synonym) != families.end()) {
    report.provenance.wordnet = config.wordnet_folder.string();
  }

  // Corpus: fitted, encoded and indexed once, by the exact index `eval` uses (or already).
  const int threads = static_cast<int>(resolve_thread_count(config.threads));
  std::unique_ptr<Index> own_index;
  const Index* index = config.corpus_index;
  if (index == nullptr) {
    std::vector<std::string> doc_texts;
    doc_texts.reserve(dataset.corpus.size());
    for (const auto& d : dataset.corpus) doc_texts.push_back(document_text(d));
    (void)encode_corpus(
        encoder, doc_texts, config.encode_batch, "corpus", [&](EmbeddingBatch&& batch) {
          if (!own_index) {
            own_index =
                make_ann_index(index_spec_for(batch).to_string(), Metric::kInnerProduct, threads);
          }
          own_index->add(batch);
        });
    index = own_index.get();
  }
  EMBEVAL_CHECK(index != nullptr, "robustness: no index after a non-empty corpus");
  EMBEVAL_CHECK(index->size() == dataset.corpus.size(),
                "robustness: the corpus index holds every document");
  const std::size_t depth = std::min(kRunDepth, dataset.corpus.size());

  std::vector<std::string> originals;
  for (const auto& q : dataset.queries) originals.push_back(q.text);
  const EmbeddingBatch original_vectors = encode_query_texts(encoder, originals);
  const QueryKind kind = query_kind(original_vectors, model);
  const SearchResults original_hits = index->search(original_vectors, depth);
  const std::vector<double> original_ndcg = ndcg_per_query(dataset, original_hits, depth);

  Progress progress("robustness", families.size(), "families");
  for (const auto family : families) {
    std::vector<std::string> texts;
    texts.reserve(originals.size());
    std::size_t changed = 0;
    std::pair<std::string, std::string> example;
    for (std::size_t q = 0; q < originals.size(); ++q) {
      const std::uint64_t seed = perturbation_seed(config.seed, family, dataset.queries[q].id);
      Perturbation p = perturb(originals[q], family, config.rate, seed, wordnet);
      if (p.text != originals[q]) {
        if (changed == 0) example = {originals[q], p.text};
        ++changed;
      }
      texts.push_back(std::move(p.text));
    }
    const EmbeddingBatch vectors = encode_query_texts(encoder, texts);
    EMBEVAL_CHECK(query_kind(vectors, model) == kind, "robustness: query kinds differ");
    const SearchResults hits = index->search(vectors, depth);
    const std::vector<double> ndcg = ndcg_per_query(dataset, hits, depth);
    std::vector<QueryRobustness> per_query(originals.size());
    for (std::size_t q = 0; q < originals.size(); ++q) {
      per_query[q].cosine = kind == QueryKind::kDense
                                ? dense_cosine(*original_vectors.dense, *vectors.dense, q)
                                : sparse_cosine(*original_vectors.sparse, *vectors.sparse, q);
      per_query[q].overlap = top_overlap(original_hits, hits, q);
      per_query[q].ndcg_original = original_ndcg[q];
      per_query[q].ndcg_perturbed = ndcg[q];
    }
    FamilyRobustness f = summarize_family(family, config.rate, per_query, changed,
                                          config.bootstrap_samples, config.seed);
    f.example = std::move(example);
    report.families.push_back(std::move(f));
    progress.add(1);
  }
  progress.finish();
  return report;
}

}  // namespace embeval
