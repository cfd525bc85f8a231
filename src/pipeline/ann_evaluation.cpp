#include "embeval/pipeline/ann_evaluation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <span>
#include <string_view>

#include "embeval/ann/faiss_index.h"
#include "embeval/ann/index_registry.h"
#include "embeval/ann/recall.h"
#include "embeval/core/error.h"
#include "embeval/eval/metrics.h"
#include "embeval/fusion/fuse_runs.h"
#include "embeval/fusion/hybrid_spec.h"
#include "embeval/index/exact_index.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/ann_json.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/util/progress.h"
#include "embeval/util/stopwatch.h"

namespace embeval {
namespace {

constexpr std::size_t kDepth = 100;        // recall@100 and the run depth
constexpr std::size_t kLatencyDepth = 10;  // single-query searches: a RAG retriever's k

void append(EmbeddingBatch& into, EmbeddingBatch&& batch) {
  if (batch.dense) {
    if (!into.dense) {
      into.dense = std::move(batch.dense);
    } else {
      if (into.dense->cols != batch.dense->cols) {
        throw InputError("the encoder changed its dense dimension between batches");
      }
      into.dense->data.insert(into.dense->data.end(), batch.dense->data.begin(),
                              batch.dense->data.end());
      into.dense->rows += batch.dense->rows;
    }
  }
  if (batch.sparse) {
    if (!into.sparse) {
      into.sparse = std::move(batch.sparse);
      return;
    }
    SparseMatrix& s = *into.sparse;
    const std::uint64_t offset = s.indices.size();
    s.indices.insert(s.indices.end(), batch.sparse->indices.begin(), batch.sparse->indices.end());
    s.values.insert(s.values.end(), batch.sparse->values.begin(), batch.sparse->values.end());
    for (std::size_t r = 1; r < batch.sparse->indptr.size(); ++r) {
      s.indptr.push_back(offset + batch.sparse->indptr[r]);
    }
    s.rows += batch.sparse->rows;
    s.dim = std::max(s.dim, batch.sparse->dim);
  }
}

// Query i alone, as a one-row batch (built before timing so copying is not measured).
std::vector<EmbeddingBatch> single_queries(const EmbeddingBatch& queries, std::size_t count) {
  std::vector<EmbeddingBatch> singles(count);
  for (std::size_t i = 0; i < count; ++i) {
    if (queries.dense) {
      DenseMatrix row(1, queries.dense->cols);
      std::copy_n(queries.dense->row(i), queries.dense->cols, row.data.data());
      singles[i].dense = std::move(row);
    }
    if (queries.sparse) {
      SparseMatrix row;
      row.dim = queries.sparse->dim;
      row.append_row(queries.sparse->row_indices(i), queries.sparse->row_values(i));
      singles[i].sparse = std::move(row);
    }
  }
  return singles;
}

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const std::size_t rank =
      static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Batch QPS at depth kDepth (its results are returned), then single-query latency at
// kLatencyDepth.
SearchCost measure(const Index& index, const EmbeddingBatch& queries, std::size_t num_queries,
                   const std::vector<EmbeddingBatch>& singles, SearchResults* batch_results) {
  SearchCost cost;
  if (!singles.empty()) (void)index.search(singles[0], kLatencyDepth);  // warm caches and threads
  const Stopwatch start;
  *batch_results = index.search(queries, kDepth);
  const double s = start.seconds();
  cost.batch_queries_per_s = s > 0 ? static_cast<double>(num_queries) / s : 0;
  std::vector<double> ms;
  ms.reserve(singles.size());
  for (const auto& single : singles) {
    const Stopwatch t;
    const SearchResults one = index.search(single, kLatencyDepth);
    ms.push_back(t.seconds() * 1e3);
    (void)one;
  }
  std::sort(ms.begin(), ms.end());
  cost.latency_p50_ms = percentile(ms, 0.50);
  cost.latency_p95_ms = percentile(ms, 0.95);
  cost.latency_p99_ms = percentile(ms, 0.99);
  cost.latency_queries = ms.size();
  return cost;
}

class Scorer {
 public:
  Scorer(const Dataset& dataset) : dataset_(dataset) {
    const std::vector<std::string> names = {"ndcg_cut.10"};
    measures_ = parse_measures(names);
  }
  double ndcg_at_10(const SearchResults& hits) const {
    return ndcg_at_10(run_from_results(dataset_, hits, hits.k, false, "ann"));
  }
  double ndcg_at_10(const TrecRun& run) const {
    EvalOptions options;
    options.complete = true;
    return evaluate(dataset_.qrels, run, measures_, options).mean.at(0);
  }

