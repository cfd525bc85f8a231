// embeval ann --dataset DIR --model SPEC [--index hnsw,ivf_flat,...] [--sweep] --out OUTDIR
// How ANN indexes, storage precision and truncated dimensions change one model's retrieval:
// prints the report (embeval/ann_table.h) and writes OUTDIR/ann.json (docs/ann.md).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/registry_help.h"
#include "cli/threads_flag.h"
#include "embeval/ann/index_registry.h"
#include "embeval/dataset/dataset.h"
#include "embeval/fusion/hybrid_spec.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/ann_evaluation.h"
#include "embeval/report/ann_table.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct AnnArgs {
  std::string dataset;
  std::string split = "test";
  std::string model;
  std::vector<std::string> indexes;
  bool sweep = false;
  double recall_target = 0.95;
  ThreadsFlag threads{1};  // 1: latencies comparable between machines and runs
  std::size_t latency_queries = 1000;
  std::vector<std::size_t> truncation;
  bool no_truncation = false;
  bool no_precision = false;
  std::size_t rescore = 10;
  std::string metric = "ip";
  std::string out = "embeval-ann";
  std::string cache_dir;  // empty: OUT/cache
  bool no_cache = false;
};

std::string index_option_help() {
  std::string defaults;
  for (const auto& spec : default_ann_index_specs())
    defaults += (defaults.empty() ? "" : ",") + spec;
  std::string out = "Index spec(s), comma-separated or repeated (default: " + defaults +
                    "; adapted to small corpora with a note). ";
  return out + cli::index_kinds_help();
}

void run(const AnnArgs& a) {
  AnnConfig config;
  config.model_spec = a.model;
  config.index_specs = a.indexes.empty() ? default_ann_index_specs() : a.indexes;
  config.index_specs_are_default = a.indexes.empty();
  config.sweep = a.sweep;
  config.recall_target = a.recall_target;
  config.threads = static_cast<int>(a.threads.resolved());
  config.latency_queries = a.latency_queries;
  config.truncation = a.truncation;
  config.precision = !a.no_precision;
  config.binary_rescore = a.rescore;
  config.metric = parse_metric(a.metric);
  config.out_dir = a.out;
  config.skip_truncation = a.no_truncation;
  // Bad specs fail before the corpus is read.
  // A hybrid's components are checked here; whether ann can measure it (refuse_hybrid_in_ann)
  // needs their model cards, read before any encoding.
  if (is_hybrid_spec(config.model_spec)) {
    for (const auto& c : HybridSpec::parse(config.model_spec).components) {
      (void)check_model_spec(ModelSpec::parse(c));
    }
  } else {
    (void)check_model_spec(ModelSpec::parse(config.model_spec));
  }
  prepare_output_directory(config.out_dir);  // a read-only or non-folder --out fails now
  if (!a.no_cache && !a.cache_dir.empty()) prepare_output_directory(a.cache_dir);
  if (!a.no_cache) {
    config.cache_dir =
        a.cache_dir.empty() ? config.out_dir / "cache" : std::filesystem::path(a.cache_dir);
  }
  for (const auto& spec : config.index_specs) (void)canonical_index_spec(spec);

  BeirLoadOptions load;
  load.split = a.split;
  const Dataset dataset = load_beir(a.dataset, load);
  for (const auto& w : dataset.report.warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  const AnnResults results = run_ann_evaluation(dataset, config);
  std::printf("%s", format_ann_report(results).c_str());
  std::printf("results: %s\n", (config.out_dir / "ann.json").c_str());
}

}  // namespace

void add_ann_command(CLI::App& app) {
  auto a = std::make_shared<AnnArgs>();
  CLI::App* cmd = app.add_subcommand(
      "ann",
      "Vector-index compatibility: ANN recall vs exact, nDCG@10 change, QPS, latency, bytes; "
      "truncated dimensions; storage precision; sparse posting statistics");
  cmd->add_option("--dataset", a->dataset, "BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--split", a->split, "qrels split: qrels/<split>.tsv")->capture_default_str();
  cmd->add_option("-m,--model", a->model, "Model spec. " + model_kinds_help())->required();
  cmd->add_option("--index", a->indexes, index_option_help())->delimiter(',');
  cmd->add_flag("--sweep", a->sweep,
                "Try every efSearch / nprobe value; print the Pareto frontier and the cheapest "
                "settings reaching --recall-target");
  cmd->add_option("--recall-target", a->recall_target, "recall@10 the sweep summary asks for")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  a->threads.add_to(cmd, "encoding, FAISS and exact search");
  cmd->add_option("--latency-queries", a->latency_queries,
                  "Queries searched one at a time for the latency percentiles")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  cmd->add_option("--truncate", a->truncation,
                  "Dimensions to truncate to, comma-separated (default 32, 64, 128, ... and full)")
      ->delimiter(',');
  cmd->add_flag("--no-truncation", a->no_truncation, "Skip the truncated-dimension rows");
  cmd->add_flag("--no-precision", a->no_precision, "Skip the storage-precision rows");
  cmd->add_option("--rescore", a->rescore,
                  "binary+rescore row: re-rank R*k Hamming candidates in float32")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  cmd->add_option("--metric", a->metric, "ip (inner product), cos (cosine), l2 (-squared L2)")
      ->check(CLI::IsMember({"ip", "cos", "l2"}))
      ->capture_default_str();
  cmd->add_option("--out", a->out, "Output folder (ann.json)")->capture_default_str();
  cmd->add_option("--cache-dir", a->cache_dir,
                  "Embedding cache for transformer models (default OUT/cache; give eval's to "
                  "reuse its embeddings)");
  cmd->add_flag("--no-cache", a->no_cache, "Do not read or write the embedding cache");
  cmd->callback([a] { run(*a); });
}

}  // namespace embeval::cli
