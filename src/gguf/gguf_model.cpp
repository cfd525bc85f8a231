#include "embeval/gguf/gguf_model.h"

#include <gguf.h>
#include <llama.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <system_error>

#include "embeval/core/error.h"
#include "gguf/gguf_metadata_check.h"

namespace embeval {
namespace {

// llama.cpp and ggml talk a lot on stderr ("this is probably a bug in the model" for every odd
// token of a vocabulary). embeval shows errors as they come (they explain the InputError that
// follows), the first warning once as a note, and at exit how many more it kept back.
// EMBEVAL_LLAMA_LOG=1 (or the older EMBEVAL_LLAMA_VERBOSE) passes everything through.
class LlamaLogFilter {
 public:
  // Never destroyed: llama.cpp may log while its own statics are torn down at exit.
  static LlamaLogFilter& instance() {
    static LlamaLogFilter* const filter = [] {
      auto* f = new LlamaLogFilter();
      std::atexit([] { instance().print_summary(); });
      return f;
    }();
    return *filter;
  }
  void log(ggml_log_level level, const char* text) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (verbose_) {
      std::fputs(text, stderr);
      return;
    }
    // A continuation goes wherever the message it continues went.
    if (level == GGML_LOG_LEVEL_CONT) {
      if (last_shown_) std::fputs(text, stderr);
      return;
    }
    last_shown_ = false;
    // GgufEncoder never places a token beyond max_tokens <= the training context, so llama.cpp's
    // warning about a context larger than the training one (its cache is padded) is noise.
    if (std::strstr(text, "possible training context overflow") != nullptr) return;
    if (level == GGML_LOG_LEVEL_ERROR) {
      std::fprintf(stderr, "llama.cpp: %s", text);
      last_shown_ = true;
    } else if (level == GGML_LOG_LEVEL_WARN) {
      if (warnings_++ == 0) {
        std::fprintf(stderr, "note: llama.cpp: %s", text);
        last_shown_ = true;
      }
    }
  }
  void print_summary() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (warnings_ > 1) {
      std::fprintf(stderr,
                   "note: %zu more llama.cpp warnings not shown (EMBEVAL_LLAMA_LOG=1 shows "
                   "them)\n",
                   warnings_ - 1);
    }
  }

 private:
  LlamaLogFilter()
      : verbose_(std::getenv("EMBEVAL_LLAMA_LOG") != nullptr ||
                 std::getenv("EMBEVAL_LLAMA_VERBOSE") != nullptr) {}
  std::mutex mutex_;
  const bool verbose_;
  bool last_shown_ = false;
  std::size_t warnings_ = 0;
};

void log_to_stderr(ggml_log_level level, const char* text, void* /*user*/) {
  LlamaLogFilter::instance().log(level, text);
}

// Metadata values are read only after checking their type: the gguf getters abort on a mismatch,
// and a hostile or damaged file must give an InputError, not an abort.
std::optional<std::uint64_t> get_unsigned(const gguf_context* ctx, const std::string& key) {
  const std::int64_t id = gguf_find_key(ctx, key.c_str());
  if (id < 0) return std::nullopt;
  switch (gguf_get_kv_type(ctx, id)) {
    case GGUF_TYPE_UINT8:
      return gguf_get_val_u8(ctx, id);
    case GGUF_TYPE_UINT16:
      return gguf_get_val_u16(ctx, id);
    case GGUF_TYPE_UINT32:
      return gguf_get_val_u32(ctx, id);
    case GGUF_TYPE_UINT64:
      return gguf_get_val_u64(ctx, id);
    case GGUF_TYPE_INT32: {
      const std::int32_t v = gguf_get_val_i32(ctx, id);
      return v < 0 ? std::nullopt : std::optional<std::uint64_t>(v);
    }
    case GGUF_TYPE_INT64: {
      const std::int64_t v = gguf_get_val_i64(ctx, id);
      return v < 0 ? std::nullopt : std::optional<std::uint64_t>(v);
    }
    default:
      return std::nullopt;
  }
}

std::string get_string(const gguf_context* ctx, const std::string& key) {
  const std::int64_t id = gguf_find_key(ctx, key.c_str());
  if (id < 0 || gguf_get_kv_type(ctx, id) != GGUF_TYPE_STRING) return {};
  return gguf_get_val_str(ctx, id);
}

std::optional<bool> get_bool(const gguf_context* ctx, const std::string& key) {
  const std::int64_t id = gguf_find_key(ctx, key.c_str());
  if (id < 0 || gguf_get_kv_type(ctx, id) != GGUF_TYPE_BOOL) return std::nullopt;
  return gguf_get_val_bool(ctx, id);
}

}  // namespace

void ensure_llama_backend() {
  static std::once_flag once;
  std::call_once(once, [] {
    llama_log_set(log_to_stderr, nullptr);
    llama_backend_init();
  });
}

