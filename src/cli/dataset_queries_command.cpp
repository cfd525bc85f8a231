// embeval dataset queries DIR --from headings [--split NAME] [--out DIR2]
// embeval dataset queries DIR --generator SPEC [--per-passage N] [--passages M] [--prompt FILE]
//                             [--seed S] [--temperature T] [--split NAME] [--out DIR2]
// Queries judged without labelling: known-item queries from titles and headings
// (heading_queries.h, docs/chunking.md) or questions a chat model writes for a sample of
// passages (generated_queries.h, docs/query-generation.md). Writes queries.jsonl,
// qrels/<split>.tsv and the provenance (dataset.json).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/generated_queries.h"
#include "embeval/dataset/heading_queries.h"
#include "embeval/models/generator_registry.h"
#include "embeval/util/atomic_file.h"

namespace embeval::cli {
namespace {

struct QueriesArgs {
  std::string dir;
  std::string from;
  std::string split = "test";
  std::string out;  // empty: DIR itself
  HeadingQueryOptions options;
  bool no_titles = false;
  std::string generator;  // --generator SPEC
  std::string prompt;     // --prompt FILE ("" = the built-in data/prompts/genq.txt)
  GeneratedQueryOptions generated;
};

std::string read_prompt(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  if (!in) {
    throw InputError("cannot read the prompt file", path, 0,
                     "start from data/prompts/genq.txt (docs/query-generation.md)");
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Dataset make_generated(const Dataset& source, const QueriesArgs& args) {
  GeneratedQueryOptions options = args.generated;
  options.split = args.split;
  if (!args.prompt.empty()) {
    options.prompt = read_prompt(args.prompt);
    options.prompt_source = args.prompt;
  }
  // The prompt and options are checked before the model loads (seconds to minutes).
  (void)fill_prompt(options.prompt, "", "x", options.per_passage, options.prompt_source);
  const std::string canonical = check_generator_spec(ModelSpec::parse(args.generator));
  std::fprintf(stderr, "loading %s\n", canonical.c_str());
  const auto generator = make_generator(canonical);
  GeneratedQueryReport report;
  Dataset dataset = generated_queries(source, *generator, options, &report);
  std::printf(
      "generated queries: %zu queries from %zu passages of %zu documents (%zu passages "
      "with text)\n",
      report.queries, report.passages, report.documents, report.candidates_passages);
  GenerationOptions sampling = options.sampling;
  sampling.seed = options.seed;
  std::printf("  generator: %s\n  sampling: %s; prompt %s (sha256 %s)\n", generator->spec().c_str(),
              sampling_label(sampling).c_str(), options.prompt_source.c_str(),
              sha256_hex(options.prompt).c_str());
  std::printf("  lines: %zu parsed, %zu beyond the %zu asked for per passage\n", report.lines,
              report.beyond_n, options.per_passage);
  std::printf(
      "  dropped: %zu empty, %zu preambles, %zu too short (< %zu words), %zu too long "
      "(> %zu words), %zu copying >= %zu words of their passage, %zu duplicates\n",
      report.dropped_empty, report.dropped_preamble, report.dropped_short, options.min_words,
      report.dropped_long, options.max_words, report.dropped_copy, options.copy_ngram_words,
      report.dropped_duplicate);
  std::printf(
      "  tokens: %zu prompt, %zu generated; %zu answers cut at --max-tokens, %zu "
      "passages cut to %zu words\n",
      report.prompt_tokens, report.completion_tokens, report.answers_cut_by_length,
      report.passages_cut, options.max_passage_words);
  return dataset;
}

void run_queries(const QueriesArgs& args) {
  const std::string out = args.out.empty() ? args.dir : args.out;
  validate_split_name(args.split);
  check_dataset_output(out);
  BeirLoadOptions load;
  load.split = args.split;
  load.require_qrels = false;
  const Dataset source = load_beir(args.dir, load);
  const bool generated = !args.generator.empty();
  if (generated == !args.from.empty()) {
    throw InputError("give either --from headings or --generator SPEC", "", 0,
                     "e.g. --generator gguf:qwen2.5-0.5b-instruct.gguf");
  }
  HeadingQueryOptions options = args.options;
  options.split = args.split;
  options.titles = !args.no_titles;
  HeadingQueryReport report;
  const Dataset dataset =
      generated ? make_generated(source, args) : heading_queries(source, options, &report);
  // write_beir replaces the folder as a whole: an import report beside the dataset is kept.
  std::string import_report;
  const std::filesystem::path import_json = std::filesystem::path(out) / "import.json";
  if (std::ifstream in{import_json, std::ios::binary}) {
    std::stringstream text;
    text << in.rdbuf();
    import_report = text.str();
  }
  write_beir(out, dataset, args.split);
  if (!import_report.empty()) write_file_atomic(import_json, import_report);
  if (generated) {
    std::printf("wrote %s (queries.jsonl, qrels/%s.tsv; provenance in dataset.json)\n", out.c_str(),
                args.split.c_str());
    std::printf("caveat: %s\n", std::string(kGeneratedQueryCaveat).c_str());
    return;
  }
  std::printf(
      "queries from headings: %zu queries (%zu from titles) out of %zu titles and "
      "headings in %zu documents\n",
      report.queries, report.from_titles, report.candidates, report.documents);
  std::printf(
      "  skipped: %zu too short (< %zu characters), %zu generic (stop list), %zu "
      "repeated in their document, %zu shared by several documents\n",
      report.skipped_short, options.min_chars, report.skipped_generic, report.skipped_repeated,
      report.skipped_ambiguous);
  std::printf(
      "  judgments: %zu grade 2 (the heading's section), %zu grade 1 (the same "
      "document's other passages)\n",
      report.judgments_grade2, report.judgments_grade1);
  std::printf("wrote %s (queries.jsonl, qrels/%s.tsv; provenance in dataset.json)\n", out.c_str(),
              args.split.c_str());
  std::printf("caveat: %s\n", std::string(kHeadingQueryCaveat).c_str());
}

}  // namespace

void add_dataset_queries_command(CLI::App& dataset) {
  auto args = std::make_shared<QueriesArgs>();
  CLI::App* cmd = dataset.add_subcommand(
      "queries",
      "Make queries and judgments without labelling (--from headings, or --generator SPEC)");
  cmd->add_option("dir", args->dir, "BEIR dataset folder (whole documents or passages)")
      ->required();
  cmd->add_option("--from", args->from,
                  "headings: each title and section heading is a query; its section is "
                  "relevant (grade 2), the same document's other passages grade 1")
      ->check(CLI::IsMember({"headings"}));
  cmd->add_option("--split", args->split, "Name of the qrels split to write")
      ->capture_default_str();
  cmd->add_option("--out", args->out,
                  "Write the dataset with its new queries here (default: replace DIR's queries)");
  cmd->add_option("--min-chars", args->options.min_chars,
                  "Skip headings shorter than this many characters")
      ->capture_default_str();
  cmd->add_flag("--no-titles", args->no_titles, "Use section headings only, not document titles");
  cmd->add_option("--generator", args->generator,
                  "A chat model writes questions for a sample of passages (BEIR's GenQ): "
                  "gguf:CHAT.gguf (docs/query-generation.md)");
  cmd->add_option("--per-passage", args->generated.per_passage,
                  "--generator: questions asked for (and kept at most) per passage")
      ->capture_default_str();
  cmd->add_option("--passages", args->generated.passages,
                  "--generator: passages sampled, stratified by document")
      ->capture_default_str();
  cmd->add_option("--prompt", args->prompt,
                  "--generator: prompt file with {title}, {passage}, {n} (default: the built-in "
                  "data/prompts/genq.txt)");
  cmd->add_option("--seed", args->generated.seed, "--generator: seed of the sample and sampler")
      ->capture_default_str();
  cmd->add_option("--temperature", args->generated.sampling.temperature,
                  "--generator: sampling temperature (0 = greedy)")
      ->capture_default_str();
  cmd->add_option("--top-p", args->generated.sampling.top_p, "--generator: nucleus sampling")
      ->capture_default_str();
  cmd->add_option("--top-k", args->generated.sampling.top_k,
                  "--generator: sample among the k most likely tokens (0 = all)")
      ->capture_default_str();
  cmd->add_option("--max-tokens", args->generated.sampling.max_tokens,
                  "--generator: tokens generated per passage at most")
      ->capture_default_str();
  cmd->add_option("--min-words", args->generated.min_words,
                  "--generator: questions with fewer words are dropped (counted)")
      ->capture_default_str();
  cmd->add_option("--max-words", args->generated.max_words,
                  "--generator: questions with more words are dropped (counted)")
      ->capture_default_str();
  cmd->add_option("--copy-ngram-words", args->generated.copy_ngram_words,
                  "--generator: questions sharing this many consecutive words with their passage "
                  "are dropped (counted; 0 = off)")
      ->capture_default_str();
  cmd->add_option("--max-passage-words", args->generated.max_passage_words,
                  "--generator: longer passages are cut to this many words in the prompt")
      ->capture_default_str();
  cmd->callback([args] { run_queries(*args); });
}

}  // namespace embeval::cli