 private:
  const Dataset& dataset_;
  MeasureSet measures_;
};

struct DenseContext {
  const Dataset& dataset;
  const AnnConfig& config;
  const DenseMatrix& docs;
  const EmbeddingBatch& queries;
  const std::vector<EmbeddingBatch>& singles;
  const SearchResults& exact;
  double exact_ndcg;
  const Scorer& scorer;
};

void fill_quality(const DenseContext& c, const SearchResults& hits, AnnPoint& p) {
  p.recall_at_10 = mean_recall(c.exact, hits, 10);
  p.recall_at_100 = mean_recall(c.exact, hits, kDepth);
  p.ndcg_at_10 = c.scorer.ndcg_at_10(hits);
  p.ndcg_at_10_delta = p.ndcg_at_10 - c.exact_ndcg;
}

// Builds one configuration and measures it at each search-parameter value. Each point's batch
// results are appended to `kept` when given (a hybrid fuses them).
std::vector<AnnPoint> measure_configuration(const DenseContext& c, const ModelSpec& canonical,
                                            const std::string& label, bool sweep,
                                            std::vector<SearchResults>* kept = nullptr) {
  std::unique_ptr<Index> index =
      make_ann_index(canonical.to_string(), c.config.metric, c.config.threads);
  EmbeddingBatch batch;
  batch.dense = c.docs;
  const Stopwatch start;
  index->add(batch);
  const double build_s = start.seconds();
  batch.dense.reset();

  std::size_t index_bytes = index->memory_bytes();
  std::size_t rescore_bytes = 0;
  if (const auto* binary = dynamic_cast<const BinaryIndex*>(index.get())) {
    index_bytes = binary->code_bytes();
    rescore_bytes = binary->memory_bytes() - index_bytes;
  }
  auto* tunable = dynamic_cast<SearchTunable*>(index.get());
  const std::string knob = ann_index_kind(canonical).search_parameter;
  std::vector<std::size_t> values;
  if (tunable != nullptr && !knob.empty()) {
    values = sweep ? sweep_values(canonical, c.docs.rows)
                   : std::vector<std::size_t>{tunable->search_parameter_value()};
  }
  if (values.empty()) values.push_back(0);  // no knob: one measurement

  std::vector<AnnPoint> points;
  for (std::size_t value : values) {
    AnnPoint p;
    p.label = label;
    ModelSpec measured = canonical;
    if (value != 0) {
      tunable->set_search_parameter(value);
      p.search_parameter = knob;
      p.search_value = tunable->search_parameter_value();
      measured.params[knob] = std::to_string(p.search_value);
    }
    p.index_spec = measured.to_string();
    p.dimension = c.docs.cols;
    p.build_s = build_s;
    p.index_bytes = index_bytes;
    p.rescore_bytes = rescore_bytes;
    p.bytes_per_vector = static_cast<double>(index_bytes) /
                         static_cast<double>(std::max<std::size_t>(1, c.docs.rows));
    SearchResults hits;
    p.cost = measure(*index, c.queries, c.queries.dense->rows, c.singles, &hits);
    fill_quality(c, hits, p);
    points.push_back(std::move(p));
    if (kept != nullptr) kept->push_back(std::move(hits));
  }
  return points;
}

// A row's label: the index's canonical name. Its parameters are in the row's index_spec, and the
// search parameter has a column of its own.
std::string ann_label(const ModelSpec& canonical) { return canonical.scheme; }

void run_dense(const Dataset& dataset, const AnnConfig& config, const DenseMatrix& docs,
               const EmbeddingBatch& queries, const std::vector<ModelSpec>& specs,
               AnnResults& results, std::vector<SearchResults>* kept) {
  const std::size_t n = docs.rows;
  const std::size_t latency_count = std::min(config.latency_queries, queries.dense->rows);
  const std::vector<EmbeddingBatch> singles = single_queries(queries, latency_count);
  const Scorer scorer(dataset);

  // The oracle, and its own row (recall 1 by definition).
  ExactDenseIndex exact_index(config.metric, config.threads);
  EmbeddingBatch batch;
  batch.dense = docs;
  const Stopwatch start;
  exact_index.add(batch);
  batch.dense.reset();
  AnnPoint exact_point;
  exact_point.label = "exact";
  // The spec the index registry rebuilds this oracle from (make_ann_index gives the same search).
  exact_point.index_spec = canonical_index_spec("exact").to_string();
  exact_point.dimension = docs.cols;
  exact_point.build_s = start.seconds();
  SearchResults exact;
  exact_point.cost = measure(exact_index, queries, queries.dense->rows, singles, &exact);
  exact_point.recall_at_10 = exact_point.recall_at_100 = 1.0;
  exact_point.ndcg_at_10 = scorer.ndcg_at_10(exact);
  exact_point.index_bytes = exact_index.memory_bytes();
  exact_point.bytes_per_vector = static_cast<double>(exact_point.index_bytes) /
                                 static_cast<double>(std::max<std::size_t>(1, n));
  const DenseContext c{dataset, config, docs, queries, singles, exact, exact_point.ndcg_at_10,
                       scorer};
  results.exact = exact_point;
  // Exact search is a configuration like any other: often the fastest and smallest with recall 1
  // on a small corpus, so it heads the table and competes in the sweep.
  results.points.push_back(exact_point);
  if (kept != nullptr) kept->push_back(exact);

  std::size_t work = specs.size() + (config.precision ? 5 : 0);
  std::vector<std::size_t> dims =
      config.truncation.empty() ? default_truncation_dims(docs.cols) : config.truncation;
  if (config.skip_truncation) dims.clear();
  work += dims.size();
  Progress progress("ann " + dataset.name, work, "configurations");

  for (std::size_t i = 0; i < specs.size(); ++i) {
    for (auto& p : measure_configuration(c, specs[i], ann_label(specs[i]), config.sweep, kept)) {
      results.points.push_back(std::move(p));
    }
    progress.add();
  }

  // Matryoshka-style truncation: the first `d` dimensions, renormalised, searched exactly, built
  // from the spec the row records (the registry's exact?dim=d).
  for (std::size_t d : dims) {
    const ModelSpec spec = canonical_index_spec("exact?dim=" + std::to_string(d));
    (void)check_index_for_data(spec, docs.cols, n);
    for (auto& p : measure_configuration(
             c, spec, d == docs.cols ? "full" : "dim " + std::to_string(d), false)) {
      p.dimension = d;
      p.bytes_per_vector = static_cast<double>(d * sizeof(float));
      results.truncation.push_back(std::move(p));
    }
    progress.add();
  }

  if (config.precision) {
    struct Row {
      std::string label;
      std::string spec;
    };
    const std::vector<Row> rows = {
        {"f32", "flat"},
        {"f16", "flat_f16"},
        {"int8", "flat_int8"},
        {"binary", "binary?pad=1"},
        {"binary+rescore", "binary?pad=1&rescore=" + std::to_string(config.binary_rescore)}};
    if (docs.cols % 8 != 0) {
      results.notes.push_back("binary precision rows: " + std::to_string(docs.cols) +
                              " sign bits padded with zero bits to whole bytes");
    }
    for (const auto& row : rows) {
      for (auto& p : measure_configuration(c, canonical_index_spec(row.spec), row.label, false)) {
        results.precision.push_back(std::move(p));
      }
      progress.add();
    }
  }

  if (config.sweep) results.sweep = summarise_sweep(results.points, config.recall_target);
}

void run_sparse(const Dataset& dataset, const AnnConfig& config, const SparseMatrix& docs,
                const EmbeddingBatch& queries, AnnResults& results) {
  SparseSummary s;
  EmbeddingBatch batch;
  batch.sparse = docs;
  // Built from the specs ann.json records, as the dense rows are.
  const std::string maxscore_spec = canonical_index_spec("inverted?strategy=maxscore").to_string();
  const std::string exhaustive_spec =
      canonical_index_spec("inverted?strategy=exhaustive").to_string();
  const std::unique_ptr<Index> maxscore =
      make_ann_index(maxscore_spec, Metric::kInnerProduct, config.threads);
  const std::unique_ptr<Index> exhaustive =
      make_ann_index(exhaustive_spec, Metric::kInnerProduct, config.threads);
  maxscore->add(batch);
  exhaustive->add(batch);
  const auto* inverted = dynamic_cast<const InvertedIndex*>(maxscore.get());
  EMBEVAL_CHECK(inverted != nullptr, "the registry's inverted index is not an InvertedIndex");
  s.postings = inverted->statistics();

  std::vector<std::size_t> list_lengths(docs.dim, 0);
  for (std::uint32_t term : docs.indices) ++list_lengths[term];
  std::sort(list_lengths.begin(), list_lengths.end(), std::greater<>());
  list_lengths.resize(std::min<std::size_t>(10, list_lengths.size()));
  while (!list_lengths.empty() && list_lengths.back() == 0) list_lengths.pop_back();
  s.longest_lists = list_lengths;

  const SparseMatrix& q = *queries.sparse;
  s.average_terms_per_query =
      q.rows == 0 ? 0 : static_cast<double>(q.nnz()) / static_cast<double>(q.rows);
  for (std::size_t i = 0; i < q.rows; ++i) {
    s.longest_query = std::max<std::size_t>(s.longest_query, q.indptr[i + 1] - q.indptr[i]);
  }

  const std::vector<EmbeddingBatch> singles =
      single_queries(queries, std::min(config.latency_queries, q.rows));
  SearchResults pruned, full;
  s.searches.push_back(
      {"maxscore", maxscore_spec, measure(*maxscore, queries, q.rows, singles, &pruned)});
  s.searches.push_back(
      {"exhaustive", exhaustive_spec, measure(*exhaustive, queries, q.rows, singles, &full)});
  s.identical_top10_share = identical_top_k_share(pruned, full, 10);
  s.ndcg_at_10 = Scorer(dataset).ndcg_at_10(pruned);
  results.sparse = std::move(s);
}

// The index specs to build over `num_documents` vectors of `dim` dimensions: each checked against
// the data, and those of the default list adapted to it (or skipped) rather than failing. Notes
// (adaptations, weakly trained codebooks) go to `notes`. Truncations are checked too.
std::vector<ModelSpec> specs_for_data(const AnnConfig& config, const std::vector<ModelSpec>& specs,
                                      std::size_t dim, std::size_t num_documents,
                                      std::vector<std::string>& notes) {
  std::vector<ModelSpec> out;
  for (const ModelSpec& spec : specs) {
    std::optional<ModelSpec> fitted = spec;
    if (config.index_specs_are_default) {
      std::string note;
      fitted = fit_default_index_to_data(spec, dim, num_documents, note);
      if (!note.empty()) notes.push_back(std::move(note));
      if (!fitted) continue;
    }
    for (std::string& note : check_index_for_data(*fitted, dim, num_documents)) {
      notes.push_back(std::move(note));
    }
    out.push_back(std::move(*fitted));
  }
  if (!config.skip_truncation) {
    for (std::size_t d : config.truncation) {
      if (d == 0 || d > dim) {
        throw InputError("truncation to " + std::to_string(d) + " dimensions: the model has " +
                             std::to_string(dim),
                         {}, 0, "pick dimensions between 1 and " + std::to_string(dim));
      }
    }
  }
  return out;
}

}  // namespace

const std::vector<std::string>& default_ann_index_specs() {
  static const std::vector<std::string> kSpecs = {"hnsw",    "ivf_flat",  "ivf_pq",
                                                  "ivf_sq8", "flat_int8", "binary?pad=1"};
  return kSpecs;
}

std::vector<std::size_t> default_truncation_dims(std::size_t dim) {
  std::vector<std::size_t> dims;
  for (std::size_t d = 32; d < dim; d *= 2) dims.push_back(d);
  dims.push_back(dim);
  return dims;
}

SweepSummary summarise_sweep(std::vector<AnnPoint>& points, double recall_target) {
  SweepSummary s;
  s.recall_target = recall_target;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const AnnPoint& p = points[i];
    bool dominated = false;
    for (std::size_t j = 0; j < points.size() && !dominated; ++j) {
      const AnnPoint& o = points[j];
      const double qp = p.cost.batch_queries_per_s, qo = o.cost.batch_queries_per_s;
      dominated = o.recall_at_10 >= p.recall_at_10 && qo >= qp &&
                  (o.recall_at_10 > p.recall_at_10 || qo > qp);
    }
    points[i].pareto = !dominated;
    if (!dominated) s.frontier.push_back(i);
    if (p.recall_at_10 >= recall_target) {
      if (!s.fastest_meeting_target ||
          p.cost.batch_queries_per_s > points[*s.fastest_meeting_target].cost.batch_queries_per_s) {
        s.fastest_meeting_target = i;
      }
      if (!s.smallest_meeting_target) {
        s.smallest_meeting_target = i;
      } else {
        const AnnPoint& b = points[*s.smallest_meeting_target];
        if (p.index_bytes < b.index_bytes ||
            (p.index_bytes == b.index_bytes &&
             p.cost.batch_queries_per_s > b.cost.batch_queries_per_s)) {
          s.smallest_meeting_target = i;
        }
      }
    }
  }
  std::sort(s.frontier.begin(), s.frontier.end(), [&](std::size_t a, std::size_t b) {
    return points[a].cost.batch_queries_per_s > points[b].cost.batch_queries_per_s;
  });
  return s;
}

