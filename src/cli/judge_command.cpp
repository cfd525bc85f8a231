// embeval judge --dataset DIR --run RUN.trec [--run ...] --judge SPEC [--depth K] [--prompt FILE]
//               [--out QRELS] [--seed S] [--max-tokens N] [--temperature T] [--max-doc-bytes N]
// Pools the runs' top-k per query, asks a judge model (a generator spec: openai-chat:..., gguf:...)
// for a graded relevance 0-3 of every pair the dataset does not judge, and writes model-made
// qrels with Hole@10 before and after (relevance_judging.h, docs/judging.md).
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/judging/relevance_judging.h"
#include "embeval/models/generator_registry.h"

namespace embeval::cli {
namespace {

struct JudgeArgs {
  std::string dataset;
  std::string split = "test";
  std::vector<std::string> runs;
  std::string judge;
  std::size_t depth = 10;
  std::string prompt;
  std::string out;
  std::uint32_t seed = 42;
  std::size_t max_tokens = 16;
  double temperature = 0;
  std::size_t max_doc_bytes = 4000;
};

void run(const JudgeArgs& args) {
  JudgeConfig config;
  config.dataset_dir = args.dataset;
  config.split = args.split;
  for (const auto& r : args.runs) config.runs.emplace_back(r);
  config.depth = args.depth;
  config.prompt_file = args.prompt;
  config.out = args.out;
  config.seed = args.seed;
  config.generation.max_tokens = args.max_tokens;
  config.generation.temperature = args.temperature;
  config.max_document_bytes = args.max_doc_bytes;
  const std::unique_ptr<Generator> judge = make_generator(args.judge);
  const JudgeReport report = judge_runs(config, *judge);
  std::fputs(format_judge_report(report).c_str(), stdout);
}

}  // namespace

void add_judge_command(CLI::App& app) {
  auto args = std::make_shared<JudgeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "judge",
      "Pool the top-k of several runs and let a judge model grade the unjudged pairs 0-3: "
      "model-made qrels, Hole@10 before and after (docs/judging.md)");
  cmd->add_option("--dataset", args->dataset, "BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
      ->required();
  cmd->add_option("--split", args->split,
                  "Qrels split already judged: qrels/<split>.tsv (absent: nothing judged yet)")
      ->capture_default_str();
  cmd->add_option("--run", args->runs, "TREC run file to pool; repeat for several")->required();
  cmd->add_option("--judge", args->judge,
                  "Generator spec of the judge: openai-chat:MODEL?base_url=... or gguf:CHAT.gguf")
      ->required();
  cmd->add_option("--depth", args->depth, "Pool each run's top K per query")->capture_default_str();
  cmd->add_option("--prompt", args->prompt,
                  "Prompt file (system --- user with {query} and {document}); default: the "
                  "built-in data/prompts/judge.txt");
  cmd->add_option("--out", args->out,
                  "Model-made qrels file (.tsv); default DIR/qrels/<split>.judged.tsv");
  cmd->add_option("--seed", args->seed, "Base sampling seed (each pair's is derived from it)")
      ->capture_default_str();
  cmd->add_option("--max-tokens", args->max_tokens, "Tokens the judge may answer with")
      ->capture_default_str();
  cmd->add_option("--temperature", args->temperature, "Sampling temperature (0 = greedy)")
      ->capture_default_str();
  cmd->add_option("--max-doc-bytes", args->max_doc_bytes,
                  "Cut each document's text to this many bytes in the prompt (0 = whole)")
      ->capture_default_str();
  cmd->callback([args] { run(*args); });
}

}  // namespace embeval::cli
