#include "embeval/pipeline/evaluation.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <numeric>
#include <set>
#include <string_view>
#include <unordered_map>

#include "embeval/ann/index_registry.h"
#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"
#include "embeval/eval/run.h"
#include "embeval/fusion/fuse_runs.h"
#include "embeval/fusion/fusion_tuning.h"
#include "embeval/fusion/hybrid_spec.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/embedding_cache.h"
#include "embeval/models/registry.h"
#include "embeval/models/reranker_registry.h"
#include "embeval/pipeline/results_json.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/memory_usage.h"
#include "embeval/util/output_paths.h"
#include "embeval/util/progress.h"
#include "embeval/util/stopwatch.h"
#include "embeval/util/thread_count.h"
#include "embeval/util/version.h"
#include "pipeline/document_scoring.h"
#include "pipeline/evaluation_records.h"

namespace embeval {
namespace {

// FNV-1a, 64 bit: cheap, stable across platforms, good enough to notice a changed dataset.
class Fnv1a {
 public:
  void add(std::string_view s) {
    for (unsigned char c : s) hash_ = (hash_ ^ c) * 1099511628211ull;
    hash_ = (hash_ ^ 0xff) * 1099511628211ull;  // separator so "ab","c" != "a","bc"
  }
  std::string hex() const {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
    return buf;
  }

