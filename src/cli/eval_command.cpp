#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/registry_help.h"
#include "cli/threads_flag.h"
#include "embeval/dataset.h"
#include "embeval/evaluation.h"
#include "embeval/model_spec.h"
#include "embeval/registry.h"
#include "embeval/results_table.h"

namespace embeval::cli {
namespace {

struct EvalOptions {
  std::string dataset;
  std::string split = "test";
  std::vector<std::string> models;
  std::string out = "embeval-results";
  std::size_t k = 100;
  bool ignore_identical_ids = false;
  bool no_resume = false;
  bool reject_invalid_utf8 = false;
  std::string cache_dir;  // empty: OUT/cache
  bool no_cache = false;
  ThreadsFlag threads;
};

void print_load_report(const LoadReport& report) {
  for (const auto& w : report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
}

void run(const EvalOptions& o) {
  // A typo in a model spec should fail now, not after the corpus is loaded (no model is loaded).
  for (const auto& spec : o.models) (void)check_model_spec(ModelSpec::parse(spec));
  BeirLoadOptions load;
  load.split = o.split;
  load.utf8 = o.reject_invalid_utf8 ? Utf8Policy::kReject : Utf8Policy::kReplace;
  const Dataset dataset = load_beir(o.dataset, load);
  print_load_report(dataset.report);

  EvaluationConfig config;
  config.model_specs = o.models;
  config.k = o.k;
  config.ignore_identical_ids = o.ignore_identical_ids;
  config.out_dir = o.out;
  config.resume = !o.no_resume;
  config.threads = o.threads.threads;
  if (!o.no_cache) {
    config.cache_dir =
        o.cache_dir.empty() ? config.out_dir / "cache" : std::filesystem::path(o.cache_dir);
  }
  const EvaluationResults results = run_evaluation(dataset, o.dataset, config);
  std::printf("%s", format_results_table(results).c_str());
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
  cmd->add_option("-m,--model", options->models, "Model spec, repeatable. " + model_kinds_help())
      ->required();
  cmd->add_option("--out", options->out, "Output folder (runs/, models/, results.json)")
      ->capture_default_str();
  cmd->add_option("--k", options->k, "Depth of each run")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_flag(
      "--ignore-identical-ids", options->ignore_identical_ids,
      "Drop a retrieved document whose id equals the query id (BEIR's self-retrieval fix)");
  cmd->add_flag("--no-resume", options->no_resume,
                "Recompute every model even if OUT holds a result for the same spec and dataset");
  cmd->add_option("--cache-dir", options->cache_dir,
                  "Embedding cache for transformer models (default OUT/cache): a rerun or an "
                  "interrupted run reuses every embedding already computed");
  cmd->add_flag("--no-cache", options->no_cache, "Do not read or write the embedding cache");
  options->threads.add_to(cmd, "encoding and exact search");
  cmd->add_flag("--reject-invalid-utf8", options->reject_invalid_utf8,
                "Fail on invalid UTF-8 instead of replacing it with U+FFFD (counted)");
  cmd->callback([options] { run(*options); });
}

}  // namespace embeval::cli
