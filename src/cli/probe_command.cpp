// embeval probe alignment --model SPEC --pairs FILE.tsv [--json OUT] [--threads N]
// embeval probe tokenizers [--lang en,de,fr,es,ja] [--vocab-dir D] [--json OUT]
// The `probe` group: measurements of how a model behaves, beyond a retrieval score. Each probe is
// a subcommand that calls one library function (embeval/probe/) and prints its table; --json
// writes the same figures (atomically) for other tools.
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/core/model_spec.h"
#include "embeval/io/bitext_pairs.h"
#include "embeval/models/registry.h"
#include "embeval/probe/alignment.h"
#include "embeval/probe/tokenizer_languages.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct AlignmentArgs {
  std::string model;
  std::string pairs;
  std::string json;  // empty: no JSON file
  ThreadsFlag threads;
};

void run_alignment(const AlignmentArgs& args) {
  if (!args.json.empty()) {  // before the model runs
    check_output_file(args.json);
    refuse_overwriting_input(args.pairs, args.json, "--json");
  }
  const ModelSpec spec = ModelSpec::parse(args.model);
  (void)check_model_spec(spec);  // a bad spec fails before the pairs are read
  const BitextPairs pairs = read_bitext_tsv(args.pairs);
  std::unique_ptr<Encoder> encoder = make_encoder(spec, args.threads.encoder_options());
  const AlignmentScores scores = probe_alignment(*encoder, spec, pairs, args.threads.threads);
  std::fputs(alignment_table(scores, encoder->spec()).c_str(), stdout);
  if (!args.json.empty()) {
    write_file_atomic(args.json, alignment_json(scores));
    std::printf("wrote %s\n", args.json.c_str());
  }
}

void add_alignment(CLI::App* probe) {
  auto args = std::make_shared<AlignmentArgs>();
  CLI::App* cmd = probe->add_subcommand(
      "alignment",
      "How well a model matches texts with their translations: bitext-mining accuracy both "
      "ways, with the cosine and with LASER's margin, and the mean cosine of true vs shuffled "
      "pairs (docs/probes.md)");
  cmd->add_option("--model", args->model, "Model spec, e.g. gguf:multilingual-e5-small.gguf")
      ->required();
  cmd->add_option("--pairs", args->pairs,
                  "Translated pairs, one per line: source<TAB>target (UTF-8, at least 2)")
      ->required();
  cmd->add_option("--json", args->json, "Also write the figures as a JSON object to this file");
  args->threads.add_to(cmd, "encoding and scoring");
  cmd->callback([args] { run_alignment(*args); });
}

struct TokenizersArgs {
  LanguageTokenizerOptions options;
  std::string json;  // empty: no JSON file
};

void run_tokenizers(const TokenizersArgs& args) {
  if (!args.json.empty()) check_output_file(args.json);
  const LanguageTokenizerTable table = measure_tokenizers_by_language(args.options);
  std::fputs(language_tokenizer_table(table).c_str(), stdout);
  if (!args.json.empty()) {
    write_file_atomic(args.json, language_tokenizer_json(table));
    std::printf("wrote %s\n", args.json.c_str());
  }
}

void add_tokenizers(CLI::App* probe) {
  auto args = std::make_shared<TokenizersArgs>();
  CLI::App* cmd = probe->add_subcommand(
      "tokenizers",
      "Every vocabulary shipped with llama.cpp on the man pages of several languages (the same "
      "pages in each): tokens per word, unknown and byte-fallback tokens, share over a context "
      "window (docs/probes.md)");
  cmd->add_option("--lang", args->options.langs,
                  "Languages (en = the untranslated pages; the first is the 'vs' reference)")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--vocab-dir", args->options.vocabulary_dir,
                  "Folder of ggml-vocab-*.gguf files (default: the linked llama.cpp's models/)");
  cmd->add_option("--man-dir", args->options.man_dir, "Man page root")->capture_default_str();
  cmd->add_option("--sections", args->options.sections, "Sections to read")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--window", args->options.window, "Context window for the docs>N column")
      ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
      ->capture_default_str();
  cmd->add_option("--max-bytes", args->options.max_bytes,
                  "Cut each page at this many bytes (0 = whole pages)")
      ->capture_default_str();
  cmd->add_option("--json", args->json, "Also write the figures as a JSON object to this file");
  cmd->callback([args] { run_tokenizers(*args); });
}

}  // namespace

void add_probe_command(CLI::App& app) {
  CLI::App* probe = app.add_subcommand("probe",
                                       "Probe how a model behaves (alignment of translations, "
                                       "robustness to query edits, neighbourhoods, tokenizers "
                                       "across languages)");
  probe->require_subcommand(1);
  add_alignment(probe);
  add_tokenizers(probe);
  add_probe_robustness(probe);
  add_probe_neighbours(probe);
}

}  // namespace embeval::cli
