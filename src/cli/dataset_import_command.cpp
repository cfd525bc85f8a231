// embeval dataset import PATH... --out DIR   documents (Markdown, HTML, PDF, text, JSONL, CSV)
//                                            -> a BEIR corpus with provenance, plus import.json
//   [--chunk --unit ... --size N ...]        and cut into passages on the way (chunk_flags.h)
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/chunk_flags.h"
#include "cli/commands.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/passages.h"
#include "embeval/ingest/import.h"

namespace embeval::cli {
namespace {

struct ImportArgs {
  std::vector<std::string> paths;
  std::string out;
  ImportOptions options;
  bool chunk = false;
  ChunkFlags chunk_flags;
};

void run_import(const ImportArgs& args) {
  // Bad chunking flags and an unusable --out fail now, not after reading every file.
  std::unique_ptr<Tokenizer> tokenizer;
  ChunkOptions chunk_options;
  if (args.chunk) chunk_options = args.chunk_flags.make(tokenizer);
  check_dataset_output(args.out);
  ImportOptions options = args.options;
  for (const std::string& path : args.paths) options.roots.emplace_back(path);
  ImportResult result = import_documents(options);
  std::fputs(import_summary(result.report).c_str(), stdout);
  if (args.chunk) {
    // The same passages `dataset chunk` makes from the imported folder (same library call).
    ChunkingReport report;
    result.dataset = chunk_dataset(result.dataset, chunk_options, &report);
    std::printf("chunked %zu documents into %zu passages (%zu documents split, %zu empty)\n",
                report.documents, report.passages, report.documents_split, report.empty_documents);
  }
  write_import(args.out, result, options);
  std::printf("wrote %s (corpus.jsonl, empty queries.jsonl and qrels/test.tsv, import.json)\n",
              args.out.c_str());
}

}  // namespace

void add_dataset_import_subcommand(CLI::App& dataset) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = dataset.add_subcommand(
      "import",
      "Import documents (Markdown, HTML, PDF, text, JSONL, CSV; folders walked) as a BEIR corpus; "
      "every skipped or repaired file is reported with its reason (DIR/import.json)");
  cmd->add_option("paths", args->paths, "Files or folders to import")->required();
  cmd->add_option("--out", args->out, "Output directory (BEIR layout + import.json)")->required();
  cmd->add_option("--max-file-bytes", args->options.max_file_bytes,
                  "Skip larger files without reading them (a .gz inflating past it too)")
      ->capture_default_str();
  cmd->add_option("--text-field", args->options.fields.text, "JSONL/CSV: the text field")
      ->capture_default_str();
  cmd->add_option("--title-field", args->options.fields.title, "JSONL/CSV: the title field")
      ->capture_default_str();
  cmd->add_option("--id-field", args->options.fields.id,
                  "JSONL/CSV: the id field (default: _id, else id, else the record number)");
  cmd->add_flag("--keep-record-ids", args->options.keep_record_ids,
                "JSONL/CSV: use record ids as they are (default: PATH#ID)");
  cmd->add_flag("--include-hidden", args->options.include_hidden,
                "Also walk files and folders whose name starts with '.'");
  cmd->add_flag("--chunk", args->chunk,
                "Cut the documents into passages as `dataset chunk` does, with the flags below");
  args->chunk_flags.add_to(cmd);
  cmd->callback([args] { run_import(*args); });
}

}  // namespace embeval::cli
