// embeval probe neighbours --model SPEC (--words FILE | --lexicon wordnet) [--k 10]
//     [--compare SPEC2 | --quantize int8|binary|dims=N] [--sample N] [--seed S] [--json OUT]
// Each word's nearest neighbours in the model's space, their share related in WordNet, hubness,
// and the Jaccard@k overlap with a second model or a compressed copy (docs/probes.md).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"
#include "embeval/models/registry.h"
#include "embeval/probe/neighbours_report.h"
#include "embeval/probe/word_list.h"
#include "embeval/probe/wordnet_relation.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct NeighboursArgs {
  std::string model;
  std::string words;    // a word file, or empty
  std::string lexicon;  // "wordnet" or empty
  std::string wordnet_dir = "/usr/share/wordnet";
  std::size_t distance = 1;
  std::size_t k = 10;
  std::size_t sample = 0;  // 0: every word of a file, 1000 of a lexicon
  std::uint64_t seed = 42;
  std::string compare;
  std::string quantize;
  std::string candidates = "vocabulary";
  std::string json;
  ThreadsFlag threads;
};

constexpr std::size_t kDefaultLexiconSample = 1000;

void run_neighbours(const NeighboursArgs& args) {
  if (args.words.empty() == args.lexicon.empty()) {
    throw InputError("give exactly one of --words FILE and --lexicon wordnet", "", 0,
                     "e.g. --lexicon wordnet --sample 1000");
  }
  if (!args.compare.empty() && !args.quantize.empty()) {
    throw InputError("--compare and --quantize are alternatives", "", 0,
                     "compare with another model or with a compressed copy, one per run");
  }
  if (!args.json.empty()) {
    check_output_file(args.json);
    if (!args.words.empty()) refuse_overwriting_input(args.words, args.json, "--json");
  }
  NeighbourProbeOptions options;
  options.k = args.k;
  options.threads = static_cast<int>(args.threads.resolved());
  options.vocabulary = args.candidates == "vocabulary";
  if (!args.quantize.empty()) options.transform = parse_space_transform(args.quantize);
  const ModelSpec spec = ModelSpec::parse(args.model);
  (void)check_model_spec(spec);
  std::optional<ModelSpec> compare_spec;
  if (!args.compare.empty()) {
    compare_spec = ModelSpec::parse(args.compare);
    (void)check_model_spec(*compare_spec);
  }

  std::unique_ptr<WordRelation> relation = open_wordnet_relation(args.wordnet_dir, args.distance);
  WordList words;
  std::size_t sample = args.sample;
  if (!args.words.empty()) {
    words = read_word_list(args.words);
  } else {
    words = wordnet_word_list(args.wordnet_dir);
    if (sample == 0) sample = kDefaultLexiconSample;
  }
  words = sample_word_list(std::move(words), sample, args.seed);

  const NeighbourRun run = run_neighbour_probe(spec, words, relation.get(), options, compare_spec,
                                               args.threads.encoder_options());
  std::fputs(neighbours_table(run.report, words, run.comparison).c_str(), stdout);
  if (!args.json.empty()) {
    write_file_atomic(args.json, neighbours_json(run.report, words, run.comparison));
    std::printf("wrote %s\n", args.json.c_str());
  }
}

}  // namespace

void add_probe_neighbours(CLI::App* probe) {
  auto args = std::make_shared<NeighboursArgs>();
  CLI::App* cmd = probe->add_subcommand(
      "neighbours",
      "Each word's k nearest neighbours in a model's space: the share WordNet relates to the "
      "word, hubness, and Jaccard@k against another model or a quantised copy (docs/probes.md)");
  cmd->add_option("--model", args->model, "Model spec, e.g. static:vectors.json or bm25")
      ->required();
  cmd->add_option("--words", args->words, "Words to probe, one per line ('#' comments)");
  cmd->add_option("--lexicon", args->lexicon, "Probe words drawn from a lexicon")
      ->check(CLI::IsMember({"wordnet"}));
  cmd->add_option("--wordnet-dir", args->wordnet_dir,
                  "WordNet's database files (Debian wordnet-base)")
      ->capture_default_str();
  cmd->add_option("--distance", args->distance,
                  "Relation steps in WordNet that still count as related")
      ->check(CLI::Range(std::size_t{1}, std::size_t{4}))
      ->capture_default_str();
  cmd->add_option("--k", args->k, "Neighbours per word")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1000}))
      ->capture_default_str();
  cmd->add_option("--sample", args->sample,
                  "Probe N words drawn with --seed (0: every word of --words, 1000 of a lexicon)");
  cmd->add_option("--seed", args->seed, "Seed of the word sample")->capture_default_str();
  cmd->add_option("--compare", args->compare,
                  "A second model: Jaccard@k of the two neighbourhoods");
  cmd->add_option("--quantize", args->quantize,
                  "Jaccard@k against the same space as int8, binary or dims=N (first N dims)");
  cmd->add_option("--candidates", args->candidates,
                  "Static models: search the whole vocabulary, or only the probed words (as "
                  "other models do)")
      ->check(CLI::IsMember({"vocabulary", "words"}))
      ->capture_default_str();
  cmd->add_option("--json", args->json, "Also write the figures as a JSON object to this file");
  args->threads.add_to(cmd, "encoding and search");
  cmd->callback([args] { run_neighbours(*args); });
}

}  // namespace embeval::cli