 private:
  std::uint64_t hash_ = 1469598103934665603ull;
};

namespace fs = std::filesystem;

void note(std::vector<std::string>& notes, std::string line) {
  std::fprintf(stderr, "note: %s\n", line.c_str());
  notes.push_back(std::move(line));
}

bool is_label_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
}

// spec_label(), kept short enough to name files: a longer label keeps its start and gains a
// hash of the whole, so two long specs that share a start still get different files.
std::string short_label(const ModelSpec& spec, std::vector<std::string>& notes,
                        std::string label = {}) {
  if (label.empty()) label = spec_label(spec);
  constexpr std::size_t kRoomForSuffix = 8;  // "-NN" when labels collide
  if (label.size() > kMaxLabelBytes - kRoomForSuffix) {
    Fnv1a h;
    h.add(label);
    const std::string full = label;
    label = label.substr(0, kMaxLabelBytes - kRoomForSuffix - 17) + "-" + h.hex();
    notes.push_back("label of '" + spec.to_string() + "' shortened to " + label + " (" +
                    std::to_string(full.size()) + " bytes is too long for a file name)");
  }
  return label;
}

void check_label(const std::string& label, const std::string& spec) {
  const bool ok = !label.empty() && label.size() <= kMaxLabelBytes && label.front() != '.' &&
                  label.front() != '-' && std::all_of(label.begin(), label.end(), is_label_char);
  if (!ok) {
    throw InputError(
        "model '" + spec + "' gives the label '" + label + "', which cannot name a file", {}, 0,
        "write the spec without unusual characters in its path or values");
  }
}

// Canonical spec -> label, and label -> canonical spec, of the records already in OUT/models/.
struct ExistingLabels {
  std::map<std::string, std::string> label_of_spec;
  std::map<std::string, std::string> spec_of_label;
};

ExistingLabels existing_labels(const fs::path& out_dir) {
  ExistingLabels existing;
  for (const auto& label : records::record_labels(out_dir)) {
    const auto record = records::read_record(out_dir, label);
    if (!record || !record->key) continue;
    existing.spec_of_label[label] = record->key->spec;
    existing.label_of_spec.emplace(record->key->spec, label);
  }
  return existing;
}

struct SharedKey {
  std::string dataset_fingerprint;
  std::vector<FileRecord> dataset_files;
  std::size_t k = 0;
  bool ignore_identical_ids = false;
  std::size_t encode_batch = 0;
  std::string score_at;
};

records::ResultKey key_for(const PlannedModel& model, const SharedKey& shared) {
  records::ResultKey key;
  key.spec = model.canonical;
  if (model.rerank) {
    // The reranker's file; the first stage's files and run join at run time (run_evaluation).
    if (reranker_kind(model.rerank->reranker).path_is_file &&
        !model.rerank->reranker.path.empty()) {
      key.model_files.push_back(
          {model.rerank->reranker.path, file_fingerprint(model.rerank->reranker.path)});
    }
  } else if (model.hybrid) {
    for (const std::string& component : model.hybrid->components) {
      for (auto& f : records::model_files_of(ModelSpec::parse(component))) {
        key.model_files.push_back(std::move(f));
      }
    }
  } else {
    key.model_files = records::model_files_of(model.spec);
  }
  key.dataset_fingerprint = shared.dataset_fingerprint;
  key.dataset_files = shared.dataset_files;
  key.k = shared.k;
  key.ignore_identical_ids = shared.ignore_identical_ids;
  key.encode_batch = shared.encode_batch;
  key.score_at = shared.score_at;
  key.embeval_version = kEmbevalVersion;
  return key;
}

// The saved result for `model` when everything it was computed from still matches, else nullopt
// and `why` says what differs ("" when there was nothing to reuse).
std::optional<ModelResult> reusable_result(const fs::path& out_dir, const PlannedModel& model,
                                           const records::ResultKey& key, std::string& why) {
  why.clear();
  const auto record = records::read_record(out_dir, model.label);
  if (!record) {
    std::error_code ec;
    if (fs::exists(out_dir / "runs" / (model.label + ".trec"), ec)) {
      why = "runs/" + model.label + ".trec has no saved record (an interrupted run?)";
    }
    return std::nullopt;
  }
  if (!record->problem.empty()) {
    why = record->problem;
    return std::nullopt;
  }
  why = records::key_difference(*record->key, key);
  if (why.empty()) why = records::run_file_problem(*record->result);
  if (!why.empty()) return std::nullopt;
  ModelResult r = *record->result;
  r.resumed = true;
  return r;
}

// Records in OUT/models/ from earlier invocations that belong in results.json: computed on this
// dataset with these settings, their run file intact, and not a model this invocation plans.
std::vector<ModelResult> earlier_results(const fs::path& out_dir, const EvaluationPlan& plan,
                                         const SharedKey& shared, std::vector<std::string>& notes) {
  std::set<std::string> planned_labels, planned_specs;
  for (const auto& m : plan.models) {
    planned_labels.insert(m.label);
    planned_specs.insert(m.canonical);
  }
  std::vector<ModelResult> out;
  for (const auto& label : records::record_labels(out_dir)) {
    if (planned_labels.count(label) != 0) continue;
    const auto record = records::read_record(out_dir, label);
    if (!record) continue;  // removed meanwhile
    std::string why;
    if (!record->problem.empty()) {
      why = record->problem;
    } else if (planned_specs.count(record->key->spec) != 0) {
      why = "the same model as one evaluated now";
    } else if (record->key->dataset_fingerprint != shared.dataset_fingerprint) {
      why = "computed on another dataset";
    } else if (record->key->k != shared.k ||
               record->key->ignore_identical_ids != shared.ignore_identical_ids ||
               record->key->score_at != shared.score_at) {
      why = "computed with other settings (k " + std::to_string(record->key->k) + ")";
    } else {
      why = records::run_file_problem(*record->result);
    }
    if (!why.empty()) {
      note(notes, "models/" + label + ".json left out of results.json: " + why);
      continue;
    }
    ModelResult r = *record->result;
    r.resumed = true;
    out.push_back(std::move(r));
  }
  return out;
}

// The folder's results: `base` (dataset, settings, notes) with this invocation's models, then the
// earlier ones. Each has the interval the table prints: evaluate_model() records it, and a saved
// record written without one (by an older embeval) gets it here.
EvaluationResults assemble(const EvaluationResults& base, const std::vector<ModelResult>& current,
                           const std::vector<ModelResult>& earlier) {
  EvaluationResults all = base;
  all.models = current;
  all.models.insert(all.models.end(), earlier.begin(), earlier.end());
  const std::string measure = headline_measure(all.config.k);
  for (auto& m : all.models) {
    if (m.headline_interval && m.headline_interval->measure == measure) continue;
    m.headline_interval = bootstrap_interval(m.metrics, measure);
  }
  return all;
}

std::string tokens_source(std::size_t reported, std::size_t estimated) {
  if (reported == 0 && estimated == 0) return "none";  // everything came from the cache
  if (estimated == 0) return "server";
  return reported == 0 ? "estimate" : "server+estimate";
}

// Usage between the three snapshots (start, after documents, after queries) and the cost.
ApiCost api_cost_of(const ApiUsage& start, const ApiUsage& documents, const ApiUsage& end,
                    const std::vector<std::string>& doc_texts, std::size_t documents_encoded) {
  ApiCost cost;
  cost.usage = end;
  cost.usage.requests -= start.requests;
  cost.usage.retries -= start.retries;
  cost.usage.texts -= start.texts;
  cost.usage.reported_tokens -= start.reported_tokens;
  cost.usage.estimated_tokens -= start.estimated_tokens;
  cost.usage.unreported_requests -= start.unreported_requests;
  cost.tokens_source = tokens_source(cost.usage.reported_tokens, cost.usage.estimated_tokens);
  cost.documents_encoded = documents_encoded;
  cost.document_tokens = documents.tokens() - start.tokens();
  if (documents_encoded > 0) {
    cost.mean_document_tokens =
        static_cast<double>(cost.document_tokens) / static_cast<double>(documents_encoded);
    cost.mean_document_tokens_source =
        tokens_source(documents.reported_tokens - start.reported_tokens,
                      documents.estimated_tokens - start.estimated_tokens);
  } else if (!doc_texts.empty()) {
    // Every document came from the cache: no server count this time, so estimate.
    double sum = 0;
    for (const auto& t : doc_texts) sum += static_cast<double>(estimate_tokens(t));
    cost.mean_document_tokens = sum / static_cast<double>(doc_texts.size());
    cost.mean_document_tokens_source = "estimate";
  }
  if (end.price_per_mtok) {
    cost.cost_usd = static_cast<double>(cost.usage.tokens()) * *end.price_per_mtok / 1e6;
    cost.usd_per_million_documents = cost.mean_document_tokens * *end.price_per_mtok;
  }
  return cost;
}

ModelResult evaluate_model(const Dataset& dataset, const std::vector<std::string>& doc_texts,
                           const PlannedModel& planned, const MeasureSet& measures,
                           const EvaluationConfig& config, std::size_t run_depth,
                           const PassageParents* parents, const Qrels& qrels) {
  const ModelSpec& spec = planned.spec;
  const std::string& label = planned.label;
  reset_peak_rss();
  Stopwatch start;
  std::unique_ptr<Encoder> encoder =
      open_encoder(spec, config.cache_dir, config.encode_batch, EncoderOptions{config.threads});
  const auto* cached = dynamic_cast<const CachedEncoder*>(encoder.get());
  auto cache_hits = [&] { return cached != nullptr ? cached->cache_stats().hits : 0; };
  ModelResult result;
  result.timings.load_s = start.seconds();
  result.spec = encoder->spec();
  result.label = label;
  result.card = encoder->card();
  auto* metered = dynamic_cast<MeteredEncoder*>(&underlying_model(*encoder));
  const ApiUsage usage_start = metered != nullptr ? metered->usage() : ApiUsage{};
  std::size_t dense_dimension = 0;

  // Documents: encode in batches (progress, bounded memory), index as we go.
  std::unique_ptr<Index> index;
  const CorpusEncodingTimes times =
      encode_corpus(*encoder, doc_texts, config.encode_batch, label, [&](EmbeddingBatch&& batch) {
        if (batch.dense) dense_dimension = batch.dense->cols;
        if (!index) {
          // The exact index for what the encoder produced, built by the index registry.
          index =
              make_ann_index(index_spec_for(batch, result.card).to_string(), Metric::kInnerProduct,
                             static_cast<int>(resolve_thread_count(config.threads)));
        }
        index->add(batch);
      });
  result.timings.fit_s = times.fit_s;
  result.timings.encode_documents_s = times.encode_s;
  result.timings.index_s = times.consume_s;
  result.document_lengths = times.lengths;
  if (!index) throw InputError("the corpus has no documents", dataset.name);
  result.index_bytes = index->memory_bytes();
  result.cached_documents = cache_hits();
  const ApiUsage usage_documents = metered != nullptr ? metered->usage() : ApiUsage{};

  const EmbeddingBatch queries =
      encode_queries(*encoder, dataset, &result.timings.encode_queries_s, &result.query_lengths);
  result.cached_queries = cache_hits() - result.cached_documents;
  // A remote model's dimension is measured on its first answer (or read from the cache).
  if (result.card.dimension == 0) result.card = encoder->card();
  if (result.card.dimension == 0) result.card.dimension = dense_dimension;
  if (metered != nullptr) {
    result.api_cost = api_cost_of(usage_start, usage_documents, metered->usage(), doc_texts,
                                  doc_texts.size() - result.cached_documents);
  }

  TrecRun run;
  if (parents != nullptr) {
    // Documents ranked by their best passage: searched as deep as it takes to find run_depth.
    start.restart();
    run = search_documents(*index, queries, dataset, *parents, run_depth,
                           config.ignore_identical_ids, label);
    result.timings.search_s = start.seconds();
  } else {
    // One extra hit per query so that dropping a self-match still leaves run_depth; never more
    // than the corpus (run_depth <= documents, so this cannot overflow).
    const std::size_t depth =
        std::min(run_depth + (config.ignore_identical_ids ? 1 : 0), doc_texts.size());
    start.restart();
    const SearchResults hits = index->search(queries, depth);
    result.timings.search_s = start.seconds();
    run = run_from_results(dataset, hits, run_depth, config.ignore_identical_ids, label);
  }
  result.run_file = config.out_dir / "runs" / (label + ".trec");
  write_run(result.run_file, run);
  result.run_checksum = file_fingerprint(result.run_file);

  EvalOptions options;
  options.complete = true;  // a judged query with no hits scores 0, it is not dropped
  result.metrics = evaluate(qrels, run, measures, options);
  result.headline_interval = bootstrap_interval(result.metrics, headline_measure(config.k));

  // Throughput counts what the model encoded: texts read back from the cache cost ~nothing.
  const double n_docs = static_cast<double>(doc_texts.size() - result.cached_documents);
  const double n_queries = static_cast<double>(dataset.queries.size());
  if (result.timings.encode_documents_s > 0) {
    result.timings.documents_per_s = n_docs / result.timings.encode_documents_s;
  }
  const double query_time = result.timings.encode_queries_s + result.timings.search_s;
  if (query_time > 0) result.timings.queries_per_s = n_queries / query_time;
  result.peak_rss_bytes = peak_rss_bytes();
  result.vocabulary = vocabulary_coverage_of(*encoder);  // after every text was encoded
  if (!config.probes.kinds.empty()) {
    // On the encoder and index just used: nothing is loaded, fitted or indexed again.
    result.probes =
        run_model_probes(*encoder, spec, dataset, config.probes, index.get(), config.threads);
  }
  return result;
}

// A hybrid tuned on another split (tune=SPLIT, --tune-on): the grid point chosen there.
struct SplitTuning {
  std::string split;
  std::string measure;  // trec_eval name, nDCG@min(10, k)
  FoldChoice choice;    // fold 0; test_queries filled when the hybrid is fused
  std::vector<std::string> queries_in_both_splits;
};

// For every hybrid with tune=SPLIT: its components are evaluated on SPLIT's queries in
// OUT/tune-SPLIT/ (an evaluation of its own, so resumed like any), and the grid point with the
// best mean measure on SPLIT's judged queries is chosen. Keyed by the hybrid's canonical spec.
std::map<std::string, SplitTuning> tune_on_splits(const Dataset& dataset,
                                                  const fs::path& dataset_path,
                                                  const EvaluationConfig& config,
                                                  const EvaluationPlan& plan,
                                                  std::vector<std::string>& notes) {
  std::map<std::string, std::vector<const PlannedModel*>> by_split;
  for (const PlannedModel& m : plan.models) {
    if (m.hybrid && !m.hybrid->tune_split.empty()) by_split[m.hybrid->tune_split].push_back(&m);
  }
  std::map<std::string, SplitTuning> out;
  const std::string measure = "ndcg_cut." + std::to_string(std::min<std::size_t>(10, config.k));
  std::set<std::string> evaluated;
  for (const Query& q : dataset.queries) evaluated.insert(q.id);
  for (const auto& [split, hybrids] : by_split) {
    BeirLoadOptions load;
    load.split = split;
    const Dataset tune = load_beir(dataset_path, load);
    EvaluationConfig sub = config;
    sub.tune_split.clear();
    sub.split = split;
    sub.out_dir = config.out_dir / ("tune-" + split);
    sub.model_specs.clear();
    for (const PlannedModel* h : hybrids) {
      for (const std::string& c : h->hybrid->components) {
        if (std::find(sub.model_specs.begin(), sub.model_specs.end(), c) == sub.model_specs.end()) {
          sub.model_specs.push_back(c);
        }
      }
    }
    std::fprintf(stderr, "tuning on split '%s': %zu components on its %zu queries, in %s\n",
                 split.c_str(), sub.model_specs.size(), tune.queries.size(),
                 sub.out_dir.string().c_str());
    const EvaluationResults tuned_on = run_evaluation(tune, dataset_path, sub);
    const bool by_document = config.score_at == ScoreLevel::kDocument;
    const Qrels qrels = by_document ? document_qrels(tune, passage_parents(tune)) : tune.qrels;
    std::vector<std::string> both;
    for (const Query& q : tune.queries) {
      if (evaluated.count(q.id) != 0) both.push_back(q.id);
    }
    std::sort(both.begin(), both.end());
    for (const PlannedModel* h : hybrids) {
      std::vector<TrecRun> runs;
      for (const std::string& c : h->hybrid->components) {
        const auto at = static_cast<std::size_t>(
            std::find(sub.model_specs.begin(), sub.model_specs.end(), c) - sub.model_specs.begin());
        EMBEVAL_CHECK(at < tuned_on.models.size(), "a tuning component was evaluated");
        runs.push_back(read_run(sub.out_dir / "runs" / (tuned_on.models[at].label + ".trec")));
      }
      std::vector<const TrecRun*> pointers;
      for (const TrecRun& r : runs) pointers.push_back(&r);
      FusionOptions options = h->hybrid->fusion;
      options.top = tuned_on.run_depth;
      SplitTuning t;
      t.split = split;
      t.measure = measure;
      t.choice = tune_fusion(pointers, qrels, options, measure);
      t.queries_in_both_splits = both;
      std::string weights;
      for (const double w : t.choice.chosen.weights) {
        weights += (weights.empty() ? "" : ",") + std::to_string(w).substr(0, 3);
      }
      std::string line = h->label + ": tuned on split '" + split + "' (" +
                         std::to_string(t.choice.train_queries) + " judged queries): weights " +
                         weights;
      if (h->hybrid->fusion.method == FusionMethod::rrf) {
        line += ", k " + std::to_string(static_cast<long long>(t.choice.chosen.rrf_k));
      }
      note(notes, line);
      if (!both.empty()) {
        std::string ids;
        for (std::size_t i = 0; i < both.size() && i < 5; ++i) ids += (i ? ", " : "") + both[i];
        if (both.size() > 5) ids += ", ...";
        note(notes, "warning: " + h->label + ": " + std::to_string(both.size()) +
                        " queries are judged in both '" + split + "' and '" + config.split +
                        "' (leakage: the tuning saw them): " + ids);
      }
      out.emplace(h->canonical, std::move(t));
    }
  }
  return out;
}

// A hybrid's label: "hybrid-METHOD", its components' labels and its settings, e.g.
// hybrid-rrf_bm25_static-w_k-60.
std::string hybrid_label(const HybridSpec& h) {
  std::string label = "hybrid-" + std::string(fusion_method_name(h.fusion.method));
  for (const auto& c : h.components) label += "_" + spec_label(ModelSpec::parse(c));
  const std::string canonical = h.to_string();
  const std::size_t q = canonical.rfind(')');
  for (std::string_view rest = std::string_view(canonical).substr(q + 1); !rest.empty();) {
    rest.remove_prefix(1);  // '?' or '&'
    const std::size_t amp = rest.find('&');
    std::string pair(rest.substr(0, amp));
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp);
    for (char& c : pair) {
      if (c == '=' || c == ',') c = '-';
    }
    label += "_" + pair;
  }
  for (char& c : label) {
    if (!is_label_char(c)) c = '_';
  }
  return label;
}

