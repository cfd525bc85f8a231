// embeval dataset chunk DIR --out DIR2 --unit words|tokens [--tokenizer SPEC] --size N
//                       --overlap M [--pack none|sentence|paragraph] [--sections]
// Cuts every document of a BEIR dataset into passages (ids PARENT#N, metadata "parent") once,
// for every model; judgments are given to each passage of a judged document (docs/chunking.md).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/chunk_flags.h"
#include "cli/commands.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/passages.h"

namespace embeval::cli {
namespace {

struct ChunkArgs {
  std::string dir;
  std::string out;
  std::string split = "test";
  ChunkFlags flags;
};

void run_chunk(const ChunkArgs& args) {
  std::unique_ptr<Tokenizer> tokenizer;
  const ChunkOptions options = args.flags.make(tokenizer);  // bad flags fail before any reading
  check_dataset_output(args.out);
  BeirLoadOptions load;
  load.split = args.split;
  load.require_qrels = false;
  const Dataset source = load_beir(args.dir, load);
  ChunkingReport report;
  const Dataset passages = chunk_dataset(source, options, &report);
  write_beir(args.out, passages, args.split);
  std::printf(
      "chunked %zu documents into %zu passages (%zu documents split, %zu empty; longest "
      "passage %zu %s)\n",
      report.documents, report.passages, report.documents_split, report.empty_documents,
      report.longest_passage_units, args.flags.unit.c_str());
  if (options.sections) {
    std::printf("  sections: %zu of %zu documents have them in their metadata\n",
                report.sectioned_documents, report.documents);
  }
  std::printf(
      "  judgments: %zu document judgments -> %zu passage judgments (each passage of a "
      "judged document, same grade)\n",
      report.judgments_in, report.judgments_out);
  std::printf("wrote %s (passage ids PARENT#N; eval --score-at document ranks the documents)\n",
              args.out.c_str());
}

}  // namespace

void add_dataset_chunk_command(CLI::App& dataset) {
  auto args = std::make_shared<ChunkArgs>();
  CLI::App* cmd = dataset.add_subcommand(
      "chunk", "Cut a dataset's documents into passages for every model (docs/chunking.md)");
  cmd->add_option("dir", args->dir, "BEIR dataset folder")->required();
  cmd->add_option("--out", args->out, "Output folder for the passage dataset")->required();
  cmd->add_option("--split", args->split, "qrels split to carry over (optional)")
      ->capture_default_str();
  args->flags.add_to(cmd);
  cmd->callback([args] { run_chunk(*args); });
}

}  // namespace embeval::cli