GgufFileInfo read_gguf_info(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw InputError("model file not found: " + path.string(), path.string(), 0,
                     "pass gguf:PATH with the path of a .gguf file");
  }
  ensure_llama_backend();
  gguf_init_params params{/*no_alloc=*/true, /*ctx=*/nullptr};
  std::unique_ptr<gguf_context, decltype(&gguf_free)> owner(
      gguf_init_from_file(path.string().c_str(), params), &gguf_free);
  const gguf_context* ctx = owner.get();
  if (ctx == nullptr) {
    throw InputError("not a valid GGUF file (bad magic, version or truncated header)",
                     path.string(), 0, "re-download or re-convert the model");
  }
  GgufFileInfo info;
  info.architecture = get_string(ctx, "general.architecture");
  info.name = get_string(ctx, "general.name");
  info.tokenizer_model = get_string(ctx, "tokenizer.ggml.model");
  info.tensor_count = static_cast<std::size_t>(gguf_get_n_tensors(ctx));
  info.file_bytes = std::filesystem::file_size(path, ec);
  const std::string& a = info.architecture;
  if (auto v = get_unsigned(ctx, a + ".context_length")) info.context_length = *v;
  if (auto v = get_unsigned(ctx, a + ".embedding_length")) info.embedding_length = *v;
  if (auto v = get_unsigned(ctx, a + ".pooling_type")) info.pooling_type = static_cast<int>(*v);
  info.causal_attention = get_bool(ctx, a + ".attention.causal");
  if (auto v = get_unsigned(ctx, "tokenizer.ggml.unknown_token_id")) {
    info.unknown_token_id = static_cast<std::int32_t>(*v);
  }
  // Quantization: the tensor type holding most bytes (embeddings and norms are often F32
  // while the matrices are quantized; the matrices dominate).
  std::map<std::string, std::size_t> bytes_by_type;
  for (std::int64_t t = 0; t < gguf_get_n_tensors(ctx); ++t) {
    bytes_by_type[ggml_type_name(gguf_get_tensor_type(ctx, t))] += gguf_get_tensor_size(ctx, t);
  }
  std::size_t best = 0;
  for (const auto& [type, bytes] : bytes_by_type) {
    if (bytes > best) {
      best = bytes;
      info.quantization = type;
    }
  }
  check_llama_metadata(ctx, path, info.tensor_count > 0);
  owner.reset();
  if (info.architecture.empty()) {
    throw InputError("GGUF file has no general.architecture", path.string(), 0,
                     "convert the model with llama.cpp's convert_hf_to_gguf.py");
  }
  return info;
}

std::string tokenizer_family_name(int llama_vocab_type) {
  switch (llama_vocab_type) {
    case LLAMA_VOCAB_TYPE_SPM:
      return "spm";
    case LLAMA_VOCAB_TYPE_BPE:
      return "bpe";
    case LLAMA_VOCAB_TYPE_WPM:
      return "wordpiece";
    case LLAMA_VOCAB_TYPE_UGM:
      return "unigram";
    case LLAMA_VOCAB_TYPE_RWKV:
      return "rwkv";
    case LLAMA_VOCAB_TYPE_PLAMO2:
      return "plamo2";
    default:
      return "none";
  }
}

