#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/decision_flags.h"
#include "cli/registry_help.h"
#include "cli/threads_flag.h"
#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"
#include "embeval/dataset/dataset.h"
#include "embeval/decide/recommendation.h"
#include "embeval/models/registry.h"
#include "embeval/models/reranker_registry.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/report/probes_table.h"
#include "embeval/report/results_table.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct EvalOptions {
  std::string dataset;
  std::string split = "test";
  std::string tune_on;  // --tune-on SPLIT: "" = off
  std::vector<std::string> models;
  std::string out = "embeval-results";
  std::string k = "100";  // parsed by parse_depth(): CLI11 would wrap "-1" or overflow silently
  bool ignore_identical_ids = false;
  bool no_resume = false;
  bool reject_invalid_utf8 = false;
  std::string cache_dir;  // empty: OUT/cache
  bool no_cache = false;
  std::string score_at = "passage";
  std::vector<std::string> rerank;
  ThreadsFlag threads;
  SignificanceFlags significance;
  CostFlags cost;
  std::string probes;  // --probes [LIST]: "" with the flag alone = all
  bool probes_given = false;
  std::vector<std::string> probe_families;
  std::uint64_t probe_seed = 42;
  double probe_rate = 0.2;
  std::size_t probe_sample = 1000;
};

void print_load_report(const LoadReport& report) {
  for (const auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
}

// --k: a whole number >= 1 (capped at the corpus size later). Anything else is an InputError.
std::size_t parse_depth(const std::string& text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec == std::errc::result_out_of_range) {
    throw InputError("--k " + text + " is too large", {}, 0,
                     "runs are never deeper than the corpus: --k 1000 is plenty");
  }
  if (ec != std::errc() || ptr != end || text.empty()) {
    throw InputError("--k must be a whole number, not '" + text + "'", {}, 0, "e.g. --k 100");
  }
  if (value <= 0) {
    throw InputError("--k must be at least 1, not " + text, {}, 0, "e.g. --k 100");
  }
  return static_cast<std::size_t>(value);
}

void run(const EvalOptions& o) {
  EvaluationConfig config;
  config.model_specs = o.models;
  config.rerank_specs = o.rerank;
  config.k = parse_depth(o.k);
  config.ignore_identical_ids = o.ignore_identical_ids;
  config.out_dir = o.out;
  config.resume = !o.no_resume;
  config.split = o.split;
  config.tune_split = o.tune_on;
  config.threads = o.threads.threads;
  config.score_at = o.score_at == "document" ? ScoreLevel::kDocument : ScoreLevel::kPassage;
  config.significance = o.significance.settings();
  config.cost = o.cost.settings();
  if (!o.no_cache) {
    config.cache_dir =
        o.cache_dir.empty() ? config.out_dir / "cache" : std::filesystem::path(o.cache_dir);
  }
  if (o.probes_given) {
    config.probes.kinds = parse_model_probes(o.probes);
    if (!o.probe_families.empty()) {
      config.probes.families.clear();
      for (const auto& f : o.probe_families) {
        config.probes.families.push_back(parse_perturbation_family(f));
      }
    }
    if (!(o.probe_rate > 0 && o.probe_rate <= 1)) {
      throw InputError("--probe-rate must be in (0, 1], got " + std::to_string(o.probe_rate), "", 0,
                       "the share of eligible query words each perturbation edits, e.g. 0.2");
    }
    config.probes.seed = o.probe_seed;
    config.probes.rate = o.probe_rate;
    config.probes.sample = o.probe_sample;
  }
  // Everything that can fail without the dataset fails now, before the corpus is loaded: a typo
  // in a spec (no model is loaded), a label that cannot name a file, an unwritable --out.
  (void)plan_evaluation(config);
  if (!o.no_cache && !o.cache_dir.empty()) prepare_output_directory(o.cache_dir);
  BeirLoadOptions load;
  load.split = o.split;
  load.utf8 = o.reject_invalid_utf8 ? Utf8Policy::kReject : Utf8Policy::kReplace;
  const Dataset dataset = load_beir(o.dataset, load);
  print_load_report(dataset.report);

  const EvaluationResults results = run_evaluation(dataset, o.dataset, config);
  if (config.score_at == ScoreLevel::kDocument) {
    std::printf(
        "scored at document level: %zu documents, each by its best passage (%zu "
        "passages), %zu judgments\n",
        results.num_scored_documents, results.num_passages, results.num_scored_judgments);
  } else if (results.num_passages > 0) {
    std::printf(
        "scored at passage level: %zu passages, %zu judgments (--score-at document "
        "ranks their documents)\n",
        results.num_scored_documents, results.num_scored_judgments);
  }
  std::printf("%s", format_results_table(results).c_str());
  for (const ModelResult& m : results.models) {
    if (m.vocabulary) std::printf("%s", format_vocabulary_coverage(m.label, *m.vocabulary).c_str());
  }
  if (results.models.size() > 1) {
    std::printf("%s", format_recommendation_line(recommend(results, {})).c_str());
  }
  std::printf("%s", format_probes_table(results).c_str());
  std::printf("results: %s  runs: %s\n", (config.out_dir / "results.json").c_str(),
              (config.out_dir / "runs").c_str());
}

}  // namespace

