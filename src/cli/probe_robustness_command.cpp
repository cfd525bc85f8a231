// embeval probe robustness --model SPEC --dataset DIR [--family F]... [--rate R] [--seed S]
//                          [--json OUT] [--split S] [--wordnet DIR] [--threads N]
// Registered by the `probe` group (probe_command.cpp): perturb the dataset's queries family by
// family and print how retrieval changes (embeval/probe/robustness.h, docs/probes.md).
#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"
#include "embeval/dataset/dataset.h"
#include "embeval/models/registry.h"
#include "embeval/probe/robustness.h"
#include "embeval/text/wordnet.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct RobustnessArgs {
  std::string model;
  std::string dataset;
  std::string split = "test";
  std::vector<std::string> families;  // empty: all
  double rate = 0.2;
  std::uint64_t seed = 42;
  std::string json;  // empty: no JSON file
  std::string wordnet = WordNet::default_folder().string();
  ThreadsFlag threads;
};

void run_robustness(const RobustnessArgs& args) {
  RobustnessConfig config;
  for (const auto& name : args.families) config.families.push_back(parse_perturbation_family(name));
  config.rate = args.rate;
  config.seed = args.seed;
  config.threads = args.threads.threads;
  config.dataset_dir = args.dataset;
  config.split = args.split;
  config.wordnet_folder = args.wordnet;
  if (!(config.rate > 0 && config.rate <= 1)) {
    throw InputError("--rate must be in (0, 1], got " + std::to_string(config.rate), "", 0,
                     "the share of eligible words each query has edited, e.g. --rate 0.2");
  }
  if (!args.json.empty()) {  // before the model runs
    check_output_file(args.json);
  }
  const ModelSpec spec = ModelSpec::parse(args.model);
  (void)check_model_spec(spec);  // a bad spec fails before the dataset is read
  const bool needs_wordnet =
      config.families.empty() || std::find(config.families.begin(), config.families.end(),
                                           PerturbationFamily::synonym) != config.families.end();
  std::optional<WordNet> wordnet;
  if (needs_wordnet) wordnet = WordNet::load(args.wordnet);
  BeirLoadOptions load;
  load.split = args.split;
  const Dataset dataset = load_beir(args.dataset, load);
  std::unique_ptr<Encoder> encoder = make_encoder(spec, args.threads.encoder_options());
  const RobustnessReport report =
      probe_robustness(*encoder, dataset, config, wordnet ? &*wordnet : nullptr);
  std::fputs(robustness_table(report).c_str(), stdout);
  if (!args.json.empty()) {
    write_file_atomic(args.json, robustness_json(report));
    std::printf("wrote %s\n", args.json.c_str());
  }
}

}  // namespace

void add_probe_robustness(CLI::App* probe) {
  auto args = std::make_shared<RobustnessArgs>();
  CLI::App* cmd = probe->add_subcommand(
      "robustness",
      "How retrieval changes when the queries carry small edits (typos, casing, punctuation, "
      "determiners, word order, synonyms, Unicode look-alikes, white space): query-vector "
      "cosine, top-10 overlap, nDCG@10 before and after with a paired interval, Robustness@10 "
      "(docs/probes.md)");
  cmd->add_option("--model", args->model, "Model spec, e.g. bm25 or gguf:bge-small.gguf")
      ->required();
  cmd->add_option("--dataset", args->dataset, "BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd->add_option("--split", args->split, "qrels split: qrels/<split>.tsv")->capture_default_str();
  cmd->add_option("--family", args->families,
                  "Perturbation family, repeatable (default: all): typo, casing, punctuation, "
                  "determiner, swap, synonym, unicode, whitespace");
  cmd->add_option("--rate", args->rate,
                  "Share of each query's eligible words that are edited, in (0, 1] (at least one "
                  "word per query that has one)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the perturbations and of the bootstrap interval")
      ->capture_default_str();
  cmd->add_option("--json", args->json, "Also write the figures as a JSON object to this file");
  cmd->add_option("--wordnet", args->wordnet,
                  "WordNet 3.0 database folder, for the synonym family (Debian's wordnet-base)")
      ->capture_default_str();
  args->threads.add_to(cmd, "encoding and search");
  cmd->callback([args] { run_robustness(*args); });
}

}  // namespace embeval::cli