std::size_t refuse_hybrid_in_ann(const HybridSpec& spec,
                                 const std::vector<std::string>& component_families) {
  const std::string name = "'" + spec.to_string() + "'";
  if (spec.cv_folds != 0 || !spec.tune_split.empty()) {
    throw InputError(
        "ann fuses a hybrid with fixed settings; " + name + " tunes its " +
            (spec.fusion.method == FusionMethod::rrf ? "weights and k" : "weights") + " (" +
            (spec.cv_folds != 0 ? "cv=" : "tune=") + ")",
        {}, 0,
        "give fixed weights= (and k= for rrf), e.g. the ones embeval eval chose (results.json, "
        "the model's hybrid.folds), and drop cv= / tune=");
  }
  EMBEVAL_CHECK(component_families.size() == spec.components.size(),
                "one card family per hybrid component");
  std::vector<std::size_t> dense;
  for (std::size_t i = 0; i < component_families.size(); ++i) {
    if (component_families[i] == "dense") {
      dense.push_back(i);
    } else if (component_families[i] != "sparse") {
      throw InputError("ann cannot measure " + name + ": component '" + spec.components[i] +
                           "' is a " + component_families[i] +
                           " model, neither one dense vector per text nor sparse weights",
                       {}, 0, "evaluate this hybrid with embeval eval (docs/fusion.md)");
    }
  }
  if (dense.size() != 1) {
    throw InputError(
        "ann measures how one dense model's index changes a hybrid; " + name + " has " +
            std::to_string(dense.size()) + " dense components" +
            (dense.empty() ? " (sparse components are searched exactly, no ANN index to vary)"
                           : " (which one's index would a row change?)"),
        {}, 0,
        "use a hybrid with exactly one dense component, or run ann on each dense component "
        "(--model gguf:m.gguf) and evaluate the hybrid with embeval eval (docs/fusion.md)");
  }
  return dense.front();
}