// Every (first-stage model, reranker) pair, after the first stages: label
// "<first>_rerank_<reranker>", canonical "<first canonical> -> <reranker canonical>".
void plan_reranks(const EvaluationConfig& config, const ExistingLabels& existing,
                  std::set<std::string>& used, EvaluationPlan& plan) {
  if (config.rerank_specs.empty()) return;
  if (config.score_at == ScoreLevel::kDocument) {
    throw InputError("--rerank with --score-at document is not supported", {}, 0,
                     "rerank at passage level (the default): a reranker reads one passage's text");
  }
  std::vector<PlannedModel> reranked;
  std::set<std::string> seen;
  const std::size_t first_stages = plan.models.size();
  for (const std::string& text : config.rerank_specs) {
    ModelSpec spec = ModelSpec::parse(text);
    const std::string canonical = check_reranker_spec(spec);
    if (!seen.insert(canonical).second) {
      plan.notes.push_back("--rerank '" + text + "' repeats an earlier reranker: used once");
      continue;
    }
    const ModelSpec canonical_spec = ModelSpec::parse(canonical);
    for (std::size_t i = 0; i < first_stages; ++i) {
      const PlannedModel& first = plan.models[i];
      PlannedModel m;
      m.spec = spec;
      m.canonical = first.canonical + " -> " + canonical;
      PlannedModel::Rerank r;
      r.first_stage_label = first.label;
      r.first_stage_canonical = first.canonical;
      r.reranker = spec;
      r.reranker_canonical = canonical;
      r.reranker_label = spec_label(spec);
      r.top = rerank_top(canonical_spec);
      const auto known = existing.label_of_spec.find(m.canonical);
      if (known != existing.label_of_spec.end() && used.count(known->second) == 0) {
        m.label = known->second;
      } else {
        std::string base = first.label + "_rerank_" + r.reranker_label;
        for (char& c : base) {
          if (!is_label_char(c)) c = '_';
        }
        base = short_label(spec, plan.notes, base);
        std::string label = base;
        for (int n = 2; used.count(label) != 0 || existing.spec_of_label.count(label) != 0; ++n) {
          label = base + "-" + std::to_string(n);
        }
        m.label = label;
      }
      check_label(m.label, m.canonical);
      used.insert(m.label);
      m.rerank = std::move(r);
      reranked.push_back(std::move(m));
    }
  }
  for (auto& m : reranked) plan.models.push_back(std::move(m));
}

