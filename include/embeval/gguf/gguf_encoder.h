// Dense embeddings from a GGUF model through llama.cpp (BERT family, XLM-RoBERTa, nomic-bert,
// LLM embedders such as Qwen3-Embedding). Spec:
//   gguf:PATH?pooling=mean|cls|last&normalize=true&query_prefix=..&document_prefix=..
//            &max_tokens=N&causal=false&window=N&stride=N&chunk_agg=max|first|mean&flash_attn=false
// Every key is optional: pooling from the GGUF metadata, prefixes from the model family
// (e5, bge, nomic, Qwen3-Embedding, EmbeddingGemma), max_tokens = the training context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/model_description.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/gguf/chunking.h"
#include "embeval/gguf/gguf_model.h"

struct llama_context;

namespace embeval {

struct GgufOptions {
  std::string path;
  std::string pooling;  // "" = from the model's metadata
  bool normalize = true;
  std::optional<std::string> query_prefix;     // absent: family default
  std::optional<std::string> document_prefix;  // absent: family default
  std::optional<std::size_t> max_tokens;       // absent: the model's context window
  std::optional<bool> causal;                  // absent: the model's own attention
  std::size_t window = 0;                      // 0: truncate instead of splitting
  std::optional<std::size_t> stride;           // absent: window (no overlap)
  ChunkAggregation chunk_agg = ChunkAggregation::kMean;
  // llama.cpp's flash attention: faster on the CPU, but f16 K/V make vectors depend on the batch
  // (~1e-4); off by default so results are exact and batch-invariant.
  bool flash_attn = false;

  // Throws InputError on unknown keys or bad values (naming the key).
  static GgufOptions from_spec(const ModelSpec& spec);
};

// Prompts a model family expects, guessed from general.name / the file name (lowercase match).
struct FamilyPrompts {
  std::string query;
  std::string document;
};
[[nodiscard]] FamilyPrompts default_prompts(std::string_view model_name);

// What happened to the texts: truncation and splitting are never silent.
struct GgufEncodeStats {
  std::size_t texts = 0;
  std::size_t tokens = 0;     // tokens sent to the model (incl. special tokens)
  std::size_t truncated = 0;  // texts cut at max_tokens (window == 0)
  std::size_t split = 0;      // texts encoded as more than one window
  std::size_t chunks = 0;     // sequences encoded
  std::size_t batches = 0;    // llama_decode / llama_encode calls
  double model_seconds = 0;   // wall time inside llama.cpp calls
};

// Chunk-level output: chunk rows of document i are [offsets[i], offsets[i+1]).
struct ChunkedEmbeddings {
  DenseMatrix chunks;
  std::vector<std::size_t> offsets;  // texts + 1
};

class GgufEncoder : public Encoder,
                    public TokenBudgetEncoder,
                    public DescribedModel,
                    public WorkCountingEncoder {
 public:
  // Loads the model and creates one llama.cpp context running `threads` threads (0:
  // $EMBEVAL_LLAMA_THREADS, else the physical cores; `--threads N` passes N). Throws InputError for
  // a missing/corrupt/vocabulary-only file, a model without embedding output, or bad options.
  // Threads do not change the vectors.
  explicit GgufEncoder(const ModelSpec& spec, int threads = 0);
  ~GgufEncoder() override;

  std::string spec() const override { return spec_.to_string(); }
  ModelCard card() const override { return model_->card(); }
  // One dense row per text, except documents under window > 0 with chunk_agg=max: their chunk
  // vectors come back as `multi` (ChunkMaxIndex scores a document by its best chunk).
  // chunk_agg=first keeps the first window; mean averages the (normalised) chunk vectors of a
  // document without normalising again, so a query's inner product with it is the mean of its
  // chunk scores; a split query is averaged and normalised.
  EmbeddingBatch encode(std::span<const std::string_view> texts, Role role) override;
  // Tokenizes only: what encode() would truncate or split.
  LengthReport measure_lengths(std::span<const std::string_view> texts, Role role) override;
  // Every chunk's (normalised, if asked) embedding.
  ChunkedEmbeddings encode_chunks(std::span<const std::string_view> texts, Role role);
  // Embeddings of already tokenized sequences (specials included), one row each, in order.
  // Each sequence must fit the context (size <= max_tokens). Batch-invariant by construction.
  DenseMatrix encode_tokens(const std::vector<std::vector<std::int32_t>>& sequences);

  const GgufModel& model() const { return *model_; }
  const GgufOptions& options() const { return options_; }
  const std::string& prefix(Role role) const {
    return role == Role::kQuery ? query_prefix_ : document_prefix_;
  }
  std::string pooling_name() const;
  std::size_t max_tokens() const override { return max_tokens_; }
  // llama.cpp threads of the context (n_threads and n_threads_batch).
  int threads() const;
  // Tokens per llama.cpp batch of the current context (grows to the longest sequence seen).
  std::size_t context_tokens() const;
  const GgufEncodeStats& stats() const { return stats_; }
  void reset_stats() { stats_ = {}; }

  // DescribedModel and WorkCountingEncoder (core/model_description.h), for `inspect`: the file's
  // header, pooling, token budget and prefixes; stats() as EncodeWork.
  [[nodiscard]] ModelFileFacts file_facts() const override;
  [[nodiscard]] std::vector<ModelSetting> settings() const override;
  [[nodiscard]] EncodeWork work() const override;
  void reset_work() override { reset_stats(); }
  [[nodiscard]] std::string backend() const override { return "llama.cpp"; }

 private:
  // Content tokens of each text with its role's prefix, specials excluded (on all cores).
  std::vector<std::vector<std::int32_t>> tokenize_texts(std::span<const std::string_view> texts,
                                                        Role role) const;
  // The windows of one text of `content_tokens` tokens (truncated or split), counted in report.
  std::vector<TokenWindow> plan_text(std::size_t content_tokens, LengthReport& report) const;
  // Token sequences (specials added) of every chunk of every text; offsets as ChunkedEmbeddings.
  std::vector<std::vector<std::int32_t>> chunk_tokens(std::span<const std::string_view> texts,
                                                      Role role, std::vector<std::size_t>& offsets);

  // (Re)creates the llama.cpp context when it holds fewer than min(max_tokens, max(tokens, 512))
  // tokens per batch.
  void ensure_context(std::size_t tokens);

  ModelSpec spec_;
  GgufOptions options_;
  std::unique_ptr<GgufModel> model_;
  llama_context* ctx_ = nullptr;
  int pooling_ = 0;  // llama_pooling_type in effect
  bool use_encode_ = false;
  std::size_t max_tokens_ = 0;
  std::size_t n_seq_max_ = 1;
  int threads_ = 1;
  std::size_t dim_ = 0;
  std::string query_prefix_;
  std::string document_prefix_;
  GgufEncodeStats stats_;
};

// For the registry: scheme "gguf". check_gguf_spec validates the options and that the file
// exists, without loading it, and returns the canonical spec (registry.h: check_model_spec).
[[nodiscard]] std::unique_ptr<Encoder> make_gguf_encoder(const ModelSpec& spec,
                                                         const EncoderOptions& options);
[[nodiscard]] std::string check_gguf_spec(const ModelSpec& spec);
// The parameters of `gguf:PATH?...` (param_schema.h). Defaults that depend on the file (pooling,
// max_tokens, prefixes) are written out by the canonical spec once the header is read; causal,
// window and stride are kept as given.
[[nodiscard]] const ParamSchema& gguf_param_schema();

}  // namespace embeval
