// embeval inspect --model SPEC [--dataset DIR] [--sample N]
// Prints the model card (what the model file says) and, with a dataset, what the model does to
// that corpus: tokenizer statistics, encode throughput, peak memory and embedding storage.
// Vocabulary-only GGUF files (llama.cpp's models/ggml-vocab-*.gguf) get tokenizer statistics.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/dataset/dataset.h"
#include "embeval/core/encoder.h"
#include "embeval/core/error.h"
#include "embeval/util/human_units.h"
#include "embeval/util/memory_usage.h"
#include "embeval/core/model_spec.h"
#include "embeval/models/registry.h"
#include "embeval/encoders/vocabulary_coverage.h"
#ifdef EMBEVAL_HAVE_LLAMA
#include "embeval/gguf/gguf_encoder.h"
#include "embeval/gguf/gguf_model.h"
#include "embeval/gguf/tokenizer_stats.h"
#endif

namespace embeval::cli {
namespace {

struct InspectArgs {
  std::string model;
  std::string dataset;
  std::string split = "test";
  std::size_t sample = 1000;
  ThreadsFlag threads;
};

void print_card(const ModelCard& c) {
  std::printf("family          %s\n", c.family.c_str());
  std::printf("architecture    %s\n", c.architecture.c_str());
  if (c.parameters)
    std::printf("parameters      %zu (%.1fM)\n", *c.parameters, *c.parameters / 1e6);
  if (c.dimension) std::printf("dimension       %zu\n", c.dimension);
  std::printf("context window  %s\n",
              c.context_window_tokens
                  ? (std::to_string(*c.context_window_tokens) + " tokens").c_str()
                  : "unbounded");
  std::printf("tokenizer       %s, vocabulary %zu\n", c.tokenizer.c_str(), c.vocabulary_size);
}

#ifdef EMBEVAL_HAVE_LLAMA
// Shown with escapes so an instruction's newline stays on one line.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return out + "\"";
}

void print_storage(std::size_t docs, std::size_t dim) {
  const double n = static_cast<double>(docs) * static_cast<double>(dim);
  std::printf("storage         %zu docs x %zu dims: f32 %s, f16 %s, int8 %s, binary %s\n", docs,
              dim, human_bytes(n * 4).c_str(), human_bytes(n * 2).c_str(), human_bytes(n).c_str(),
              human_bytes(n / 8).c_str());
}

void print_tokenizer_stats(const char* label, const TokenizerStats& s) {
  std::printf("%s: %zu texts, %zu words, %zu tokens\n", label, s.texts, s.words, s.tokens);
  std::printf("  fertility       %.3f tokens/word\n", s.fertility());
  std::printf("  unknown tokens  %.4f%% (%zu)\n", 100 * s.unknown_rate(), s.unknown_tokens);
  std::printf("  byte fallback   %.4f%% (%zu)\n", 100 * s.byte_fallback_rate(), s.byte_tokens);
  if (s.context_window) {
    std::printf("  over context    %.2f%% (%zu texts > %zu tokens)\n", 100 * s.share_over_context(),
                s.over_context, s.context_window);
  }
  std::printf("  tokens/text     p50 %zu, p90 %zu, p99 %zu, max %zu\n", s.p50, s.p90, s.p99, s.max);
}

void inspect_gguf(const InspectArgs& args, const ModelSpec& spec) {
  const GgufFileInfo info = read_gguf_info(spec.path);
  std::unique_ptr<GgufModel> vocab;
  std::unique_ptr<GgufEncoder> encoder;
  const GgufModel* model = nullptr;
  if (info.tensor_count == 0) {
    vocab = std::make_unique<GgufModel>(spec.path, /*vocab_only=*/true);
    model = vocab.get();
  } else {
    encoder = std::make_unique<GgufEncoder>(spec, static_cast<int>(args.threads.threads));
    model = &encoder->model();
  }
  std::printf("model           %s\n", spec.to_string().c_str());
  if (!info.name.empty()) std::printf("name            %s\n", info.name.c_str());
  print_card(model->card());
  std::printf("file            %s%s%s\n", human_bytes(static_cast<double>(info.file_bytes)).c_str(),
              info.quantization.empty() ? "" : ", weights ",
              info.tensor_count == 0 ? " (vocabulary only: tokenizer statistics only)"
                                     : info.quantization.c_str());
  if (encoder) {
    std::printf("pooling         %s%s\n", encoder->pooling_name().c_str(),
                encoder->options().normalize ? ", L2-normalised" : "");
    std::printf("max tokens      %zu%s\n", encoder->max_tokens(),
                encoder->options().window
                    ? (", windows of " + std::to_string(encoder->options().window)).c_str()
                    : "");
    std::printf("query prefix    %s\n", quoted(encoder->prefix(Role::kQuery)).c_str());
    std::printf("document prefix %s\n", quoted(encoder->prefix(Role::kDocument)).c_str());
  }
  if (args.dataset.empty()) return;
  BeirLoadOptions lo;
  lo.split = args.split;
  const Dataset d = load_beir(args.dataset, lo);
  const std::vector<std::string> docs = document_texts(d.corpus);
  std::vector<std::string_view> dv(docs.begin(), docs.end());
  const std::size_t window = encoder ? encoder->max_tokens() : 0;
  std::printf("\ndataset %s\n", args.dataset.c_str());
  print_tokenizer_stats("documents", measure_tokenizer(*model, dv, window));
  std::vector<std::string_view> qv;
  for (const Query& q : d.queries) qv.push_back(q.text);
  print_tokenizer_stats("queries", measure_tokenizer(*model, qv, window));
  if (!encoder) return;
  const std::size_t n = std::min(args.sample, dv.size());
  if (n > 0) {
    // One short text first: llama.cpp allocates its compute graph and threads on first use.
    const std::vector<std::string_view> warm = {"warm up"};
    (void)encoder->encode(warm, Role::kDocument);
    reset_peak_rss();
    encoder->reset_stats();
    const auto start = std::chrono::steady_clock::now();
    const EmbeddingBatch b = encoder->encode(std::span(dv).first(n), Role::kDocument);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const GgufEncodeStats& st = encoder->stats();
    std::printf(
        "throughput      %.1f docs/s, %.0f tokens/s (%zu docs sampled, %.2f s, "
        "%.0f%% inside llama.cpp)\n",
        n / s, st.tokens / s, n, s, 100 * st.model_seconds / s);
    std::printf("truncated       %zu of %zu sampled docs\n", st.truncated, n);
    std::printf("peak memory     %s\n", human_bytes(static_cast<double>(peak_rss_bytes())).c_str());
    print_storage(dv.size(), b.dense ? b.dense->cols : 0);
  }
}
#endif

void print_coverage(const char* label, const CoverageMeasurement& m) {
  std::printf("%s: %zu texts, %zu words, %zu tokens\n", label, m.texts, m.words, m.tokens);
  std::printf("  tokens/word     %.3f\n", m.tokens_per_word());
  std::printf("  out of vocab    %.4f%% (%zu tokens)\n", 100 * m.oov_share(), m.oov);
  std::printf("  throughput      %.1f texts/s, %.0f tokens/s (%.3f s)\n", m.texts_per_s(),
              m.seconds > 0 ? m.tokens / m.seconds : 0.0, m.seconds);
}

// Word-vector models (static:): what the vector file lost and, with --dataset, the OOV rate,
// tokens per word and throughput on every document and query.
void inspect_word_vectors(const InspectArgs& args, Encoder& encoder) {
  const WordVectorLoadReport load = vocabulary_coverage_of(encoder)->load;
  std::printf(
      "vector file     %zu words loaded; dropped %zu duplicate, %zu empty, %zu invalid "
      "UTF-8\n",
      load.words_loaded, load.duplicate_words, load.empty_words, load.invalid_utf8);
  if (args.dataset.empty()) return;
  BeirLoadOptions lo;
  lo.split = args.split;
  const Dataset d = load_beir(args.dataset, lo);
  const std::vector<std::string> docs = document_texts(d.corpus);
  const std::vector<std::string_view> dv(docs.begin(), docs.end());
  std::vector<std::string_view> qv;
  for (const Query& q : d.queries) qv.push_back(q.text);
  std::printf("\ndataset %s\n", args.dataset.c_str());
  if (auto* fitted = dynamic_cast<CorpusFittedEncoder*>(&encoder)) {
    const auto start = std::chrono::steady_clock::now();
    fitted->fit(dv);
    std::printf("fit             %.3f s on %zu documents\n",
                std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
                dv.size());
  }
  reset_peak_rss();
  print_coverage("documents", measure_coverage(encoder, dv, Role::kDocument));
  print_coverage("queries", measure_coverage(encoder, qv, Role::kQuery));
  std::printf("peak memory     %s\n", human_bytes(static_cast<double>(peak_rss_bytes())).c_str());
}

void run_inspect(const InspectArgs& args) {
  const ModelSpec spec = ModelSpec::parse(args.model);
#ifdef EMBEVAL_HAVE_LLAMA
  if (spec.scheme == "gguf") {
    inspect_gguf(args, spec);
    return;
  }
#endif
  std::unique_ptr<Encoder> encoder = make_encoder(spec, args.threads.encoder_options());
  std::printf("model           %s\n", encoder->spec().c_str());
  print_card(encoder->card());
  if (vocabulary_coverage_of(*encoder)) inspect_word_vectors(args, *encoder);
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "inspect", "Print a model's card; with --dataset, its tokenizer statistics and speed there");
  cmd->add_option("--model", args->model, "Model spec (gguf:FILE works for vocabulary-only files)")
      ->required();
  cmd->add_option("--dataset", args->dataset, "BEIR directory to measure the model on");
  cmd->add_option("--split", args->split, "qrels split of the dataset");
  cmd->add_option("--sample", args->sample, "Documents encoded to measure throughput");
  args->threads.add_to(cmd, "the throughput sample");
  cmd->callback([args] { run_inspect(*args); });
}

}  // namespace embeval::cli