// A hybrid model: its components' runs (already written by this evaluation, computed or
// resumed) read back and fused; with cv, tuned fold by fold on held-out queries.
ModelResult evaluate_hybrid(const Dataset& dataset, const PlannedModel& planned,
                            const std::vector<ModelResult>& done, const MeasureSet& measures,
                            const EvaluationConfig& config, std::size_t run_depth,
                            const Qrels& qrels, const SplitTuning* tuning) {
  const HybridSpec& spec = *planned.hybrid;
  Stopwatch start;
  ModelResult result;
  result.spec = planned.canonical;
  result.label = planned.label;
  result.card.family = "hybrid";
  result.card.architecture = std::string(fusion_method_name(spec.fusion.method));
  HybridRecord record;
  std::vector<TrecRun> runs;
  for (const std::string& label : planned.component_labels) {
    const auto it = std::find_if(done.begin(), done.end(),
                                 [&](const ModelResult& m) { return m.label == label; });
    EMBEVAL_CHECK(it != done.end(), "a hybrid's component is evaluated before it");
    runs.push_back(read_run(it->run_file));
    record.component_labels.push_back(label);
    // The hybrid costs what its components cost: every one of them runs at query time.
    result.timings.load_s += it->timings.load_s;
    result.timings.fit_s += it->timings.fit_s;
    result.timings.encode_documents_s += it->timings.encode_documents_s;
    result.timings.index_s += it->timings.index_s;
    result.timings.encode_queries_s += it->timings.encode_queries_s;
    result.timings.search_s += it->timings.search_s;
    result.index_bytes += it->index_bytes;
    result.peak_rss_bytes = std::max(result.peak_rss_bytes, it->peak_rss_bytes);
  }
  std::vector<const TrecRun*> pointers;
  for (const TrecRun& r : runs) pointers.push_back(&r);
  FusionOptions options = spec.fusion;
  options.top = run_depth;
  TrecRun run;
  if (tuning != nullptr) {
    options.weights = tuning->choice.chosen.weights;
    options.rrf_k = tuning->choice.chosen.rrf_k;
    run = to_trec_run(fuse_runs(pointers, options), planned.label);
    FoldChoice choice = tuning->choice;
    choice.test_queries = qrels.judgments.size();
    record.tuned_measure = tuning->measure;
    record.folds = {choice};
    record.tune_split = tuning->split;
    record.queries_in_both_splits = tuning->queries_in_both_splits;
  } else if (spec.cv_folds != 0) {
    const std::string measure = "ndcg_cut." + std::to_string(std::min<std::size_t>(10, config.k));
    TunedFusion tuned =
        cross_validate_fusion(pointers, qrels, options, spec.cv_folds, measure, planned.label);
    run = std::move(tuned.run);
    record.tuned_measure = measure;
    record.folds = std::move(tuned.folds);
  } else {
    run = to_trec_run(fuse_runs(pointers, options), planned.label);
  }
  record.fusion_s = start.seconds();
  result.timings.search_s += record.fusion_s;
  result.run_file = config.out_dir / "runs" / (planned.label + ".trec");
  write_run(result.run_file, run);
  result.run_checksum = file_fingerprint(result.run_file);
  EvalOptions eval_options;
  eval_options.complete = true;
  result.metrics = evaluate(qrels, run, measures, eval_options);
  result.headline_interval = bootstrap_interval(result.metrics, headline_measure(config.k));
  const double n_docs = static_cast<double>(dataset.corpus.size());
  if (result.timings.encode_documents_s > 0) {
    result.timings.documents_per_s = n_docs / result.timings.encode_documents_s;
  }
  const double query_time = result.timings.encode_queries_s + result.timings.search_s;
  if (query_time > 0) {
    result.timings.queries_per_s = static_cast<double>(dataset.queries.size()) / query_time;
  }
  result.hybrid = std::move(record);
  return result;
}