namespace {

AnnResults run_single_model(const Dataset& dataset, const AnnConfig& config,
                            std::vector<SearchResults>* kept) {
  // Every spec is checked before the (possibly long) encoding.
  std::unique_ptr<Encoder> encoder =
      open_encoder(ModelSpec::parse(config.model_spec), config.cache_dir, config.encode_batch,
                   EncoderOptions{static_cast<std::size_t>(config.threads)});
  std::vector<ModelSpec> requested;
  for (const auto& text : config.index_specs) requested.push_back(canonical_index_spec(text));
  if (!(config.recall_target > 0 && config.recall_target <= 1)) {
    throw InputError("--recall-target must be in (0, 1]", {}, 0, "e.g. --recall-target 0.95");
  }
  if (config.threads < 1) throw InputError("--threads must be at least 1");
  if (config.latency_queries == 0) throw InputError("--latency-queries must be at least 1");
  if (dataset.queries.empty() || dataset.corpus.empty()) {
    throw InputError("the dataset needs documents and judged queries", dataset.name, 0,
                     "check corpus.jsonl and qrels/<split>.tsv");
  }

  // The model card gives a dense model's dimension: index specs that cannot fit it, or the corpus
  // size, fail now rather than after minutes of encoding.
  const ModelCard card = encoder->card();
  std::vector<std::string> notes;
  std::vector<ModelSpec> specs;
  std::size_t checked_dim = 0;
  if (card.family == "dense" && card.dimension > 0) {
    checked_dim = card.dimension;
    specs = specs_for_data(config, requested, checked_dim, dataset.corpus.size(), notes);
  }
  if (card.family == "sparse" && !requested.empty() && !config.index_specs_are_default) {
    throw InputError("model '" + encoder->spec() +
                         "' produces sparse embeddings only: dense ANN indexes do not apply",
                     {}, 0, "drop --index; sparse models get posting statistics and pruning costs");
  }

  AnnResults results;
  results.dataset_name = dataset.name;
  results.dataset_fingerprint = dataset_fingerprint(dataset);
  results.num_documents = dataset.corpus.size();
  results.num_queries = dataset.queries.size();
  results.model_spec = encoder->spec();
  results.card = card;
  results.metric = metric_name(config.metric);
  results.threads = config.threads;

  EmbeddingBatch docs;
  const CorpusEncodingTimes times =
      encode_corpus(*encoder, document_texts(dataset.corpus), config.encode_batch,
                    spec_label(ModelSpec::parse(results.model_spec)),
                    [&](EmbeddingBatch&& batch) { append(docs, std::move(batch)); });
  results.encode_documents_s = times.fit_s + times.encode_s;
  const EmbeddingBatch queries = encode_queries(*encoder, dataset, &results.encode_queries_s);

  if (!docs.dense && !docs.sparse) {
    throw InputError("model '" + results.model_spec + "' produced no dense or sparse embeddings");
  }
  if (docs.dense) {
    if (!queries.dense) throw InputError("the model gave dense documents but no dense queries");
    results.dimension = docs.dense->cols;
    if (docs.dense->cols != checked_dim) {  // the card did not know it: check now
      notes.clear();
      specs = specs_for_data(config, requested, docs.dense->cols, dataset.corpus.size(), notes);
    }
    results.notes = std::move(notes);
    run_dense(dataset, config, *docs.dense, queries, specs, results, kept);
  } else if (!requested.empty() && !config.index_specs_are_default) {
    throw InputError("model '" + results.model_spec +
                         "' produces sparse embeddings only: dense ANN indexes do not apply",
                     {}, 0, "drop --index; sparse models get posting statistics and pruning costs");
  }
  if (docs.sparse && queries.sparse) run_sparse(dataset, config, *docs.sparse, queries, results);

  if (!config.out_dir.empty()) write_ann_json(config.out_dir / "ann.json", results);
  return results;
}

// A sparse component's run, searched as eval searches it: the registry's exact index for what the
// encoder produces, kDepth documents per query.
TrecRun exact_component_run(const Dataset& dataset, const AnnConfig& config, Encoder& encoder,
                            const std::string& label) {
  std::unique_ptr<Index> index;
  const ModelCard card = encoder.card();
  (void)encode_corpus(encoder, document_texts(dataset.corpus), config.encode_batch, label,
                      [&](EmbeddingBatch&& batch) {
                        if (!index) {
                          index = make_ann_index(index_spec_for(batch, card).to_string(),
                                                 Metric::kInnerProduct, config.threads);
                        }
                        index->add(batch);
                      });
  EMBEVAL_CHECK(index != nullptr, "the corpus has documents (checked before)");
  const EmbeddingBatch queries = encode_queries(encoder, dataset, nullptr);
  const std::size_t depth = std::min(kDepth, dataset.corpus.size());
  return run_from_results(dataset, index->search(queries, depth), depth, false, label);
}

// Mean over queries with an exact-fused list of |first 10 of `fused` and of `exact`| / the
// exact list's first-10 size.
double fused_recall_at_10(const FusedRun& exact, const FusedRun& fused) {
  std::map<std::string_view, std::span<const FusedEntry>> by_query;
  for (std::size_t q = 0; q < fused.query_ids.size(); ++q) {
    by_query.emplace(fused.query_ids[q], fused.query(q));
  }
  double sum = 0;
  std::size_t counted = 0;
  for (std::size_t q = 0; q < exact.query_ids.size(); ++q) {
    const std::span<const FusedEntry> e =
        exact.query(q).first(std::min<std::size_t>(10, exact.query(q).size()));
    if (e.empty()) continue;
    std::set<std::string_view> wanted;
    for (const FusedEntry& entry : e) wanted.insert(entry.docno);
    std::size_t found = 0;
    if (const auto it = by_query.find(exact.query_ids[q]); it != by_query.end()) {
      const std::span<const FusedEntry> f =
          it->second.first(std::min<std::size_t>(10, it->second.size()));
      for (const FusedEntry& entry : f) found += wanted.count(entry.docno);
    }
    sum += static_cast<double>(found) / static_cast<double>(e.size());
    ++counted;
  }
  return counted == 0 ? 0.0 : sum / static_cast<double>(counted);
}

AnnResults run_hybrid(const Dataset& dataset, const AnnConfig& config) {
  const HybridSpec spec = HybridSpec::parse(config.model_spec);
  std::vector<std::unique_ptr<Encoder>> encoders;
  std::vector<std::string> families;
  for (const std::string& component : spec.components) {
    encoders.push_back(open_encoder(ModelSpec::parse(component), config.cache_dir,
                                    config.encode_batch,
                                    EncoderOptions{static_cast<std::size_t>(config.threads)}));
    families.push_back(encoders.back()->card().family);
  }
  const std::size_t dense = refuse_hybrid_in_ann(spec, families);
  encoders[dense].reset();  // run_single_model opens it again

  AnnConfig dense_config = config;
  dense_config.model_spec = spec.components[dense];
  dense_config.out_dir.clear();
  std::vector<SearchResults> kept;
  AnnResults results = run_single_model(dataset, dense_config, &kept);
  EMBEVAL_CHECK(kept.size() == results.points.size(), "one kept search per index row");

  std::vector<TrecRun> runs(spec.components.size());
  for (std::size_t i = 0; i < spec.components.size(); ++i) {
    if (i != dense) {
      runs[i] = exact_component_run(dataset, config, *encoders[i],
                                    spec_label(ModelSpec::parse(spec.components[i])));
    }
  }
  std::vector<const TrecRun*> pointers;
  for (const TrecRun& run : runs) pointers.push_back(&run);
  FusionOptions options = spec.fusion;
  options.top = kDepth;  // eval's run depth (k = 100)
  const Scorer scorer(dataset);
  const auto fuse_with = [&](const SearchResults& hits) {
    runs[dense] = run_from_results(dataset, hits, kDepth, false, "dense");
    return fuse_runs(pointers, options);
  };

  HybridAnnSummary h;
  h.spec = spec.to_string();
  h.components = spec.components;
  h.dense_component = dense;
  // fuse_runs' entries point into the runs: keep the exact-fused run's dense run alive.
  const TrecRun exact_dense = run_from_results(dataset, kept.front(), kDepth, false, "dense");
  std::vector<const TrecRun*> exact_pointers = pointers;
  exact_pointers[dense] = &exact_dense;
  const FusedRun exact_fused = fuse_runs(exact_pointers, options);
  h.exact_ndcg_at_10 = scorer.ndcg_at_10(to_trec_run(exact_fused, "hybrid"));
  for (std::size_t p = 0; p < results.points.size(); ++p) {
    const AnnPoint& point = results.points[p];
    HybridAnnPoint row;
    row.label = point.label;
    row.index_spec = point.index_spec;
    row.search_parameter = point.search_parameter;
    row.search_value = point.search_value;
    const FusedRun fused = fuse_with(kept[p]);
    row.ndcg_at_10 = scorer.ndcg_at_10(to_trec_run(fused, "hybrid"));
    row.ndcg_at_10_delta = row.ndcg_at_10 - h.exact_ndcg_at_10;
    row.recall_at_10 = fused_recall_at_10(exact_fused, fused);
    h.points.push_back(std::move(row));
  }
  results.hybrid = std::move(h);
  if (!config.out_dir.empty()) write_ann_json(config.out_dir / "ann.json", results);
  return results;
}

}  // namespace

AnnResults run_ann_evaluation(const Dataset& dataset, const AnnConfig& config) {
  if (is_hybrid_spec(config.model_spec)) return run_hybrid(dataset, config);
  return run_single_model(dataset, config, nullptr);
}

}  // namespace embeval
