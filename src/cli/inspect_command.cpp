// embeval inspect --model SPEC [--dataset DIR] [--sample N]
// Prints the model card (what the model file says) and, with a dataset, what the model does to
// that corpus: tokenizer statistics, encode throughput, peak memory and embedding storage.
// Vocabulary-only GGUF files (llama.cpp's models/ggml-vocab-*.gguf) get tokenizer statistics.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cli/commands.h"
#include "cli/threads_flag.h"
#include "embeval/core/encoder.h"
#include "embeval/core/error.h"
#include "embeval/core/metered_encoder.h"
#include "embeval/core/model_description.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/tokenizer.h"
#include "embeval/dataset/dataset.h"
#include "embeval/dataset/document_text.h"
#include "embeval/encoders/vocabulary_coverage.h"
#include "embeval/models/registry.h"
#include "embeval/probe/embedding_storage.h"
#include "embeval/probe/encode_throughput.h"
#include "embeval/probe/tokenizer_stats.h"
#include "embeval/probe/vocabulary_probe.h"
#include "embeval/util/human_units.h"

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

void print_storage(const EmbeddingStorage& s) {
  std::printf("storage         %zu docs x %zu dims: f32 %s, f16 %s, int8 %s, binary %s\n",
              s.vectors, s.dimension, human_bytes(s.f32_bytes).c_str(),
              human_bytes(s.f16_bytes).c_str(), human_bytes(s.int8_bytes).c_str(),
              human_bytes(s.binary_bytes).c_str());
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

// The dataset's document texts (as eval encodes them) and query texts.
struct DatasetTexts {
  Dataset dataset;
  std::vector<std::string> documents;
  std::vector<std::string_view> document_views;
  std::vector<std::string_view> query_views;
};

std::unique_ptr<DatasetTexts> load_texts(const InspectArgs& args) {
  BeirLoadOptions lo;
  lo.split = args.split;
  auto t = std::make_unique<DatasetTexts>();
  t->dataset = load_beir(args.dataset, lo);
  t->documents = document_texts(t->dataset.corpus);
  t->document_views.assign(t->documents.begin(), t->documents.end());
  for (const Query& q : t->dataset.queries) t->query_views.push_back(q.text);
  return t;
}

// Models with a tokenizer of their own (GGUF): the file's facts and the encoder's settings, and
// with --dataset the tokenizer statistics and, for a file with weights, speed, memory, storage.
void inspect_tokenized_model(const InspectArgs& args, const ModelSpec& spec,
                             const Tokenizer& tokenizer) {
  const auto* file = dynamic_cast<const DescribedModel*>(&tokenizer);
  EMBEVAL_CHECK(file != nullptr, "inspect: a registry tokenizer must describe its model file");
  const ModelFileFacts facts = file->file_facts();
  std::unique_ptr<Encoder> encoder;
  if (!facts.vocabulary_only) encoder = make_encoder(spec, args.threads.encoder_options());
  const auto* described = encoder ? dynamic_cast<const DescribedModel*>(encoder.get()) : file;
  EMBEVAL_CHECK(described != nullptr, "inspect: the encoder must describe its model file");
  std::printf("model           %s\n", spec.to_string().c_str());
  if (!facts.name.empty()) std::printf("name            %s\n", facts.name.c_str());
  print_card(described->card());
  std::printf("file            %s%s%s\n",
              human_bytes(static_cast<double>(facts.file_bytes)).c_str(),
              facts.weight_type.empty() ? "" : ", weights ",
              facts.vocabulary_only ? " (vocabulary only: tokenizer statistics only)"
                                    : facts.weight_type.c_str());
  for (const ModelSetting& s : described->settings()) {
    std::printf("%-15s %s\n", s.label.c_str(), s.value.c_str());
  }
  if (args.dataset.empty()) return;
  const std::unique_ptr<DatasetTexts> texts = load_texts(args);
  const std::vector<std::string_view>& dv = texts->document_views;
  const std::size_t window = described->max_tokens();
  std::printf("\ndataset %s\n", args.dataset.c_str());
  print_tokenizer_stats("documents", measure_tokenizer(tokenizer, dv, window));
  print_tokenizer_stats("queries", measure_tokenizer(tokenizer, texts->query_views, window));
  if (!encoder) return;
  const std::size_t n = std::min(args.sample, dv.size());
  if (n == 0) return;
  warm_up_encoder(*encoder);
  auto* counting = dynamic_cast<WorkCountingEncoder*>(encoder.get());
  if (counting != nullptr) counting->reset_work();
  const EncodeThroughput t =
      measure_encode_throughput(*encoder, std::span(dv).first(n), Role::kDocument);
  const EncodeWork work = counting != nullptr ? counting->work() : EncodeWork{};
  const std::string backend = counting != nullptr ? counting->backend() : "the model";
  std::printf(
      "throughput      %.1f docs/s, %.0f tokens/s (%zu docs sampled, %.2f s, "
      "%.0f%% inside %s)\n",
      n / t.seconds, work.tokens / t.seconds, n, t.seconds, 100 * work.backend_seconds / t.seconds,
      backend.c_str());
  std::printf("truncated       %zu of %zu sampled docs\n", work.truncated, n);
  std::printf("peak memory     %s\n", human_bytes(static_cast<double>(t.peak_rss_bytes)).c_str());
  print_storage(embedding_storage(dv.size(), t.dimension));
}

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
  const std::unique_ptr<DatasetTexts> texts = load_texts(args);
  const std::vector<std::string_view>& dv = texts->document_views;
  const std::vector<std::string_view>& qv = texts->query_views;
  std::printf("\ndataset %s\n", args.dataset.c_str());
  const VocabularyProbe probe = probe_vocabulary(encoder, dv, qv);
  if (probe.fit_seconds) {
    std::printf("fit             %.3f s on %zu documents\n", *probe.fit_seconds, dv.size());
  }
  print_coverage("documents", probe.documents);
  print_coverage("queries", probe.queries);
  std::printf("peak memory     %s\n",
              human_bytes(static_cast<double>(probe.peak_rss_bytes)).c_str());
}