// The first stage's run re-scored: each query's first `top` documents (in trec_eval's order)
// ordered by the reranker's score, the rest below them in their first-stage order.
ModelResult evaluate_rerank(const Dataset& dataset, const std::vector<std::string>& doc_texts,
                            const PlannedModel& planned, const std::vector<ModelResult>& done,
                            const MeasureSet& measures, const EvaluationConfig& config,
                            const Qrels& qrels) {
  const PlannedModel::Rerank& plan = *planned.rerank;
  const auto first = std::find_if(done.begin(), done.end(), [&](const ModelResult& m) {
    return m.label == plan.first_stage_label;
  });
  EMBEVAL_CHECK(first != done.end(), "a reranked run's first stage is evaluated before it");
  const TrecRun first_run = read_run(first->run_file);
  std::unordered_map<std::string_view, std::size_t> doc_index;
  for (std::size_t i = 0; i < dataset.corpus.size(); ++i)
    doc_index.emplace(dataset.corpus[i].id, i);
  std::unordered_map<std::string_view, std::string_view> query_text;
  for (const auto& q : dataset.queries) query_text.emplace(q.id, q.text);

  ModelResult result;
  result.spec = planned.canonical;
  result.label = planned.label;
  result.card = first->card;
  result.timings = first->timings;
  result.index_bytes = first->index_bytes;
  result.document_lengths = first->document_lengths;
  result.query_lengths = first->query_lengths;
  reset_peak_rss();
  RerankRecord record;
  record.first_stage_label = first->label;
  record.first_stage_spec = first->spec;
  record.reranker_label = plan.reranker_label;
  record.top = plan.top;
  Stopwatch clock;
  const std::unique_ptr<Reranker> reranker =
      make_reranker(plan.reranker, EncoderOptions{config.threads});
  record.load_s = clock.seconds();
  record.reranker_spec = reranker->spec();

  TrecRun run;
  run.tag = planned.label;
  clock.restart();
  Progress progress("rerank " + planned.label, first_run.by_query.size(), "queries",
                    first_run.by_query.size() >= 50);
  std::vector<std::string_view> texts;
  for (const auto& [qid, entries] : first_run.by_query) {
    // trec_eval's order of the first stage: score (as float) descending, then docno descending.
    std::vector<const RunEntry*> order;
    for (const auto& e : entries) order.push_back(&e);
    std::sort(order.begin(), order.end(), [](const RunEntry* a, const RunEntry* b) {
      const float sa = static_cast<float>(a->score);
      const float sb = static_cast<float>(b->score);
      if (sa != sb) return sa > sb;
      return a->docno > b->docno;
    });
    const auto q = query_text.find(qid);
    const std::size_t top = q == query_text.end() ? 0 : std::min(plan.top, order.size());
    texts.clear();
    for (std::size_t i = 0; i < top; ++i) {
      const auto d = doc_index.find(order[i]->docno);
      if (d == doc_index.end()) {
        throw InputError("runs/" + first->label + ".trec names document '" + order[i]->docno +
                             "', which is not in the corpus",
                         first->run_file.string(), 0, "recompute it with --no-resume");
      }
      texts.push_back(doc_texts[d->second]);
    }
    std::vector<float> scores;
    if (top > 0) scores = reranker->score(q->second, texts);
    EMBEVAL_CHECK(scores.size() == top, "a reranker returned one score per document");
    // Re-scored documents by score; those a server left unscored (-inf) join the tail.
    std::vector<std::size_t> ranked(top);
    std::iota(ranked.begin(), ranked.end(), std::size_t{0});
    std::stable_sort(ranked.begin(), ranked.end(),
                     [&](std::size_t a, std::size_t b) { return scores[a] > scores[b]; });
    std::vector<RunEntry>& out = run.by_query[qid];
    double lowest = 0;
    bool any = false;
    for (const std::size_t i : ranked) {
      if (!std::isfinite(scores[i])) continue;
      out.push_back({order[i]->docno, static_cast<double>(scores[i])});
      lowest = any ? std::min(lowest, static_cast<double>(scores[i])) : scores[i];
      any = true;
    }
    // The tail keeps its first-stage order: scores lowest - 1, lowest - 2, ... (whole steps
    // stay distinct as float, which trec_eval compares).
    double next = lowest - 1;
    for (const std::size_t i : ranked) {
      if (std::isfinite(scores[i])) continue;
      out.push_back({order[i]->docno, next});
      next -= 1;
    }
    for (std::size_t i = top; i < order.size(); ++i) {
      out.push_back({order[i]->docno, next});
      next -= 1;
    }
    if (top > 0) ++record.queries;
    progress.add(1);
  }
  record.rerank_s = clock.seconds();
  if (const auto* counted = dynamic_cast<const CountedReranker*>(reranker.get())) {
    const RerankStats stats = counted->stats();
    record.pairs = stats.pairs;
    record.truncated_pairs = stats.truncated_pairs;
    record.requests = stats.requests;
    record.retries = stats.retries;
    record.tokens = stats.tokens;
    record.tokens_source = stats.tokens_source;
    record.cost_usd = stats.cost_usd;
  }
  if (record.rerank_s > 0) {
    record.pairs_per_s = static_cast<double>(record.pairs) / record.rerank_s;
  }
  result.timings.load_s += record.load_s;
  result.timings.rerank_s = record.rerank_s;
  const double query_time =
      result.timings.encode_queries_s + result.timings.search_s + result.timings.rerank_s;
  result.timings.queries_per_s =
      query_time > 0 ? static_cast<double>(dataset.queries.size()) / query_time : 0;
  result.peak_rss_bytes = std::max(first->peak_rss_bytes, peak_rss_bytes());

  result.run_file = config.out_dir / "runs" / (planned.label + ".trec");
  write_run(result.run_file, run);
  result.run_checksum = file_fingerprint(result.run_file);
  EvalOptions options;
  options.complete = true;
  result.metrics = evaluate(qrels, run, measures, options);
  result.headline_interval = bootstrap_interval(result.metrics, headline_measure(config.k));
  result.rerank = std::move(record);
  return result;
}

