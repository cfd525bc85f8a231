#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/dataset.h"
#include "embeval/evaluation.h"
#include "embeval/manpages.h"
#include "embeval/results_table.h"

namespace embeval::cli {
namespace {

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
  std::printf("Dataset written to %s (BEIR layout).\n\n", (out / "dataset").c_str());

  EvaluationConfig config;
  config.model_specs = o.models;
  config.out_dir = out / "results";
  config.resume = false;  // the demo always measures afresh
  std::fflush(stdout);
  const EvaluationResults results = run_evaluation(dataset, out / "dataset", config);
  std::printf("%s", format_results_table(results).c_str());
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
