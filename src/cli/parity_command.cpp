// embeval parity --model A --model B --dataset DIR [--json OUT] [--max-texts N] [--threads N]
// Two encoders of the same model (f16 vs q8_0, local vs served, before vs after an upgrade) on
// one dataset: per-text cosines, top-10 overlap and the nDCG@10 difference (docs/parity.md).
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/core/error.h"
#include "embeval/pipeline/parity.h"
#include "embeval/report/parity_table.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct ParityArgs {
  std::vector<std::string> models;
  std::string dataset;
  std::string split = "test";
  std::string json;  // empty: no JSON file
  std::size_t max_texts = 0;
  ThreadsFlag threads;
};

void run(const ParityArgs& args) {
  if (args.models.size() != 2) {
    throw InputError(
        "parity compares exactly two models, got " + std::to_string(args.models.size()), "", 0,
        "pass --model A --model B");
  }
  if (!args.json.empty()) {  // before any model runs
    check_output_file(args.json);
    for (const char* input : {"corpus.jsonl", "queries.jsonl"}) {
      refuse_overwriting_input(std::filesystem::path(args.dataset) / input, args.json, "--json");
    }
    refuse_overwriting_input(std::filesystem::path(args.dataset) / "qrels" / (args.split + ".tsv"),
                             args.json, "--json");
  }
  ParityConfig config;
  config.model_a = args.models[0];
  config.model_b = args.models[1];
  config.dataset_dir = args.dataset;
  config.split = args.split;
  config.max_texts = args.max_texts;
  config.threads = args.threads.threads;
  const ParityResult result = run_parity(config);
  std::fputs(format_parity_table(result).c_str(), stdout);
  if (!args.json.empty()) {
    write_file_atomic(args.json, parity_json(result));
    std::printf("wrote %s\n", args.json.c_str());
  }
}

}  // namespace

void add_parity_command(CLI::App& app) {
  auto args = std::make_shared<ParityArgs>();
  CLI::App* cmd = app.add_subcommand(
      "parity",
      "Two encoders of the same model (f16 vs q8_0, local vs served): per-text cosine, top-10 "
      "overlap and the nDCG@10 difference (docs/parity.md)");
  cmd->add_option("--model", args->models, "Model spec; give exactly two (A, then B)")->required();
  cmd->add_option("--dataset", args->dataset, "BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
      ->required();
  cmd->add_option("--split", args->split, "Qrels split: qrels/<split>.tsv")->capture_default_str();
  cmd->add_option("--json", args->json, "Also write the figures as JSON to this file");
  cmd->add_option("--max-texts", args->max_texts,
                  "Use only the first N documents and the first N queries (0 = all)")
      ->capture_default_str();
  args->threads.add_to(cmd, "encoding and search");
  cmd->callback([args] { run(*args); });
}

}  // namespace embeval::cli