// Every model's cost under this invocation's flags (cost_model.h), scaled from this corpus.
void add_costs(EvaluationResults& all, const Dataset& dataset,
               const std::vector<std::string>& doc_texts) {
  const CostSettings& settings = all.config.cost;
  std::optional<PriceTable> table;
  if (!settings.price_table.empty()) table = read_price_table(settings.price_table);
  CorpusShape shape;
  shape.documents = dataset.corpus.size();
  shape.queries = dataset.queries.size();
  double bytes = 0;
  for (const std::string& t : doc_texts) bytes += static_cast<double>(t.size());
  shape.mean_document_bytes = doc_texts.empty() ? 0 : bytes / static_cast<double>(doc_texts.size());
  bytes = 0;
  for (const Query& q : dataset.queries) bytes += static_cast<double>(q.text.size());
  shape.mean_query_bytes =
      dataset.queries.empty() ? 0 : bytes / static_cast<double>(dataset.queries.size());
  for (ModelResult& m : all.models) {
    m.cost = model_cost(m, shape, settings, table ? &*table : nullptr);
  }
}

// compare's tests on every pair of the folder's models, in results order, against the qrels the
// runs were scored with, in complete mode like eval's measures (model_comparisons.h).
void add_comparisons(EvaluationResults& all, const Dataset& dataset, const Qrels& scored_qrels) {
  const SignificanceSettings& s = all.config.significance;
  if (!s.enabled || all.models.size() < 2) return;
  if (dataset.queries.size() < 2) {
    note(all.notes, "significance: one judged query cannot be tested; no comparisons");
    return;
  }
  CompareOptions options = s.options;
  options.complete = true;
  options.threads = all.config.threads;
  const std::vector<std::string> measures =
      s.measures.empty() ? significance_measures(all.config.k) : s.measures;
  all.comparisons = compare_models(scored_qrels, all.models, measures, options);
}

}  // namespace

const char* score_level_name(ScoreLevel level) {
  return level == ScoreLevel::kDocument ? "document" : "passage";
}

std::vector<std::string> eval_measures(std::size_t k) {
  EMBEVAL_CHECK(k > 0, "eval_measures: k must be positive");
  const std::string c10 = std::to_string(std::min<std::size_t>(10, k));
  const std::string c100 = std::to_string(std::min<std::size_t>(100, k));
  const std::string both = c10 == c100 ? c10 : c10 + "," + c100;
  return {"ndcg_cut." + both, "recall." + both, "recall_cap." + c100, "mrr_cut." + c10,
          "map_cut." + c100,  "P." + c10,       "recip_rank",         "num_rel_ret"};
}

std::string headline_measure(std::size_t k) {
  return "ndcg_cut_" + std::to_string(std::min<std::size_t>(10, k));
}