void add_eval_command(CLI::App& app) {
  auto options = std::make_shared<EvalOptions>();
  CLI::App* cmd = app.add_subcommand(
      "eval", "Evaluate models on a BEIR dataset: runs, trec_eval metrics, timings, results.json");
  cmd->add_option("--dataset", options->dataset,
                  "BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--split", options->split, "qrels split: qrels/<split>.tsv")
      ->capture_default_str();
  cmd->add_option("--tune-on", options->tune_on,
                  "Tune hybrids that fix no weights, k or cv on qrels/<SPLIT>.tsv (their "
                  "components run on SPLIT's queries in OUT/tune-SPLIT/), then evaluate on --split "
                  "(docs/fusion.md)");
  cmd->add_option("-m,--model", options->models,
                  "Model spec, repeatable. " + model_kinds_help() +
                      "\n  hybrid:METHOD(SPEC,SPEC,...): the components' runs fused (rrf, wsum, "
                      "combsum, combmnz, dbsf-mteb, dbsf-qdrant, rsf) [k=60 norm=minmax "
                      "weights=W,W depth=0 cv=FOLDS tune=SPLIT] (docs/fusion.md)")
      ->required();
  cmd->add_option("--rerank", options->rerank,
                  "Reranker spec, repeatable: re-scores the top `top` documents of every model's "
                  "run, one more row each (\"MODEL -> RERANKER\"). " +
                      reranker_kinds_help() + " (docs/reranking.md)");
  cmd->add_option("--out", options->out, "Output folder (runs/, models/, results.json)")
      ->capture_default_str();
  cmd->add_option("--k", options->k,
                  "Depth of each run (capped at the corpus size); cutoffs above it are lowered")
      ->capture_default_str();
  cmd->add_flag(
      "--ignore-identical-ids", options->ignore_identical_ids,
      "Drop a retrieved document whose id equals the query id (BEIR's self-retrieval fix)");
  cmd->add_flag("--no-resume", options->no_resume,
                "Recompute every model even if OUT holds a result computed from the same spec, "
                "model files, dataset and settings");
  cmd->add_option("--cache-dir", options->cache_dir,
                  "Embedding cache for transformer models (default OUT/cache): a rerun or an "
                  "interrupted run reuses every embedding already computed");
  cmd->add_flag("--no-cache", options->no_cache, "Do not read or write the embedding cache");
  cmd->add_option("--score-at", options->score_at,
                  "passage: rank the corpus records as they are; document: rank the documents "
                  "that passages belong to (metadata \"parent\", `embeval dataset chunk`), each "
                  "by its best passage, judged at document level")
      ->check(CLI::IsMember({"passage", "document"}))
      ->capture_default_str();
  options->threads.add_to(cmd, "encoding and exact search");
  options->significance.add_to(cmd);
  options->cost.add_to(cmd);
  cmd->add_flag("--reject-invalid-utf8", options->reject_invalid_utf8,
                "Fail on invalid UTF-8 instead of replacing it with U+FFFD (counted)");
  cmd->add_option("--probes", options->probes,
                  "Also run the cheap probes on each model, next to its run: robustness (the "
                  "eval queries perturbed), tokens (tokenizer factors), hubness (k-NN graph of a "
                  "document sample); a comma-separated LIST, or all when given alone "
                  "(docs/probes.md, eval --probes)")
      ->expected(0, 1);
  cmd->add_option("--probe-family", options->probe_families,
                  "Perturbation family for --probes robustness, repeatable (default typo, "
                  "casing, swap): typo casing punctuation determiner swap synonym unicode "
                  "whitespace");
  cmd->add_option("--probe-seed", options->probe_seed, "Seed of the probes' perturbations")
      ->capture_default_str();
  cmd->add_option("--probe-rate", options->probe_rate,
                  "Share of eligible query words each perturbation edits")
      ->capture_default_str();
  cmd->add_option("--probe-sample", options->probe_sample,
                  "Documents sampled for the tokens and hubness probes")
      ->capture_default_str();
  cmd->callback([options, cmd] {
    options->probes_given = cmd->count("--probes") > 0;
    run(*options);
  });
}

}  // namespace embeval::cli
