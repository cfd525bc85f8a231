// embeval report: results folders -> one self-contained HTML page (and optionally Markdown
// tables), docs/report.md. Parses, calls gather_report(), renders, writes atomically.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "embeval/core/error.h"
#include "embeval/report/chart_library.h"
#include "embeval/report/html_report.h"
#include "embeval/report/markdown_report.h"
#include "embeval/report/report_gather.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/human_units.h"

namespace embeval::cli {
namespace {

struct ReportFlags {
  std::vector<std::string> folders;
  std::string out;
  std::string markdown;
  std::string title;
  std::string vega_dir;
  std::vector<std::string> compare;
  int examples = 5;
};

void run(const ReportFlags& f) {
  if (!f.compare.empty() && f.compare.size() != 2) {
    throw InputError("--compare takes two model labels", {}, 0, "--compare bm25 gguf-bge");
  }
  if (f.examples < 0) throw InputError("--examples must be 0 or more", {}, 0, "--examples 5");
  check_output_file(f.out);
  if (!f.markdown.empty()) check_output_file(f.markdown);
  // The libraries first: a missing setup fails before any folder is read.
  const ChartLibrary library = load_chart_library(
      f.vega_dir.empty() ? default_chart_library_dir() : std::filesystem::path(f.vega_dir));
  ReportOptions options;
  for (const std::string& folder : f.folders) options.folders.emplace_back(folder);
  options.title = f.title;
  if (f.compare.size() == 2) options.compare_a = f.compare[0], options.compare_b = f.compare[1];
  options.examples = f.examples;
  const ReportDocument document = gather_report(options);
  const std::string html = render_html_report(document, library);
  write_file_atomic(f.out, html);
  std::size_t charts = 0;
  for (const ReportSection& s : document.sections) charts += s.charts.size();
  std::printf("wrote %s: %zu sections, %zu charts, %s (%s inlined; no network needed)\n",
              f.out.c_str(), document.sections.size(), charts,
              human_bytes(static_cast<double>(html.size())).c_str(), library.versions.c_str());
  if (!f.markdown.empty()) {
    write_file_atomic(f.markdown, render_markdown_report(document));
    std::printf("wrote %s\n", f.markdown.c_str());
  }
  for (const std::string& note : document.notes) std::printf("note: %s\n", note.c_str());
}

}  // namespace

void add_report_command(CLI::App& app) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "One self-contained HTML page (charts, tables) from results folders; --md for tables");
  cmd->add_option("folders", f->folders, "Results folders (eval/ann --out), one or more")
      ->required();
  cmd->add_option("--out", f->out, "The HTML file to write")->required();
  cmd->add_option("--md", f->markdown, "Also write the tables as Markdown here");
  cmd->add_option("--title", f->title, "Page title (default: embeval report: DATASET)");
  cmd->add_option("--compare", f->compare,
                  "Two model labels for the per-query comparison (default: the two best)")
      ->expected(2);
  cmd->add_option("--examples", f->examples, "Biggest wins and losses listed with their queries")
      ->capture_default_str();
  cmd->add_option("--vega-dir", f->vega_dir,
                  "Folder of vega.min.js, vega-lite.min.js, vega-embed.min.js (default: the cache "
                  "scripts/setup_vega.sh fills)");
  cmd->callback([f] { run(*f); });
}

}  // namespace embeval::cli