EvaluationPlan plan_evaluation(const EvaluationConfig& config) {
  if (config.model_specs.empty()) {
    throw InputError("no model to evaluate", {}, 0, "add --model bm25 (see embeval eval --help)");
  }
  if (config.k == 0) throw InputError("--k must be at least 1");
  if (config.out_dir.empty()) throw InputError("no output folder", {}, 0, "pass --out DIR");
  if (!config.tune_split.empty() && config.tune_split == config.split) {
    throw InputError("--tune-on " + config.tune_split + " is the split being evaluated", {}, 0,
                     "tune on another split of the dataset (e.g. --tune-on dev --split test)");
  }
  EvaluationPlan plan;
  // Every spec is checked (loading no model) before anything else, so a typo in the third model
  // fails in the first second.
  std::vector<PlannedModel> unique;
  std::map<std::string, std::string> first_spec_of;    // canonical -> the spec as first written
  std::map<std::string, std::string> hybrid_label_of;  // canonical hybrid spec -> label
  const auto plan_one = [&](const std::string& text, PlannedModel m) {
    const auto [it, inserted] = first_spec_of.emplace(m.canonical, text);
    if (!inserted) {
      plan.notes.push_back("'" + text + "' is the same model as '" + it->second + "' (" +
                           m.canonical + "): evaluated once");
      return;
    }
    unique.push_back(std::move(m));
  };
  // bge-m3's output=all stands for four models (its outputs and their combined score).
  std::vector<std::string> specs;
  for (const auto& text : config.model_specs) {
    if (is_hybrid_spec(text)) {
      specs.push_back(text);
      continue;
    }
    for (std::string& one : expand_model_spec(ModelSpec::parse(text))) {
      specs.push_back(std::move(one));
    }
  }
  for (const auto& text : specs) {
    PlannedModel m;
    if (is_hybrid_spec(text)) {
      // Components first, as models of their own (their runs are what the hybrid fuses).
      HybridSpec hybrid = HybridSpec::parse(text);
      if (!config.tune_split.empty() && hybrid.tune_split.empty() && hybrid.cv_folds == 0 &&
          hybrid.fusion.weights.empty() && !hybrid.rrf_k_given &&
          fusion_method_uses_weights(hybrid.fusion.method)) {
        hybrid.tune_split = config.tune_split;  // --tune-on: recorded in the spec
      }
      if (!hybrid.tune_split.empty() && hybrid.tune_split == config.split) {
        throw InputError("'" + text + "' would be tuned on split '" + config.split +
                             "', the split it is evaluated on: its scores would be training "
                             "scores",
                         {}, 0,
                         "tune on another split (e.g. --tune-on dev with --split test) or use "
                         "cv=FOLDS");
      }
      // Labelled by the components as written (bm25, not its canonical spec with defaults).
      const std::string label = hybrid_label(hybrid);
      for (std::string& component : hybrid.components) {
        PlannedModel c;
        c.spec = ModelSpec::parse(component);
        c.canonical = check_model_spec(c.spec);
        component = c.canonical;
        if (first_spec_of.count(c.canonical) == 0) {
          plan.notes.push_back("'" + c.canonical + "' is evaluated as a component of '" + text +
                               "'");
        }
        first_spec_of.emplace(c.canonical, c.canonical);
        if (std::none_of(unique.begin(), unique.end(),
                         [&](const PlannedModel& u) { return u.canonical == c.canonical; })) {
          unique.push_back(std::move(c));
        }
      }
      m.canonical = hybrid.to_string();
      hybrid_label_of.emplace(m.canonical, label);
      m.spec.scheme = "hybrid";
      m.spec.path = m.canonical;
      m.hybrid = std::move(hybrid);
      plan_one(text, std::move(m));
      continue;
    }
    m.spec = ModelSpec::parse(text);
    m.canonical = check_model_spec(m.spec);
    const auto [it, inserted] = first_spec_of.emplace(m.canonical, text);
    if (!inserted) {
      plan.notes.push_back("'" + text + "' is the same model as '" + it->second + "' (" +
                           m.canonical + "): evaluated once");
      continue;
    }
    unique.push_back(std::move(m));
  }
  if (!config.tune_split.empty() &&
      std::none_of(unique.begin(), unique.end(), [](const PlannedModel& m) {
        return m.hybrid && !m.hybrid->tune_split.empty();
      })) {
    plan.notes.push_back("--tune-on " + config.tune_split +
                         ": no hybrid to tune (only hybrids without weights, k or cv are tuned)");
  }
  prepare_output_directory(config.out_dir);

  // Labels name files: the same model keeps its label across invocations, and a label an earlier
  // record holds for another model is not taken over (its run file would be overwritten).
  const ExistingLabels existing = existing_labels(config.out_dir);
  std::set<std::string> used;
  for (auto& m : unique) {
    const auto known = existing.label_of_spec.find(m.canonical);
    if (known != existing.label_of_spec.end() && used.count(known->second) == 0) {
      m.label = known->second;
    } else {
      const std::string base = short_label(
          m.spec, plan.notes, m.hybrid ? hybrid_label_of.at(m.canonical) : std::string());
      std::string label = base;
      for (int n = 2; used.count(label) != 0 || existing.spec_of_label.count(label) != 0; ++n) {
        label = base + "-" + std::to_string(n);
      }
      m.label = label;
    }
    check_label(m.label, m.canonical);
    used.insert(m.label);
    plan.models.push_back(std::move(m));
  }
  plan_reranks(config, existing, used, plan);
  for (auto& m : plan.models) {
    if (!m.hybrid) continue;
    for (const std::string& component : m.hybrid->components) {
      const auto it = std::find_if(plan.models.begin(), plan.models.end(),
                                   [&](const PlannedModel& p) { return p.canonical == component; });
      EMBEVAL_CHECK(it != plan.models.end(), "a hybrid's component is planned");
      m.component_labels.push_back(it->label);
    }
  }
  return plan;
}

std::string dataset_fingerprint(const Dataset& dataset) {
  Fnv1a h;
  for (const auto& d : dataset.corpus) {
    h.add(d.id);
    h.add(d.title);
    h.add(d.text);
    if (!d.metadata.empty()) h.add(d.metadata);  // a passage's parent decides document scores
  }
  for (const auto& q : dataset.queries) {
    h.add(q.id);
    h.add(q.text);
  }
  for (const auto& [qid, docs] : dataset.qrels.judgments) {
    std::vector<std::pair<std::string, int>> sorted(docs.begin(), docs.end());
    std::sort(sorted.begin(), sorted.end());
    h.add(qid);
    for (const auto& [docno, rel] : sorted) {
      h.add(docno);
      h.add(std::to_string(rel));
    }
  }
  return h.hex();
}

