// embeval dataset queries DIR --from headings [--split NAME] [--out DIR2]
// Known-item queries from titles and headings, judged without labelling (heading_queries.h,
// docs/chunking.md): writes queries.jsonl, qrels/<split>.tsv and the provenance (dataset.json).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/heading_queries.h"
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
};

void run_queries(const QueriesArgs& args) {
  const std::string out = args.out.empty() ? args.dir : args.out;
  validate_split_name(args.split);
  check_dataset_output(out);
  BeirLoadOptions load;
  load.split = args.split;
  load.require_qrels = false;
  const Dataset source = load_beir(args.dir, load);
  HeadingQueryOptions options = args.options;
  options.split = args.split;
  options.titles = !args.no_titles;
  HeadingQueryReport report;
  const Dataset dataset = heading_queries(source, options, &report);
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
      "queries", "Make queries and judgments without labelling (--from headings)");
  cmd->add_option("dir", args->dir, "BEIR dataset folder (whole documents or passages)")
      ->required();
  cmd->add_option("--from", args->from,
                  "headings: each title and section heading is a query; its section is "
                  "relevant (grade 2), the same document's other passages grade 1")
      ->required()
      ->check(CLI::IsMember({"headings"}));
  cmd->add_option("--split", args->split, "Name of the qrels split to write")
      ->capture_default_str();
  cmd->add_option("--out", args->out,
                  "Write the dataset with its new queries here (default: replace DIR's queries)");
  cmd->add_option("--min-chars", args->options.min_chars,
                  "Skip headings shorter than this many characters")
      ->capture_default_str();
  cmd->add_flag("--no-titles", args->no_titles, "Use section headings only, not document titles");
  cmd->callback([args] { run_queries(*args); });
}

}  // namespace embeval::cli