// Paid or served models (openai:): the settings (never the key), then one probe request for the
// dimension, or with --dataset a sample of documents: throughput, tokens per document as the
// server counts them, and the price of a million such documents when the spec gives one.
void inspect_remote_model(const InspectArgs& args, Encoder& encoder,
                          const DescribedModel& described, const MeteredEncoder& metered) {
  std::printf("model           %s\n", encoder.spec().c_str());
  for (const ModelSetting& s : described.settings()) {
    std::printf("%-15s %s\n", s.label.c_str(), s.value.c_str());
  }
  std::vector<std::string> probe = {"embeval dimension probe"};
  std::unique_ptr<DatasetTexts> texts;
  std::vector<std::string_view> sample;
  if (!args.dataset.empty()) {
    texts = load_texts(args);
    const auto& dv = texts->document_views;
    sample.assign(dv.begin(),
                  dv.begin() + static_cast<std::ptrdiff_t>(std::min(args.sample, dv.size())));
  }
  if (sample.empty()) sample.assign(probe.begin(), probe.end());
  const EncodeThroughput t = measure_encode_throughput(encoder, sample, Role::kDocument);
  ModelCard card = encoder.card();
  if (card.dimension == 0) card.dimension = t.dimension;
  print_card(card);
  const ApiUsage u = metered.usage();
  const char* source = u.estimated_tokens == 0 ? "counted by the server" : "estimated, bytes / 4";
  if (texts == nullptr) {
    std::printf("measured        on one probe request (%zu tokens, %s)\n", u.tokens(), source);
    return;
  }
  const double per_doc = static_cast<double>(u.tokens()) / static_cast<double>(t.texts);
  std::printf("\ndataset %s\n", args.dataset.c_str());
  std::printf("throughput      %.1f docs/s (%zu docs sampled, %.2f s, %zu requests, %zu retried)\n",
              t.texts_per_s(), t.texts, t.seconds, u.requests, u.retries);
  std::printf("tokens/doc      %.1f (%s)\n", per_doc, source);
  if (u.price_per_mtok) {
    std::printf("price           $%.4f for the sample; $%.2f per 1M docs of this length\n",
                static_cast<double>(u.tokens()) * *u.price_per_mtok / 1e6,
                per_doc * *u.price_per_mtok);
  }
  print_storage(embedding_storage(texts->document_views.size(), card.dimension));
}

void run_inspect(const InspectArgs& args) {
  const ModelSpec spec = ModelSpec::parse(args.model);
  if (const std::unique_ptr<Tokenizer> tokenizer = make_tokenizer(spec)) {
    inspect_tokenized_model(args, spec, *tokenizer);
    return;
  }
  std::unique_ptr<Encoder> encoder = make_encoder(spec, args.threads.encoder_options());
  const auto* described = dynamic_cast<const DescribedModel*>(encoder.get());
  const auto* metered = dynamic_cast<const MeteredEncoder*>(encoder.get());
  if (described != nullptr && metered != nullptr) {
    inspect_remote_model(args, *encoder, *described, *metered);
    return;
  }
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
