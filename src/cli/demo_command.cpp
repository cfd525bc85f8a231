#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/manpages.h"
#include "embeval/decide/recommendation.h"
#include "embeval/models/registry.h"
#include "embeval/pipeline/evaluation.h"
#include "embeval/probe/tokenizer_comparison.h"
#include "embeval/report/results_table.h"

namespace embeval::cli {
namespace {

// The factors of the tokenizers that ship with llama.cpp (fertility, unknown tokens, truncation
// at a 512-token window), measured on the corpus.
void print_tokenizer_comparison(const TokenizerComparison& c) {
  std::printf(
      "\nTokenizers on this corpus (%zu of %zu documents, every %zu-th, cut at 8 KiB; the "
      "vocabularies that ship with llama.cpp, no weights needed):\n",
      c.sampled, c.corpus_documents, c.step);
  std::printf("%-30s  %-9s  %7s  %11s  %7s  %7s  %9s  %5s  %s\n", "tokenizer", "type", "vocab",
              "tokens/word", "unk %", "byte %", "docs>512", "p50", "used by");
  for (const TokenizerComparisonRow& r : c.rows) {
    const TokenizerStats& st = r.stats;
    std::printf("%-30s  %-9s  %7zu  %11.3f  %7.3f  %7.3f  %8.1f%%  %5zu  %s\n",
                r.vocabulary.file.c_str(), r.family.c_str(), r.vocabulary_size, st.fertility(),
                100 * st.unknown_rate(), 100 * st.byte_fallback_rate(),
                100 * st.share_over_context(), st.p50, r.vocabulary.used_by.c_str());
  }
  std::printf(
      "(tokens/word: content tokens per whitespace word; docs>512: share a 512-token model "
      "truncates;\n p50: median tokens per document, special tokens included. embeval inspect "
      "--model "
      "gguf:FILE --dataset DIR\n measures any GGUF, and with weights also speed and memory.)\n");
}

struct DemoOptions {
  std::string man_dir = "/usr/share/man";
  std::vector<std::string> sections = {"1", "8"};
  std::size_t max_pages = 0;
  std::string out = (std::filesystem::temp_directory_path() / "embeval-demo").string();
  std::vector<std::string> models = {"bm25", "bm25?b=0.75&k1=1.2", "bm25?analyzer=standard"};
};

void run(const DemoOptions& o) {
  std::printf(
      "embeval demo: which retrieval model finds the right man page for its one-line "
      "description?\n");
  std::printf("Building the dataset from %s (sections %s)...\n", o.man_dir.c_str(),
              [&] {
                std::string s;
                for (const auto& x : o.sections) s += (s.empty() ? "" : ",") + x;
                return s;
              }()
                  .c_str());
  ManPagesOptions options;
  options.man_dir = o.man_dir;
  options.sections = o.sections;
  options.max_pages = o.max_pages;
  ManPagesReport report;
  std::fflush(stdout);  // keep our lines in order with the progress lines on stderr
  const Dataset dataset = build_manpages_dataset(options, &report);
  const std::filesystem::path out = o.out;
  write_beir(out / "dataset", dataset);
  std::printf(
      "%zu pages parsed in %.1fs (%zu links, %zu .so redirects, %zu duplicates, %zu failed "
      "skipped); %zu queries (%zu with an empty or shared description dropped), %zu SEE "
      "ALSO judgments\n",
      report.parsed, report.seconds, report.skipped_links, report.skipped_so,
      report.skipped_duplicates, report.failed, report.queries,
      report.queries_dropped_empty + report.queries_dropped_ambiguous, report.see_also_judgments);
  if (report.failed > 0)
    std::printf("Skipped pages by reason: %s\n", format_failure_counts(report).c_str());
  std::printf("Dataset written to %s (BEIR layout).\n\n", (out / "dataset").c_str());

  EvaluationConfig config;
  config.model_specs = o.models;
  config.out_dir = out / "results";
  config.resume = false;  // the demo always measures afresh
  std::fflush(stdout);
  const EvaluationResults results = run_evaluation(dataset, out / "dataset", config);
  std::printf("%s", format_results_table(results).c_str());
  if (results.models.size() > 1) {
    std::printf("%s", format_recommendation_line(recommend(results, {})).c_str());
  }
  if (has_encoder_family("gguf")) {
    std::fflush(stdout);
    print_tokenizer_comparison(
        compare_bundled_tokenizers(dataset.corpus, bundled_vocabulary_dir()));
  }
  std::printf(
      "\nQuery: a page's NAME line (\"copy files and directories\"); relevant: that page (grade "
      "2)\n"
      "and the pages its SEE ALSO names (grade 1). Metrics are trec_eval's; runs and results.json\n"
      "are in %s.\nTry: embeval metrics -m ndcg_cut.10 %s %s\n",
      config.out_dir.c_str(), (out / "dataset/qrels/test.tsv").c_str(),
      results.models.front().run_file.c_str());
}

}  // namespace

void add_demo_command(CLI::App& app) {
  auto options = std::make_shared<DemoOptions>();
  CLI::App* cmd = app.add_subcommand(
      "demo", "Build a retrieval dataset from this machine's man pages and evaluate BM25 on it");
  cmd->add_option("--man-dir", options->man_dir, "Root of the man page tree")
      ->capture_default_str();
  cmd->add_option("--sections", options->sections, "Man sections to use")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--max-pages", options->max_pages, "Use at most N pages (0 = all)");
  cmd->add_option("--out", options->out, "Where the dataset, runs and results go")
      ->capture_default_str();
  cmd->add_option("-m,--model", options->models, "Model specs to compare")->capture_default_str();
  cmd->callback([options] { run(*options); });
}

}  // namespace embeval::cli
