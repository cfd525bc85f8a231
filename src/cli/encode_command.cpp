// embeval encode --model SPEC --input texts.jsonl|corpus.jsonl --role query|document --out X.npy
//                [--fit-on CORPUS.jsonl|BEIR_DIR] [--cache-dir DIR]
// Writes the dense embeddings of every record as X.npy (float32, rows in input order) and their
// ids, one per line, as X.ids.txt, for use in other tools. A record's text is what eval encodes
// for it (document_text). Encoding goes through the models layer as eval's does: in batches, with
// progress on stderr, and behind the embedding cache when --cache-dir names one.
//
// Corpus-fitted models (static pooling=tfidf|sif) give a text a vector that depends on the corpus
// they were fitted on. `--fit-on` names that corpus, so the vectors match what `eval` computes and
// a query encodes the same whichever file it comes in. Without it, documents are fitted on the
// input itself (the input is the corpus) and queries are refused: fitting on a query file would
// make each query's vector depend on the other queries.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/core/encoder.h"
#include "embeval/core/error.h"
#include "embeval/core/model_description.h"
#include "embeval/core/model_spec.h"
#include "embeval/dataset/document_text.h"
#include "embeval/io/npy.h"
#include "embeval/models/dataset_encoding.h"
#include "embeval/models/registry.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/output_paths.h"

namespace embeval::cli {
namespace {

struct EncodeArgs {
  std::string model;
  std::string input;
  std::string role;  // required: prefixes and instructions differ, a silent default misleads
  std::string out;
  std::string fit_on;     // corpus for corpus-fitted models; empty: see the header comment
  std::string cache_dir;  // embedding cache (as eval's); empty: none
  ThreadsFlag threads;
};

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
    const TextRecords corpus = read_text_records(path);
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

// Texts per encode() call: the progress granularity and, with --cache-dir, how often the cache
// writes a segment. A batch's vectors are copied out at once, so memory stays one output matrix.
constexpr std::size_t kBatchTexts = 4096;

// Appends `batch`'s dense rows to `all` (in order). Models without one vector per text are
// refused as the first batch arrives, before more encoding is spent.
void append_rows(DenseMatrix& all, const EmbeddingBatch& batch, const std::string& model) {
  if (batch.multi) {
    throw InputError("chunk_agg=max keeps several vectors per document; encode writes one per text",
                     "", 0, "use chunk_agg=mean or chunk_agg=first");
  }
  if (!batch.dense) {
    throw InputError("model '" + model + "' produces no dense vectors; encode writes .npy only", "",
                     0, "use a dense model such as gguf:model.gguf");
  }
  if (all.rows == 0) all.cols = batch.dense->cols;
  EMBEVAL_CHECK(batch.dense->cols == all.cols, "encode: batches of different dimensions");
  all.data.insert(all.data.end(), batch.dense->data.begin(), batch.dense->data.end());
  all.rows += batch.dense->rows;
}

void run_encode(const EncodeArgs& args) {
  if (args.role != "query" && args.role != "document") {
    throw InputError("--role must be query or document, not '" + args.role + "'");
  }
  const Role role = args.role == "query" ? Role::kQuery : Role::kDocument;
  check_output_file(args.out);  // before the model runs
  refuse_overwriting_input(args.input, args.out, "--out");
  const ModelSpec spec = ModelSpec::parse(args.model);
  if (!args.cache_dir.empty()) prepare_output_directory(args.cache_dir);
  // Refused before the input is read or anything fitted or encoded.
  std::unique_ptr<Encoder> encoder =
      open_encoder(spec, args.cache_dir, kBatchTexts, args.threads.encoder_options());
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
  const TextRecords input = read_text_records(args.input);
  const std::vector<std::string_view> views(input.texts.begin(), input.texts.end());
  fit_model(underlying_model(*encoder), spec, args, role, views);
  auto* counting = dynamic_cast<WorkCountingEncoder*>(&underlying_model(*encoder));
  if (counting != nullptr) counting->reset_work();
  DenseMatrix vectors;
  const CorpusEncodingTimes times = encode_texts(
      *encoder, views, role, kBatchTexts, std::filesystem::path(args.input).filename().string(),
      [&](EmbeddingBatch&& batch) { append_rows(vectors, batch, args.model); });
  if (vectors.rows == 0) vectors.cols = encoder->card().dimension;  // an empty input: 0 x dim
  write_npy(args.out, vectors);
  std::string ids;
  for (const std::string& id : input.ids) ids += id + "\n";
  std::string ids_path = args.out;
  if (ids_path.ends_with(".npy")) ids_path.resize(ids_path.size() - 4);
  ids_path += ".ids.txt";
  write_file_atomic(ids_path, ids);
  std::string extra;
  if (counting != nullptr) {
    const EncodeWork w = counting->work();  // tokens sent to the model, specials included
    extra = ", " + std::to_string(w.tokens) + " tokens, " + std::to_string(w.truncated) +
            " truncated, " + std::to_string(w.split) + " split";
  }
  const double seconds = times.encode_s;
  std::fprintf(stderr, "encode: %zu texts x %zu dims in %.2f s (%.1f texts/s%s) -> %s, %s\n",
               vectors.rows, vectors.cols, seconds,
               seconds > 0 ? static_cast<double>(vectors.rows) / seconds : 0.0, extra.c_str(),
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
  cmd->add_option("--cache-dir", args->cache_dir,
                  "Embedding cache for transformer models, as eval's (its OUT/cache reuses what "
                  "eval encoded); none by default");
  args->threads.add_to(cmd, "encoding");
  cmd->callback([args] { run_encode(*args); });
}

}  // namespace embeval::cli
