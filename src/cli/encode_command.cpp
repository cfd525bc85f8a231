// embeval encode --model SPEC --input texts.jsonl|corpus.jsonl --role query|document --out X.npy
//                [--fit-on CORPUS.jsonl|BEIR_DIR]
// Writes the dense embeddings of every record as X.npy (float32, rows in input order) and their
// ids, one per line, as X.ids.txt, for use in other tools.
//
// Corpus-fitted models (static pooling=tfidf|sif) give a text a vector that depends on the corpus
// they were fitted on. `--fit-on` names that corpus, so the vectors match what `eval` computes and
// a query encodes the same whichever file it comes in. Without it, documents are fitted on the
// input itself (the input is the corpus) and queries are refused: fitting on a query file would
// make each query's vector depend on the other queries.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/util/atomic_file.h"
#include "embeval/dataset/dataset.h"
#include "embeval/core/encoder.h"
#include "embeval/core/error.h"
#include "embeval/io/jsonl.h"
#include "embeval/core/model_spec.h"
#include "embeval/io/npy.h"
#include "embeval/util/output_paths.h"
#include "embeval/models/registry.h"
#ifdef EMBEVAL_HAVE_LLAMA
#include "embeval/gguf/gguf_encoder.h"
#endif

namespace embeval::cli {
namespace {

struct EncodeArgs {
  std::string model;
  std::string input;
  std::string role;  // required: prefixes and instructions differ, a silent default misleads
  std::string out;
  std::string fit_on;  // corpus for corpus-fitted models; empty: see the header comment
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
        // eval's joining (document_text), so encode and eval feed the model the same string.
        Document d;
        if (title) d.title.assign(*title);
        d.text.assign(*text);
        t.texts.push_back(document_text(d));
        t.ids.push_back(r.id().empty() ? std::to_string(r.line()) : std::string(r.id()));
      },
      options);
  return t;
}

// --fit-on accepts a corpus file or a BEIR folder holding corpus.jsonl.
std::string corpus_file(const std::string& fit_on) {
  if (std::filesystem::is_directory(fit_on)) {
    return (std::filesystem::path(fit_on) / "corpus.jsonl").string();
  }
  return fit_on;
}

// Fits a corpus-fitted model as the header comment says; says on stderr what it was fitted on.
void fit_model(Encoder& encoder, const ModelSpec& spec, const EncodeArgs& args, Role role,
               std::span<const std::string_view> input) {
  auto* fitted = dynamic_cast<CorpusFittedEncoder*>(&encoder);
  if (fitted == nullptr || !depends_on_fitted_corpus(spec)) {
    if (!args.fit_on.empty()) {
      std::fprintf(stderr, "encode: note: %s does not depend on a corpus; --fit-on ignored\n",
                   args.model.c_str());
    }
    return;
  }
  if (!args.fit_on.empty()) {
    const std::string path = corpus_file(args.fit_on);
    const Texts corpus = read_texts(path);
    const std::vector<std::string_view> views(corpus.texts.begin(), corpus.texts.end());
    fitted->fit(views);
    std::fprintf(stderr, "encode: fitted on the %zu documents of %s\n", views.size(), path.c_str());
    return;
  }
  EMBEVAL_CHECK(role == Role::kDocument, "encode: queries of a fitted model need --fit-on");
  fitted->fit(input);
  std::fprintf(stderr,
               "encode: fitted on the input itself (%zu documents; --fit-on CORPUS.jsonl fits on "
               "another corpus)\n",
               input.size());
}

void run_encode(const EncodeArgs& args) {
  if (args.role != "query" && args.role != "document") {
    throw InputError("--role must be query or document, not '" + args.role + "'");
  }
  const Role role = args.role == "query" ? Role::kQuery : Role::kDocument;
  check_output_file(args.out);  // before the model runs
  refuse_overwriting_input(args.input, args.out, "--out");
  const ModelSpec spec = ModelSpec::parse(args.model);
  // Refused before the input is read or anything fitted or encoded.
  std::unique_ptr<Encoder> encoder = make_encoder(spec, args.threads.encoder_options());
  if (encoder->card().family == "sparse") {
    throw InputError(
        "model '" + args.model + "' produces no dense vectors; encode writes .npy only", "", 0,
        "use a dense model such as gguf:model.gguf");
  }
  if (depends_on_fitted_corpus(spec) && role == Role::kQuery && args.fit_on.empty()) {
    throw InputError("model '" + args.model +
                         "' is fitted on a corpus: a query's vector depends on the corpus it is "
                         "fitted on, not on the other queries in the file",
                     args.input, 0,
                     "add --fit-on CORPUS.jsonl (the corpus these queries will search)");
  }
  const Texts input = read_texts(args.input);
  std::vector<std::string_view> views(input.texts.begin(), input.texts.end());
  fit_model(*encoder, spec, args, role, views);
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
  cmd->add_option("--role", args->role,
                  "query or document: models prefix or instruct them differently")
      ->required()
      ->check(CLI::IsMember({"query", "document"}));
  cmd->add_option("--out", args->out, "Output .npy (float32); ids go to <out>.ids.txt")->required();
  cmd->add_option("--fit-on", args->fit_on,
                  "Corpus (corpus.jsonl or a BEIR folder) that corpus-fitted models (static "
                  "pooling=tfidf|sif) are fitted on; required with them for --role query");
  args->threads.add_to(cmd, "encoding");
  cmd->callback([args] { run_encode(*args); });
}

}  // namespace embeval::cli
