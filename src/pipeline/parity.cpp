// run_parity: both models through the same dataset, then the per-text cosines and the ranking
// figures (parity_stats.cpp holds the arithmetic on vectors and lists).
#include "embeval/pipeline/parity.h"

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "embeval/ann/index_registry.h"
#include "embeval/core/error.h"
#include "embeval/core/metric.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/document_text.h"
#include "embeval/eval/measures.h"
#include "embeval/eval/metrics.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/registry.h"
#include "embeval/util/thread_count.h"
#include "pipeline/parity_vectors.h"

namespace embeval {
namespace {

constexpr std::size_t kTopK = 10;
constexpr std::size_t kBatchTexts = 1024;  // texts per encode() call: progress granularity

// The first `max_texts` documents and queries and the judgments between them (0: all).
void keep_first(Dataset& dataset, std::size_t max_texts, std::vector<std::string>& notes) {
  if (max_texts == 0) return;
  const std::size_t docs = dataset.corpus.size(), queries = dataset.queries.size();
  if (docs <= max_texts && queries <= max_texts) return;
  if (dataset.corpus.size() > max_texts) dataset.corpus.resize(max_texts);
  if (dataset.queries.size() > max_texts) dataset.queries.resize(max_texts);
  std::set<std::string_view> kept_docs;
  for (const auto& d : dataset.corpus) kept_docs.insert(d.id);
  Qrels kept;
  for (const auto& q : dataset.queries) {
    const auto it = dataset.qrels.judgments.find(q.id);
    if (it == dataset.qrels.judgments.end()) continue;
    for (const auto& [doc, grade] : it->second) {
      if (kept_docs.count(doc) != 0) kept.judgments[q.id][doc] = grade;
    }
  }
  dataset.qrels = std::move(kept);
  notes.push_back("--max-texts " + std::to_string(max_texts) + ": the first " +
                  std::to_string(dataset.corpus.size()) + " of " + std::to_string(docs) +
                  " documents and " + std::to_string(dataset.queries.size()) + " of " +
                  std::to_string(queries) + " queries, judgments between them only");
}

// One model's pass over the dataset: its vectors (kept for the cosines), its top-k and its
// per-query nDCG@10.
struct ModelPass {
  std::string spec;
  RowVectors documents;
  RowVectors queries;
  SearchResults top;
  std::map<std::string, double> ndcg;  // judged query id -> nDCG@10
};

ModelPass run_model(const ModelSpec& spec, const Dataset& dataset,
                    const std::vector<std::string>& doc_texts, std::size_t requested_threads,
                    const std::string& label) {
  ModelPass pass;
  // The encoder gets the request as given: 0 lets it apply its own default.
  std::unique_ptr<Encoder> encoder =
      open_encoder(spec, {}, kBatchTexts, EncoderOptions{requested_threads});
  const std::size_t threads = resolve_thread_count(requested_threads);
  pass.spec = encoder->spec();
  std::unique_ptr<Index> index;
  (void)encode_corpus(*encoder, doc_texts, kBatchTexts, label, [&](EmbeddingBatch&& batch) {
    if (!index) {
      index = make_ann_index(index_spec_for(batch).to_string(), Metric::kInnerProduct,
                             static_cast<int>(threads));
    }
    index->add(batch);
    pass.documents.append(batch, pass.spec);
  });
  EMBEVAL_CHECK(index != nullptr, "parity: a corpus without documents reached the encoder");
  const EmbeddingBatch queries = encode_queries(*encoder, dataset);
  pass.queries.append(queries, pass.spec);
  pass.top = index->search(queries, std::min(kTopK, doc_texts.size()));

  const TrecRun run = run_from_results(dataset, pass.top, kTopK, false, label);
  const std::vector<std::string> measure_args{"ndcg_cut.10"};
  const MeasureSet measures = parse_measures(measure_args);
  EvalOptions options;
  options.complete = true;  // a judged query without hits scores 0, as in `eval`
  const EvalResult result = evaluate(dataset.qrels, run, measures, options);
  std::size_t column = result.measure_names.size();
  for (std::size_t i = 0; i < result.measure_names.size(); ++i) {
    if (result.measure_names[i] == "ndcg_cut_10") column = i;
  }
  EMBEVAL_CHECK(column < result.measure_names.size(), "parity: evaluate() gave no ndcg_cut_10");
  for (const auto& [qid, values] : result.per_query) pass.ndcg[qid] = values[column];
  return pass;
}

}  // namespace

ParityResult run_parity(const ParityConfig& config) {
  const ModelSpec spec_a = ModelSpec::parse(config.model_a);
  const ModelSpec spec_b = ModelSpec::parse(config.model_b);
  (void)check_model_spec(spec_a);  // both specs fail before the dataset is read
  (void)check_model_spec(spec_b);
  BeirLoadOptions load;
  load.split = config.split;
  Dataset dataset = load_beir(config.dataset_dir, load);
  ParityResult result;
  result.dataset = dataset.name;
  keep_first(dataset, config.max_texts, result.notes);
  if (dataset.corpus.empty()) throw InputError("the dataset has no documents", config.dataset_dir);
  if (dataset.queries.empty()) {
    throw InputError("the dataset has no judged queries", config.dataset_dir, 0,
                     "parity compares rankings: it needs queries with judgments");
  }
  if (dataset.qrels.judgments.empty()) {
    throw InputError("no judgment is left between the first " + std::to_string(config.max_texts) +
                         " documents and queries",
                     config.dataset_dir, 0, "raise --max-texts");
  }
  result.documents = dataset.corpus.size();
  result.queries = dataset.queries.size();
  const std::vector<std::string> doc_texts = document_texts(dataset.corpus);

  ModelPass a = run_model(spec_a, dataset, doc_texts, config.threads, "A");
  ModelPass b = run_model(spec_b, dataset, doc_texts, config.threads, "B");
  result.spec_a = a.spec;
  result.spec_b = b.spec;
  result.dim_a = a.documents.dim();
  result.dim_b = b.documents.dim();

  if (a.documents.is_sparse() != b.documents.is_sparse()) {
    result.notes.push_back("A gives " + std::string(a.documents.is_sparse() ? "sparse" : "dense") +
                           " vectors and B " + (b.documents.is_sparse() ? "sparse" : "dense") +
                           ": no cosines, rankings compared only");
  } else if (result.dim_a != result.dim_b) {
    result.notes.push_back("dimensions differ (A " + std::to_string(result.dim_a) + ", B " +
                           std::to_string(result.dim_b) +
                           "): a cosine needs equal dimensions, so there are none; rankings "
                           "compared only");
  } else {
    std::size_t zero_docs = 0, zero_queries = 0;
    result.document_cosine = summarize_cosines(row_cosines(a.documents, b.documents, &zero_docs));
    result.query_cosine = summarize_cosines(row_cosines(a.queries, b.queries, &zero_queries));
    if (zero_docs + zero_queries != 0) {
      result.notes.push_back(std::to_string(zero_docs) + " documents and " +
                             std::to_string(zero_queries) +
                             " queries have a zero vector under one model or both (cosine 1 when "
                             "both are zero, else 0)");
    }
  }

  const TopOverlap overlap = top_overlap(a.top, b.top);
  result.overlap_k = a.top.k;
  result.overlap_mean = overlap.mean;
  result.overlap_min = overlap.min;

  // Both models were evaluated in complete mode on the same qrels: the same judged queries.
  std::vector<double> ndcg_a, ndcg_b;
  for (const auto& [qid, value] : a.ndcg) {
    const auto it = b.ndcg.find(qid);
    EMBEVAL_CHECK(it != b.ndcg.end(), "parity: a judged query evaluated for A only");
    ndcg_a.push_back(value);
    ndcg_b.push_back(it->second);
  }
  result.ndcg = paired_difference(ndcg_a, ndcg_b);
  return result;
}

}  // namespace embeval