GgufModel::GgufModel(const std::filesystem::path& path, bool vocab_only)
    : path_(path), info_(read_gguf_info(path)), vocab_only_(vocab_only) {
  if (!vocab_only && info_.tensor_count == 0) {
    throw InputError(
        "GGUF file holds a vocabulary only (no weights): it can be inspected but "
        "not used to encode",
        path.string(), 0, "use a model file with weights, or `embeval inspect`");
  }
  llama_model_params mp = llama_model_default_params();
  mp.vocab_only = vocab_only;
  mp.n_gpu_layers = 0;
  const char* gpu = std::getenv("EMBEVAL_LLAMA_GPU_LAYERS");
  if (gpu != nullptr) mp.n_gpu_layers = std::atoi(gpu);
  model_ = llama_model_load_from_file(path.string().c_str(), mp);
  if (model_ == nullptr) {
    throw InputError("llama.cpp could not load the model (architecture '" + info_.architecture +
                         "'; see the llama.cpp message above)",
                     path.string(), 0,
                     "the file may be corrupt, or from a newer llama.cpp than the pinned one");
  }
  vocab_ = llama_model_get_vocab(model_);
  if (llama_vocab_type(vocab_) == LLAMA_VOCAB_TYPE_NONE) {
    llama_model_free(model_);
    throw InputError("GGUF file has no tokenizer", path.string(), 0, "");
  }
  // llama.cpp disables a special token whose id lies outside the vocabulary and then asserts
  // (aborts) when tokenization needs it: refuse such a vocabulary here instead.
  const bool wordpiece = llama_vocab_type(vocab_) == LLAMA_VOCAB_TYPE_WPM;
  const struct {
    bool needed;
    llama_token id;
    const char* what;
    const char* key;
  } specials[] = {
      {wordpiece || llama_vocab_get_add_bos(vocab_), llama_vocab_bos(vocab_), "beginning (BOS/CLS)",
       "tokenizer.ggml.bos_token_id"},
      {!wordpiece && llama_vocab_get_add_eos(vocab_), llama_vocab_eos(vocab_), "end (EOS)",
       "tokenizer.ggml.eos_token_id"},
      {wordpiece, llama_vocab_sep(vocab_), "separator (SEP)", "tokenizer.ggml.seperator_token_id"},
  };
  for (const auto& special : specials) {
    if (special.needed && special.id == LLAMA_TOKEN_NULL) {
      llama_model_free(model_);
      model_ = nullptr;
      throw InputError(std::string("the tokenizer adds a ") + special.what +
                           " token but the vocabulary has none (" + special.key +
                           " missing or outside the vocabulary)",
                       path.string(), 0, "the file is damaged or was converted incompletely");
    }
  }
  // Specials around text: tokenize a probe with and without them and take the difference.
  const std::vector<std::int32_t> with = tokenize("a", true);
  const std::vector<std::int32_t> without = tokenize("a", false);
  std::size_t lead = 0;
  while (lead < with.size() && (without.empty() || with[lead] != without[0])) ++lead;
  leading_.assign(with.begin(), with.begin() + static_cast<std::ptrdiff_t>(lead));
  const std::size_t tail_start = std::min(with.size(), lead + without.size());
  trailing_.assign(with.begin() + static_cast<std::ptrdiff_t>(tail_start), with.end());
}

GgufModel::~GgufModel() {
  if (model_ != nullptr) llama_model_free(model_);
}

std::vector<std::int32_t> GgufModel::tokenize(std::string_view text, bool add_special) const {
  // First call with a capacity that fits almost every text; llama_tokenize returns the needed
  // size negated when it does not.
  std::vector<llama_token> out(text.size() + 8);
  int n = llama_tokenize(vocab_, text.data(), static_cast<std::int32_t>(text.size()), out.data(),
                         static_cast<std::int32_t>(out.size()), add_special,
                         /*parse_special=*/false);
  if (n < 0) {
    out.resize(static_cast<std::size_t>(-n));
    n = llama_tokenize(vocab_, text.data(), static_cast<std::int32_t>(text.size()), out.data(),
                       static_cast<std::int32_t>(out.size()), add_special, false);
  }
  EMBEVAL_CHECK(n >= 0, "llama_tokenize failed twice");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::size_t GgufModel::vocabulary_size() const {
  return static_cast<std::size_t>(llama_vocab_n_tokens(vocab_));
}

std::string GgufModel::tokenizer_family() const {
  return tokenizer_family_name(llama_vocab_type(vocab_));
}

bool GgufModel::is_unknown_token(std::int32_t id) const {
  // WordPiece vocabularies mark [UNK] only through the metadata id, not the token attribute.
  return (info_.unknown_token_id && id == *info_.unknown_token_id) ||
         (llama_vocab_get_attr(vocab_, id) & LLAMA_TOKEN_ATTR_UNKNOWN) != 0;
}

bool GgufModel::is_byte_token(std::int32_t id) const {
  return (llama_vocab_get_attr(vocab_, id) & LLAMA_TOKEN_ATTR_BYTE) != 0;
}

std::int32_t GgufModel::unknown_token() const {
  if (info_.unknown_token_id) return *info_.unknown_token_id;
  for (std::int32_t id = 0; id < llama_vocab_n_tokens(vocab_); ++id) {
    if (is_unknown_token(id)) return id;
  }
  return -1;
}

std::size_t GgufModel::embedding_dimension() const {
  if (vocab_only_) return info_.embedding_length.value_or(0);
  return static_cast<std::size_t>(llama_model_n_embd_out(model_));
}

std::size_t GgufModel::context_window() const {
  if (vocab_only_) return info_.context_length.value_or(0);
  return static_cast<std::size_t>(llama_model_n_ctx_train(model_));
}

std::uint64_t GgufModel::parameter_count() const {
  return vocab_only_ ? 0 : llama_model_n_params(model_);
}

ModelCard GgufModel::card() const {
  ModelCard c;
  c.family = "dense";
  c.architecture = info_.architecture;
  c.tokenizer = tokenizer_family();
  if (context_window() > 0) c.context_window_tokens = context_window();
  c.dimension = embedding_dimension();
  c.vocabulary_size = vocabulary_size();
  if (!vocab_only_) c.parameters = parameter_count();
  return c;
}

ModelFileFacts gguf_file_facts(const GgufFileInfo& info) {
  return {info.name, info.file_bytes, info.quantization, info.tensor_count == 0};
}

}  // namespace embeval
