// embeval encode --model SPEC --input texts.jsonl|corpus.jsonl --role query|document --out X.npy
// Writes the dense embeddings of every record as X.npy (float32, rows in input order) and their
// ids, one per line, as X.ids.txt, for use in other tools.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/atomic_file.h"
#include "embeval/encoder.h"
#include "embeval/error.h"
#include "embeval/jsonl.h"
#include "embeval/model_spec.h"
#include "embeval/npy.h"
#include "embeval/registry.h"
#ifdef EMBEVAL_HAVE_LLAMA
#include "embeval/gguf_encoder.h"
#endif

namespace embeval::cli {
namespace {

struct EncodeArgs {
  std::string model;
  std::string input;
  std::string role = "document";
  std::string out;
  ThreadsFlag threads;
};

struct Texts {
  std::vector<std::string> ids;
  std::vector<std::string> texts;
};

// BEIR corpus records carry "title" and "text"; query and plain text files only "text". A
// record without "_id" is named by its 1-based line number.
Texts read_texts(const std::string& path) {
  Texts t;
  JsonlOptions options;
  options.require_id = false;
  read_jsonl(
      path,
      [&](const JsonlRecord& r) {
        const auto text = r.string_field("text");
        if (!text) {
          throw InputError(
              "record has no \"text\" field", r.file(), r.line(),
              "each line must be a JSON object like {\"_id\": \"1\", \"text\": \"...\"}");
        }
        const auto title = r.string_field("title");
        std::string full;
        if (title && !title->empty()) {
          full.assign(*title);
          full += ' ';
        }
        full.append(*text);
        t.texts.push_back(std::move(full));
        t.ids.push_back(r.id().empty() ? std::to_string(r.line()) : std::string(r.id()));
      },
      options);
  return t;
}

void run_encode(const EncodeArgs& args) {
  if (args.role != "query" && args.role != "document") {
    throw InputError("--role must be query or document, not '" + args.role + "'");
  }
  const Role role = args.role == "query" ? Role::kQuery : Role::kDocument;
  const ModelSpec spec = ModelSpec::parse(args.model);
  std::unique_ptr<Encoder> encoder = make_encoder(spec, args.threads.encoder_options());
  const Texts input = read_texts(args.input);
  std::vector<std::string_view> views(input.texts.begin(), input.texts.end());
  if (auto* fitted = dynamic_cast<CorpusFittedEncoder*>(encoder.get())) fitted->fit(views);
  const auto start = std::chrono::steady_clock::now();
  EmbeddingBatch batch = encoder->encode(views, role);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (batch.multi) {
    throw InputError("chunk_agg=max keeps several vectors per document; encode writes one per text",
                     "", 0, "use chunk_agg=mean or chunk_agg=first");
  }
  if (!batch.dense) {
    throw InputError(
        "model '" + args.model + "' produces no dense vectors; encode writes .npy only", "", 0,
        "use a dense model such as gguf:model.gguf");
  }
  write_npy(args.out, *batch.dense);
  std::string ids;
  for (const std::string& id : input.ids) ids += id + "\n";
  std::string ids_path = args.out;
  if (ids_path.ends_with(".npy")) ids_path.resize(ids_path.size() - 4);
  ids_path += ".ids.txt";
  write_file_atomic(ids_path, ids);
  std::string extra;
#ifdef EMBEVAL_HAVE_LLAMA
  if (const auto* g = dynamic_cast<const GgufEncoder*>(encoder.get())) {
    const GgufEncodeStats& s = g->stats();
    extra = ", " + std::to_string(s.tokens) + " tokens, " + std::to_string(s.truncated) +
            " truncated, " + std::to_string(s.split) + " split";
  }
#endif
  std::fprintf(stderr, "encode: %zu texts x %zu dims in %.2f s (%.1f texts/s%s) -> %s, %s\n",
               batch.dense->rows, batch.dense->cols, seconds,
               seconds > 0 ? static_cast<double>(batch.dense->rows) / seconds : 0.0, extra.c_str(),
               args.out.c_str(), ids_path.c_str());
}

}  // namespace

void add_encode_command(CLI::App& app) {
  auto args = std::make_shared<EncodeArgs>();
  CLI::App* cmd = app.add_subcommand(
      "encode", "Embed the texts of a JSONL file with a model; write .npy and an ids file");
  cmd->add_option("--model", args->model, "Model spec, e.g. gguf:bge-small.gguf")->required();
  cmd->add_option("--input", args->input, "JSONL with \"text\" (and optional \"_id\", \"title\")")
      ->required();
  cmd->add_option("--role", args->role, "query or document (prefixes/instructions differ)");
  cmd->add_option("--out", args->out, "Output .npy (float32); ids go to <out>.ids.txt")->required();
  args->threads.add_to(cmd, "encoding");
  cmd->callback([args] { run_encode(*args); });
}

}  // namespace embeval::cli
