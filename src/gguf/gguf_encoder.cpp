#include "embeval/gguf/gguf_encoder.h"

#include <llama.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/util/parallel_for.h"
#include "embeval/util/progress.h"
#include "embeval/util/stopwatch.h"
#include "embeval/util/thread_count.h"

namespace embeval {
namespace {

// Upper bound of sequences per llama_decode call; llama.cpp's own limit is LLAMA_MAX_SEQ (256).
constexpr std::size_t kMaxSequencesPerBatch = 64;
// Tokens per llama.cpp ubatch when the model allows it: the non-causal attention of a ubatch
// spans all its tokens, so much larger ubatches waste work on masked pairs.
constexpr std::size_t kMinBatchTokens = 512;
// Tokens a batch is filled to (more only when its first, longest sequence is longer). Attention
// in a batch spans all its tokens, the other sequences masked out: a batch of N tokens computes
// N^2 query-key pairs where its sequences need only the sum of n_i^2. On a bge-small layer that
// waste is ~20% of the work at N = 512 and ~5% at N = 128, while matrix products of 128 rows
// run as fast as of 512 (docs/gguf.md, Benchmark).
constexpr std::size_t kPackTokens = 128;

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int pooling_from_name(const std::string& name, const std::string& spec) {
  if (name == "mean") return LLAMA_POOLING_TYPE_MEAN;
  if (name == "cls") return LLAMA_POOLING_TYPE_CLS;
  if (name == "last") return LLAMA_POOLING_TYPE_LAST;
  if (name == "none") {
    throw InputError(
        "pooling=none gives one vector per token; embeval's dense encoders need one "
        "vector per text",
        "", 0, "use pooling=mean, cls or last (" + spec + ")");
  }
  throw InputError("pooling must be mean, cls, last or none, not '" + name + "'", "", 0, spec);
}

// $EMBEVAL_LLAMA_THREADS, else the physical cores. Not every hardware thread: SMT siblings share
// one core's FMA units, and ggml's barrier after every graph node spins while a sibling waits
// (6-12x slower with two threads than one on a 2-vCPU VM; docs/gguf.md, Benchmark). The variable
// is for machines whose siblings the kernel reports as cores, or that other jobs share.
int default_threads() {
  if (const char* env = std::getenv("EMBEVAL_LLAMA_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return static_cast<int>(resolve_thread_count(0));
}

// The spec with every default the header decides written out (pooling, max_tokens, prefixes,
// normalize, flash_attn; chunk_agg when windows are on), so a recorded spec rebuilds the same
// encoder even if the defaults change. `causal` and `stride` stay as given: their defaults
// depend on the loaded model (architecture, special tokens). Used by check_gguf_spec and by the
// encoder itself, so both give the same string.
ModelSpec canonical_spec(const ModelSpec& spec, const GgufOptions& o, const GgufFileInfo& info) {
  ModelSpec c = spec;
  const FamilyPrompts prompts =
      default_prompts(info.name + " " + std::filesystem::path(o.path).stem().string());
  c.params["query_prefix"] = o.query_prefix.value_or(prompts.query);
  c.params["document_prefix"] = o.document_prefix.value_or(prompts.document);
  c.params["normalize"] = o.normalize ? "true" : "false";
  c.params["flash_attn"] = o.flash_attn ? "true" : "false";
  if (!o.max_tokens && info.context_length) {
    c.params["max_tokens"] = std::to_string(*info.context_length);
  }
  if (o.pooling.empty() && info.pooling_type) {
    switch (*info.pooling_type) {
      case LLAMA_POOLING_TYPE_MEAN:
        c.params["pooling"] = "mean";
        break;
      case LLAMA_POOLING_TYPE_CLS:
        c.params["pooling"] = "cls";
        break;
      case LLAMA_POOLING_TYPE_LAST:
        c.params["pooling"] = "last";
        break;
      default:
        break;  // none or rank: the encoder refuses the model
    }
  }
  if (o.window > 0) c.params["chunk_agg"] = to_string(o.chunk_agg);
  return c;
}

}  // namespace

GgufOptions GgufOptions::from_spec(const ModelSpec& spec) {
  check_known_keys(gguf_param_schema(), spec);
  if (spec.path.empty()) {
    throw InputError("gguf needs a model file: gguf:PATH", "", 0, "e.g. gguf:bge-small.gguf");
  }
  GgufOptions o;
  o.path = spec.path;
  o.pooling = spec.get_string("pooling", "");
  o.normalize = spec.get_bool("normalize", true);
  o.flash_attn = spec.get_bool("flash_attn", false);
  if (spec.params.count("query_prefix")) o.query_prefix = spec.params.at("query_prefix");
  if (spec.params.count("document_prefix")) o.document_prefix = spec.params.at("document_prefix");
  auto positive = [&](const std::string& key) -> std::optional<std::size_t> {
    if (!spec.params.count(key)) return std::nullopt;
    const long v = spec.get_int(key, 0);
    if (v < 1) throw InputError(key + " must be a positive integer", "", 0, spec.to_string());
    return static_cast<std::size_t>(v);
  };
  o.max_tokens = positive("max_tokens");
  if (spec.params.count("causal")) o.causal = spec.get_bool("causal", true);
  o.window = positive("window").value_or(0);
  o.stride = positive("stride");
  if (o.stride && o.window == 0) {
    throw InputError("stride needs window", "", 0, "e.g. window=256&stride=128");
  }
  if (o.stride && *o.stride > o.window) {
    throw InputError("stride=" + std::to_string(*o.stride) + " exceeds window=" +
                         std::to_string(o.window) + ": the tokens in between would be skipped",
                     "", 0, "use stride <= window (" + spec.to_string() + ")");
  }
  if (spec.params.count("chunk_agg")) {
    if (o.window == 0) throw InputError("chunk_agg needs window", "", 0, spec.to_string());
    o.chunk_agg = parse_chunk_aggregation(spec.params.at("chunk_agg"));
  }
  if (!o.pooling.empty()) pooling_from_name(o.pooling, spec.to_string());
  return o;
}

FamilyPrompts default_prompts(std::string_view model_name) {
  const std::string n = lowercase(model_name);
  auto has = [&](std::string_view s) { return n.find(s) != std::string::npos; };
  if (has("qwen3") && has("embed")) {
    return {
        "Instruct: Given a web search query, retrieve relevant passages that answer the "
        "query\nQuery:",
        ""};
  }
  if (has("embeddinggemma") || has("gemma-embed")) {
    return {"task: search result | query: ", "title: none | text: "};
  }
  if (has("nomic")) return {"search_query: ", "search_document: "};
  if (has("e5")) return {"query: ", "passage: "};
  if (has("bge") && !has("m3") && !has("-zh")) {
    return {"Represent this sentence for searching relevant passages: ", ""};
  }
  return {};
}

GgufEncoder::GgufEncoder(const ModelSpec& spec, int threads)
    : spec_(spec), options_(GgufOptions::from_spec(spec)) {
  threads_ = threads > 0 ? threads : default_threads();
  model_ = std::make_unique<GgufModel>(options_.path, /*vocab_only=*/false);
  spec_ = canonical_spec(spec, options_, model_->info());
  llama_model* m = model_->raw();
  if (llama_model_has_encoder(m) && llama_model_has_decoder(m)) {
    throw InputError("encoder-decoder models (e.g. T5) have no embedding output here",
                     options_.path, 0, "use an encoder-only or decoder-only embedding model");
  }
  use_encode_ = llama_model_has_encoder(m) && !llama_model_has_decoder(m);
  dim_ = static_cast<std::size_t>(llama_model_n_embd_out(m));
  const std::size_t n_ctx_train = model_->context_window();
  max_tokens_ = options_.max_tokens.value_or(n_ctx_train);
  if (n_ctx_train > 0 && max_tokens_ > n_ctx_train) {
    throw InputError("max_tokens=" + std::to_string(max_tokens_) +
                         " exceeds the model's context "
                         "window of " +
                         std::to_string(n_ctx_train) + " tokens",
                     options_.path, 0, "use max_tokens <= " + std::to_string(n_ctx_train));
  }
  const std::size_t specials = model_->leading_special().size() + model_->trailing_special().size();
  if (max_tokens_ <= specials) {
    throw InputError("max_tokens must exceed the " + std::to_string(specials) + " special tokens",
                     options_.path, 0, "");
  }
  if (options_.window > max_tokens_ || (options_.window > 0 && options_.window <= specials)) {
    throw InputError("window must be in (" + std::to_string(specials) +
                         ", max_tokens=" + std::to_string(max_tokens_) + "]",
                     options_.path, 0, "");
  }
  const std::size_t budget = options_.window - specials;  // content tokens per window
  if (options_.window > 0 && options_.stride && *options_.stride > budget) {
    throw InputError("stride=" + std::to_string(*options_.stride) + " exceeds the " +
                         std::to_string(budget) + " text tokens of a window of " +
                         std::to_string(options_.window) + " (" + std::to_string(specials) +
                         " special tokens): tokens would be skipped",
                     options_.path, 0, "use stride <= " + std::to_string(budget));
  }
  const FamilyPrompts prompts = default_prompts(
      model_->info().name + " " + std::filesystem::path(options_.path).stem().string());
  query_prefix_ = options_.query_prefix.value_or(prompts.query);
  document_prefix_ = options_.document_prefix.value_or(prompts.document);

  // The context starts small and grows to the longest sequence seen (up to max_tokens): a
  // 32k-token context window must not cost 32k-token compute buffers on a corpus of abstracts.
  ensure_context(std::min(max_tokens_, kMinBatchTokens));
  pooling_ = llama_pooling_type(ctx_);
  if (pooling_ == LLAMA_POOLING_TYPE_NONE || pooling_ == LLAMA_POOLING_TYPE_UNSPECIFIED ||
      pooling_ == LLAMA_POOLING_TYPE_RANK) {
    // The destructor does not run for a constructor that throws.
    llama_free(ctx_);
    ctx_ = nullptr;
  }
  if (pooling_ == LLAMA_POOLING_TYPE_NONE || pooling_ == LLAMA_POOLING_TYPE_UNSPECIFIED) {
    throw InputError("the model's metadata names no pooling (not an embedding model?)",
                     options_.path, 0, "pass pooling=mean, cls or last in the spec");
  }
  if (pooling_ == LLAMA_POOLING_TYPE_RANK) {
    throw InputError("this is a reranker (rank pooling), not an embedding model", options_.path, 0,
                     "");
  }
}

void GgufEncoder::ensure_context(std::size_t tokens) {
  const std::size_t wanted = std::min(max_tokens_, std::max(tokens, kMinBatchTokens));
  if (ctx_ != nullptr && llama_n_batch(ctx_) >= wanted) return;
  if (ctx_ != nullptr) {
    llama_free(ctx_);
    ctx_ = nullptr;
  }
  llama_context_params cp = llama_context_default_params();
  n_seq_max_ = std::min<std::size_t>(kMaxSequencesPerBatch, wanted);
  cp.n_ctx = static_cast<std::uint32_t>(wanted);
  cp.n_batch = cp.n_ctx;
  cp.n_ubatch = cp.n_ctx;  // non-causal models need a whole sequence in one ubatch
  cp.n_seq_max = static_cast<std::uint32_t>(n_seq_max_);
  cp.kv_unified = true;  // the n_ctx cells are shared by whatever sequences a batch holds
  cp.embeddings = true;
  // Flash attention on the CPU rounds K and V (and, below 64 tokens a batch, Q) to f16: a text's
  // vector would then depend on which other sequences share its batch (measured: 1.5e-4 apart)
  // and drift from an f32 reference. Exact attention costs ~20% here; flash_attn=true opts in.
  cp.flash_attn_type =
      options_.flash_attn ? LLAMA_FLASH_ATTN_TYPE_ENABLED : LLAMA_FLASH_ATTN_TYPE_DISABLED;
  // Decoders keep K and V in llama.cpp's cache, f16 by default: that rounds every key and value
  // to 11 bits (measured 3.4e-4 off an f64 reference on the tiny Qwen3, against 4e-5 for the
  // f32 arithmetic bound). An embedding pass holds one batch in the cache: f32 costs little.
  if (!options_.flash_attn) {
    cp.type_k = GGML_TYPE_F32;
    cp.type_v = GGML_TYPE_F32;
  }
  cp.n_threads = threads_;
  cp.n_threads_batch = threads_;
  cp.no_perf = true;
  if (!options_.pooling.empty()) {
    cp.pooling_type = static_cast<enum llama_pooling_type>(
        pooling_from_name(options_.pooling, spec_.to_string()));
  }
  ctx_ = llama_init_from_model(model_->raw(), cp);
  if (ctx_ == nullptr) {
    throw InputError("llama.cpp could not create a context of " + std::to_string(wanted) +
                         " tokens for this model",
                     options_.path, 0, "try a smaller max_tokens");
  }
  if (options_.causal) llama_set_causal_attn(ctx_, *options_.causal);
}

GgufEncoder::~GgufEncoder() {
  if (ctx_ != nullptr) llama_free(ctx_);
}

int GgufEncoder::threads() const { return llama_n_threads_batch(ctx_); }

std::size_t GgufEncoder::context_tokens() const { return llama_n_batch(ctx_); }

std::string GgufEncoder::pooling_name() const {
  switch (pooling_) {
    case LLAMA_POOLING_TYPE_MEAN:
      return "mean";
    case LLAMA_POOLING_TYPE_CLS:
      return "cls";
    case LLAMA_POOLING_TYPE_LAST:
      return "last";
    default:
      return "none";
  }
}

std::vector<std::vector<std::int32_t>> GgufEncoder::tokenize_texts(
    std::span<const std::string_view> texts, Role role) const {
  const std::string& pre = prefix(role);
  std::vector<std::vector<std::int32_t>> content(texts.size());
  // llama.cpp's vocabulary is read-only after load: tokenize on the encoder's threads.
  const auto threads = static_cast<std::size_t>(threads_);
  std::vector<std::string> buffers(parallel_workers(texts.size(), threads));
  parallel_for(texts.size(), threads, [&](std::size_t i, std::size_t worker) {
    std::string& buf = buffers[worker];
    buf.assign(pre);
    buf.append(texts[i]);
    content[i] = model_->tokenize(buf, /*add_special=*/false);
  });
  return content;
}

std::vector<TokenWindow> GgufEncoder::plan_text(std::size_t content_tokens,
                                                LengthReport& report) const {
  const std::size_t specials = model_->leading_special().size() + model_->trailing_special().size();
  const std::size_t budget = (options_.window > 0 ? options_.window : max_tokens_) - specials;
  std::vector<TokenWindow> windows;
  if (options_.window > 0) {
    windows = plan_windows(content_tokens, budget, options_.stride.value_or(budget));
    if (windows.size() > 1) ++report.split;
  } else {
    if (content_tokens > budget) ++report.truncated;
    windows = {TokenWindow{0, std::min(content_tokens, budget)}};
  }
  ++report.texts;
  report.tokens += content_tokens;
  report.windows += windows.size();
  return windows;
}

LengthReport GgufEncoder::measure_lengths(std::span<const std::string_view> texts, Role role) {
  LengthReport report;
  for (const auto& c : tokenize_texts(texts, role)) (void)plan_text(c.size(), report);
  return report;
}

std::vector<std::vector<std::int32_t>> GgufEncoder::chunk_tokens(
    std::span<const std::string_view> texts, Role role, std::vector<std::size_t>& offsets) {
  const std::vector<std::int32_t>& lead = model_->leading_special();
  const std::vector<std::int32_t>& trail = model_->trailing_special();
  LengthReport lengths;
  std::vector<std::vector<std::int32_t>> seqs;
  offsets.assign(1, 0);
  for (const std::vector<std::int32_t>& c : tokenize_texts(texts, role)) {
    for (const TokenWindow& w : plan_text(c.size(), lengths)) {
      std::vector<std::int32_t> s;
      s.reserve(w.end - w.begin + lead.size() + trail.size());
      s.insert(s.end(), lead.begin(), lead.end());
      s.insert(s.end(), c.begin() + static_cast<std::ptrdiff_t>(w.begin),
               c.begin() + static_cast<std::ptrdiff_t>(w.end));
      s.insert(s.end(), trail.begin(), trail.end());
      seqs.push_back(std::move(s));
    }
    offsets.push_back(seqs.size());
  }
  stats_.texts += lengths.texts;
  stats_.truncated += lengths.truncated;
  stats_.split += lengths.split;
  return seqs;
}

DenseMatrix GgufEncoder::encode_tokens(const std::vector<std::vector<std::int32_t>>& sequences) {
  DenseMatrix out(sequences.size(), dim_);
  // Longest first: batches hold sequences of similar length, and the big ones go early so the
  // progress estimate is pessimistic rather than optimistic.
  std::vector<std::size_t> order(sequences.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return sequences[a].size() > sequences[b].size();
  });
  std::size_t longest = 0;
  for (const auto& s : sequences) longest = std::max(longest, s.size());
  EMBEVAL_CHECK(longest <= max_tokens_, "encode_tokens: a sequence is longer than max_tokens");
  ensure_context(longest);
  // Packing depends on this call's sequences only, not on how far the context grew before: a
  // resumed run (earlier blocks from the embedding cache) must form the same batches.
  const std::size_t capacity = std::min(max_tokens_, std::max(longest, kMinBatchTokens));
  llama_batch batch = llama_batch_init(static_cast<std::int32_t>(capacity), 0,
                                       static_cast<std::int32_t>(n_seq_max_));
  Progress progress("encode", sequences.size(), "texts", sequences.size() >= 256);
  std::vector<std::size_t> members;
  std::size_t next = 0;
  std::size_t limit = capacity;
  try {
    while (next < order.size()) {
      members.clear();
      batch.n_tokens = 0;
      while (next < order.size() && members.size() < n_seq_max_) {
        const std::vector<std::int32_t>& s = sequences[order[next]];
        EMBEVAL_CHECK(s.size() <= capacity, "a sequence longer than the context reached decode");
        if (members.empty()) limit = std::min(capacity, std::max(kPackTokens, s.size()));
        if (static_cast<std::size_t>(batch.n_tokens) + s.size() > limit) break;
        const auto seq = static_cast<llama_seq_id>(members.size());
        for (std::size_t p = 0; p < s.size(); ++p) {
          const std::int32_t k = batch.n_tokens++;
          batch.token[k] = s[p];
          batch.pos[k] = static_cast<llama_pos>(p);
          batch.n_seq_id[k] = 1;
          batch.seq_id[k][0] = seq;
          batch.logits[k] = 1;
        }
        members.push_back(order[next]);
        ++next;
      }
      EMBEVAL_CHECK(!members.empty(), "batch planning made no progress");
      if (batch.n_tokens > 0) {
        if (llama_memory_t mem = llama_get_memory(ctx_)) llama_memory_clear(mem, true);
        const Stopwatch t0;
        const int rc = use_encode_ ? llama_encode(ctx_, batch) : llama_decode(ctx_, batch);
        stats_.model_seconds += t0.seconds();
        if (rc != 0) {
          throw InputError("llama.cpp failed to evaluate a batch (code " + std::to_string(rc) + ")",
                           options_.path, 0, "try a smaller max_tokens");
        }
        ++stats_.batches;
        stats_.tokens += static_cast<std::size_t>(batch.n_tokens);
      }
      for (std::size_t j = 0; j < members.size(); ++j) {
        float* dst = out.row(members[j]);
        if (sequences[members[j]].empty()) continue;  // nothing to embed: a zero vector
        const float* e = llama_get_embeddings_seq(ctx_, static_cast<llama_seq_id>(j));
        EMBEVAL_CHECK(e != nullptr, "pooled embeddings missing for a sequence");
        std::copy(e, e + dim_, dst);
        if (options_.normalize) normalize({dst, dim_});
      }
      progress.add(members.size());
    }
  } catch (...) {
    llama_batch_free(batch);
    throw;
  }
  llama_batch_free(batch);
  stats_.chunks += sequences.size();
  return out;
}

ChunkedEmbeddings GgufEncoder::encode_chunks(std::span<const std::string_view> texts, Role role) {
  ChunkedEmbeddings r;
  const auto seqs = chunk_tokens(texts, role, r.offsets);
  r.chunks = encode_tokens(seqs);
  return r;
}

EmbeddingBatch GgufEncoder::encode(std::span<const std::string_view> texts, Role role) {
  ChunkedEmbeddings c = encode_chunks(texts, role);
  EmbeddingBatch batch;
  if (options_.window > 0 && options_.chunk_agg == ChunkAggregation::kMax &&
      role == Role::kDocument) {
    // The score is the best chunk's: only the index can take that maximum (ChunkMaxIndex).
    MultiVectorMatrix m;
    m.vectors = std::move(c.chunks);
    m.offsets = std::move(c.offsets);
    batch.multi = std::move(m);
    return batch;
  }
  DenseMatrix out(texts.size(), dim_);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::size_t b = c.offsets[i];
    const bool first = options_.chunk_agg == ChunkAggregation::kFirst;
    const std::size_t e = first ? b + 1 : c.offsets[i + 1];
    float* dst = out.row(i);
    for (std::size_t k = b; k < e; ++k) {
      const float* src = c.chunks.row(k);
      for (std::size_t d = 0; d < dim_; ++d) dst[d] += src[d];
    }
    const float inv = 1.0f / static_cast<float>(e - b);
    for (std::size_t d = 0; d < dim_; ++d) dst[d] *= inv;
    // A split document keeps the plain mean of its (normalised) chunk vectors, so its inner
    // product with a query is exactly the mean of the chunk scores. Queries, scored as one
    // vector, are normalised again.
    if (options_.normalize && (e - b == 1 || role == Role::kQuery)) normalize({dst, dim_});
  }
  batch.dense = std::move(out);
  return batch;
}

std::unique_ptr<Encoder> make_gguf_encoder(const ModelSpec& spec, const EncoderOptions& options) {
  return std::make_unique<GgufEncoder>(spec, static_cast<int>(options.threads));
}

const ParamSchema& gguf_param_schema() {
  static const ParamSchema kSchema{
      "gguf",
      "a GGUF model file",
      {{.key = "pooling",
        .type = ParamType::kChoice,
        .choices = {"mean", "cls", "last"},
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "how token vectors become one vector (none is refused: one vector per token)",
        .default_help = "the GGUF's `<arch>.pooling_type`"},
       {.key = "normalize",
        .type = ParamType::kBoolean,
        .fallback = "true",
        .help = "L2-normalise every vector"},
       {.key = "query_prefix",
        .type = ParamType::kText,
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "text put before every query; `%0A` is a newline",
        .default_help = "by model family"},
       {.key = "document_prefix",
        .type = ParamType::kText,
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "text put before every document",
        .default_help = "by model family"},
       {.key = "max_tokens",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "longer texts are truncated (counted and reported)",
        .default_help = "the training context"},
       {.key = "causal",
        .type = ParamType::kBoolean,
        .absent = ParamAbsent::kLeftOut,
        .help = "false runs a decoder with bidirectional attention (LLM2Vec style)",
        .default_help = "the model's own"},
       {.key = "window",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kLeftOut,
        .help = "split long texts into windows of this many tokens (specials included)",
        .default_help = "off"},
       {.key = "stride",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kLeftOut,
        .help = "a window starts every this many content tokens; every token is covered",
        .default_help = "no overlap"},
       {.key = "chunk_agg",
        .type = ParamType::kChoice,
        .fallback = "mean",
        .choices = {"mean", "first", "max"},
        .absent = ParamAbsent::kLeftOut,
        .help = "how a split document scores: mean or first window (one vector), best window",
        .default_help = "`mean` (written out when window is set)"},
       {.key = "flash_attn",
        .type = ParamType::kBoolean,
        .fallback = "false",
        .help = "llama.cpp's flash attention: faster on the CPU, f16 K/V drift from float32"}}};
  return kSchema;
}

std::string check_gguf_spec(const ModelSpec& spec) {
  const GgufOptions options = GgufOptions::from_spec(spec);
  // The header only: a missing or corrupt file, or metadata llama.cpp cannot take, fails now.
  return canonical_spec(spec, options, read_gguf_info(options.path)).to_string();
}

namespace {

// Shown with escapes so an instruction's newline stays on one line.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) out += c == '\n' ? std::string("\\n") : std::string(1, c);
  return out + "\"";
}

}  // namespace

ModelFileFacts GgufEncoder::file_facts() const { return gguf_file_facts(model_->info()); }

std::vector<ModelSetting> GgufEncoder::settings() const {
  std::string budget = std::to_string(max_tokens_);
  if (options_.window) budget += ", windows of " + std::to_string(options_.window);
  return {{"pooling", pooling_name() + (options_.normalize ? ", L2-normalised" : "")},
          {"max tokens", budget},
          {"query prefix", quoted(prefix(Role::kQuery))},
          {"document prefix", quoted(prefix(Role::kDocument))}};
}

EncodeWork GgufEncoder::work() const {
  return {stats_.tokens, stats_.truncated, stats_.split, stats_.model_seconds};
}

}  // namespace embeval