EvaluationResults run_evaluation(const Dataset& dataset, const fs::path& dataset_path,
                                 const EvaluationConfig& config) {
  const EvaluationPlan plan = plan_evaluation(config);
  if (dataset.queries.empty()) {
    throw InputError("the dataset has no judged queries", dataset_path.string(), 0,
                     "check qrels/<split>.tsv and the --split you asked for");
  }
  if (dataset.corpus.empty()) {
    throw InputError("the corpus has no documents", dataset_path.string(), 0, "check corpus.jsonl");
  }

  EvaluationResults results;
  for (const auto& line : plan.notes) note(results.notes, line);
  results.dataset_name = dataset.name;
  results.dataset_path = records::portable_path(dataset_path, config.out_dir);
  results.dataset_fingerprint = dataset_fingerprint(dataset);
  results.num_documents = dataset.corpus.size();
  results.num_queries = dataset.queries.size();
  results.num_judgments = dataset.qrels.num_judgments();
  results.load_report = dataset.report;
  results.config = config;
  const PassageParents parents = passage_parents(dataset);
  results.num_passages = parents.passages;
  const bool by_document = config.score_at == ScoreLevel::kDocument;
  const Qrels scored_qrels = by_document ? document_qrels(dataset, parents) : dataset.qrels;
  results.num_scored_documents = by_document ? parents.parent_ids.size() : dataset.corpus.size();
  results.num_scored_judgments = scored_qrels.num_judgments();
  if (by_document && parents.passages == 0) {
    note(results.notes,
         "--score-at document on a corpus without passages: every document is its "
         "own only passage (the same numbers as --score-at passage)");
  }
  results.run_depth = std::min(config.k, results.num_scored_documents);
  if (results.run_depth < config.k) {
    note(results.notes, "--k " + std::to_string(config.k) + " is more than the " +
                            std::to_string(results.num_scored_documents) +
                            " documents: each run holds at most " +
                            std::to_string(results.run_depth));
  }
  results.written_by = records::current_environment(config.threads);

  SharedKey shared;
  shared.dataset_fingerprint = results.dataset_fingerprint;
  shared.dataset_files = records::dataset_files_of(dataset_path, config.split);
  shared.k = config.k;
  shared.ignore_identical_ids = config.ignore_identical_ids;
  shared.encode_batch = config.encode_batch;
  shared.score_at = score_level_name(config.score_at);
  for (const auto& f : shared.dataset_files) {
    results.dataset_files.push_back(
        {records::portable_path(dataset_path / f.path, config.out_dir), f.fingerprint});
  }

  const MeasureSet measures = parse_measures(eval_measures(config.k));
  const std::vector<ModelResult> earlier =
      earlier_results(config.out_dir, plan, shared, results.notes);
  const std::vector<std::string> doc_texts = document_texts(dataset.corpus);
  const fs::path results_path = config.out_dir / "results.json";

  const std::map<std::string, SplitTuning> split_tunings =
      tune_on_splits(dataset, dataset_path, config, plan, results.notes);
  std::vector<ModelResult> current;
  for (const PlannedModel& model : plan.models) {
    records::ResultKey key = key_for(model, shared);
    if (model.rerank) {
      // A reranked run depends on the first stage's run as it stands now.
      const auto first = std::find_if(current.begin(), current.end(), [&](const ModelResult& m) {
        return m.label == model.rerank->first_stage_label;
      });
      EMBEVAL_CHECK(first != current.end(), "a reranked run's first stage is evaluated before it");
      key.model_files.insert(key.model_files.begin(), first->model_files.begin(),
                             first->model_files.end());
      key.model_files.push_back({"runs/" + first->label + ".trec", first->run_checksum});
    }
    std::string why;
    std::optional<ModelResult> saved;
    // A hybrid is always fused again: it is cheap, and its components may have been recomputed.
    if (config.resume && !model.hybrid) saved = reusable_result(config.out_dir, model, key, why);
    if (saved && !config.probes.kinds.empty() &&
        !(saved->probes && saved->probes->settings == config.probes)) {
      saved.reset();
      why = "--probes asks for probes its saved result lacks";
    }
    if (saved) {
      std::fprintf(stderr,
                   "%s: reusing saved result models/%s.json (use --no-resume to recompute)\n",
                   model.label.c_str(), model.label.c_str());
      current.push_back(std::move(*saved));
      write_results_json(results_path, assemble(results, current, earlier));
      continue;
    }
    if (!why.empty()) note(results.resume_notes, model.label + ": recomputing: " + why);
    // The old record goes first, and results.json forgets the model, before the run file is
    // replaced: a kill from here on leaves no record that disagrees with the files.
    std::error_code ec;
    fs::remove(config.out_dir / "models" / (model.label + ".json"), ec);
    write_results_json(results_path, assemble(results, current, earlier));

    // A hybrid fuses its components' runs as written (document-level when --score-at document
    // rolled passages up) and is scored against the same qrels as they are.
    ModelResult r =
        model.rerank
            ? evaluate_rerank(dataset, doc_texts, model, current, measures, config, scored_qrels)
        : model.hybrid
            ? evaluate_hybrid(
                  dataset, model, current, measures, config, results.run_depth, scored_qrels,
                  split_tunings.count(model.canonical) != 0 ? &split_tunings.at(model.canonical)
                                                            : nullptr)
            : evaluate_model(dataset, doc_texts, model, measures, config, results.run_depth,
                             by_document ? &parents : nullptr, scored_qrels);
    r.model_files = key.model_files;
    for (auto& f : r.model_files) {
      if (f.path.rfind("runs/", 0) == 0) continue;  // a first stage's run: already relative to OUT
      f.path = records::portable_path(f.path, config.out_dir);
    }
    r.environment = results.written_by;
    if (!config.probes.kinds.empty()) {
      if (!r.probes) {  // a hybrid: no encoder of its own
        ModelProbes skipped;
        skipped.settings = config.probes;
        skipped.model = r.spec;
        for (const auto kind : config.probes.kinds) {
          skipped.skipped.emplace_back(model_probe_name(kind),
                                       "a hybrid fuses its components' runs: see their probes");
        }
        r.probes = std::move(skipped);
      }
      r.probes->dataset_name = results.dataset_name;
      r.probes->split = config.split;
      r.probes->dataset_fingerprint = results.dataset_fingerprint;
      r.probes->dataset_files.clear();
      for (const auto& f : results.dataset_files) {
        r.probes->dataset_files.emplace_back(f.path, f.fingerprint);
      }
    }
    records::write_record(config.out_dir, r, key);
    current.push_back(std::move(r));
    write_results_json(results_path, assemble(results, current, earlier));
  }
  EvaluationResults all = assemble(results, current, earlier);
  add_costs(all, dataset, doc_texts);
  add_comparisons(all, dataset, scored_qrels);
  write_results_json(results_path, all);
  return all;
}

}  // namespace embeval
