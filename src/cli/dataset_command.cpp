// embeval dataset manpages --out DIR ...   build the man-page dataset (BEIR layout)
// embeval dataset check DIR ...            load a BEIR dataset and report what the loader fixed
// embeval dataset import PATH... --out DIR (dataset_import_command.cpp)
// embeval dataset bitext ...             (dataset_bitext_command.cpp)
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/manpages.h"

namespace embeval::cli {
namespace {

struct ManPagesArgs {
  ManPagesOptions options;
  std::string out;
  std::string split = "test";
};

struct CheckArgs {
  std::string dir;
  std::string split = "test";
  std::string utf8 = "replace";
};

void print_warnings(const LoadReport& report) {
  for (const std::string& warning : report.warnings) {
    std::fprintf(stderr, "embeval: warning: %s\n", warning.c_str());
  }
}

void run_manpages(const ManPagesArgs& args) {
  check_dataset_output(args.out);  // fail now, not after parsing every page
  ManPagesReport report;
  const Dataset dataset = build_manpages_dataset(args.options, &report);
  write_beir(args.out, dataset, args.split);
  for (const std::string& failure : report.failures) {
    std::fprintf(stderr, "embeval: warning: skipped %s\n", failure.c_str());
  }
  std::printf("man pages: %zu directory entries, %zu pages parsed in %.2f s\n", report.files_seen,
              report.parsed, report.seconds);
  std::printf("  skipped: %zu symbolic links, %zu .so redirects, %zu duplicates, %zu unreadable\n",
              report.skipped_links, report.skipped_so, report.skipped_duplicates, report.failed);
  if (report.failed > 0)
    std::printf("  unreadable by reason: %s\n", format_failure_counts(report).c_str());
  std::printf("  documents: %zu (%zu with an empty body, %zu with invalid UTF-8 replaced)\n",
              dataset.corpus.size(), report.empty_bodies, report.invalid_utf8_replaced);
  if (args.options.cross_lang.empty()) {
    std::printf("  queries: %zu (dropped: %zu without a NAME description, %zu ambiguous)\n",
                report.queries, report.queries_dropped_empty, report.queries_dropped_ambiguous);
  } else {
    std::printf(
        "  queries: %zu in %s from %zu pages (dropped: %zu without a page in %s, %zu without a "
        "NAME "
        "description, %zu untranslated, %zu ambiguous)\n",
        report.queries, args.options.lang.c_str(), report.query_pages,
        report.queries_dropped_no_document, args.options.cross_lang.c_str(),
        report.queries_dropped_empty, report.queries_dropped_untranslated,
        report.queries_dropped_ambiguous);
  }
  std::printf("  judgments: %zu self (rel 2) + %zu from SEE ALSO (rel 1)\n", report.queries,
              report.see_also_judgments);
  std::printf("wrote %s (corpus.jsonl, queries.jsonl, qrels/%s.tsv)\n", args.out.c_str(),
              args.split.c_str());
}

void run_check(const CheckArgs& args) {
  BeirLoadOptions options;
  options.split = args.split;
  options.utf8 = args.utf8 == "reject" ? Utf8Policy::kReject : Utf8Policy::kReplace;
  const Dataset dataset = load_beir(args.dir, options);
  print_warnings(dataset.report);
  std::size_t judgments = 0;
  for (const auto& [qid, docs] : dataset.qrels.judgments) judgments += docs.size();
  std::printf("%s: %zu documents, %zu queries with judgments, %zu judgments (split %s)\n",
              dataset.name.c_str(), dataset.corpus.size(), dataset.queries.size(), judgments,
              args.split.c_str());
}

}  // namespace

void add_dataset_command(CLI::App& app) {
  CLI::App* dataset = app.add_subcommand("dataset", "Build or check retrieval datasets");
  dataset->require_subcommand(1);
  add_dataset_chunk_command(*dataset);
  add_dataset_queries_command(*dataset);

  auto man = std::make_shared<ManPagesArgs>();
  CLI::App* manpages = dataset->add_subcommand(
      "manpages",
      "Build a BEIR dataset from installed man pages: query = NAME description, "
      "document = page body; SEE ALSO pages are graded relevant");
  manpages->add_option("--out", man->out, "Output directory (BEIR layout)")->required();
  manpages->add_option("--man-dir", man->options.man_dir, "Man page root")->capture_default_str();
  manpages->add_option("--sections", man->options.sections, "Sections to read, e.g. 1,8")
      ->delimiter(',')
      ->capture_default_str();
  manpages->add_option("--lang", man->options.lang, "Language: en, or a subdirectory such as de")
      ->capture_default_str();
  manpages->add_option("--cross", man->options.cross_lang,
                       "Cross-language: documents in this language (e.g. en), queries in --lang");
  manpages
      ->add_option("--max-pages", man->options.max_pages,
                   "Keep only the first N pages by id (0 = all)")
      ->capture_default_str();
  manpages->add_option("--threads", man->options.threads, "Parsing threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  manpages->add_option("--split", man->split, "Name of the qrels split to write")
      ->capture_default_str();
  manpages->callback([man] { run_manpages(*man); });

  auto check = std::make_shared<CheckArgs>();
  CLI::App* check_cmd =
      dataset->add_subcommand("check", "Load a BEIR dataset and report what the loader fixed");
  check_cmd->add_option("dir", check->dir, "Dataset directory")->required();
  check_cmd->add_option("--split", check->split, "qrels split")->capture_default_str();
  check_cmd->add_option("--utf8", check->utf8, "Invalid UTF-8: replace (with U+FFFD) or reject")
      ->check(CLI::IsMember({"replace", "reject"}))
      ->capture_default_str();
  check_cmd->callback([check] { run_check(*check); });

  add_dataset_import_subcommand(*dataset);
  add_dataset_bitext_command(dataset);
}

}  // namespace embeval::cli
