#include "gguf/gguf_metadata_check.h"

#include <gguf.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "embeval/core/error.h"

namespace embeval {
namespace {

// llama.cpp's limits (src/llama-hparams.h of the pinned version) and enum llama_pooling_type.
constexpr std::uint64_t kMaxLayers = 512;       // LLAMA_MAX_LAYERS
constexpr std::uint64_t kMaxExperts = 1024;     // LLAMA_MAX_EXPERTS
constexpr std::int64_t kLastPoolingType = 4;    // LLAMA_POOLING_TYPE_RANK
constexpr std::int64_t kFirstPoolingType = -1;  // LLAMA_POOLING_TYPE_UNSPECIFIED

class Checker {
 public:
  Checker(const gguf_context* ctx, const std::filesystem::path& path) : ctx_(ctx), path_(path) {}

  [[noreturn]] void fail(const std::string& key, const std::string& what,
                         const std::string& hint) const {
    throw InputError("GGUF metadata " + key + " " + what + " (llama.cpp cannot use this file)",
                     path_.string(), 0, hint);
  }

  // An integer key as llama.cpp reads it: any integer type; nullopt when absent.
  std::optional<std::int64_t> integer(const std::string& key) const {
    const std::int64_t id = gguf_find_key(ctx_, key.c_str());
    if (id < 0) return std::nullopt;
    switch (gguf_get_kv_type(ctx_, id)) {
      case GGUF_TYPE_UINT8:
        return gguf_get_val_u8(ctx_, id);
      case GGUF_TYPE_INT8:
        return gguf_get_val_i8(ctx_, id);
      case GGUF_TYPE_UINT16:
        return gguf_get_val_u16(ctx_, id);
      case GGUF_TYPE_INT16:
        return gguf_get_val_i16(ctx_, id);
      case GGUF_TYPE_UINT32:
        return gguf_get_val_u32(ctx_, id);
      case GGUF_TYPE_INT32:
        return gguf_get_val_i32(ctx_, id);
      case GGUF_TYPE_UINT64: {
        const std::uint64_t v = gguf_get_val_u64(ctx_, id);
        if (v > static_cast<std::uint64_t>(INT64_MAX)) fail(key, "is out of range", "");
        return static_cast<std::int64_t>(v);
      }
      case GGUF_TYPE_INT64:
        return gguf_get_val_i64(ctx_, id);
      default:
        fail(key, "is not an integer", "re-convert the model with convert_hf_to_gguf.py");
    }
  }

  void integer_in(const std::string& key, std::int64_t lo, std::int64_t hi, bool required,
                  const std::string& hint) const {
    const auto v = integer(key);
    if (!v) {
      if (required) fail(key, "is missing", hint);
      return;
    }
    if (*v < lo || *v > hi) {
      fail(key,
           "is " + std::to_string(*v) + ", outside [" + std::to_string(lo) + ", " +
               std::to_string(hi) + "]",
           hint);
    }
  }

  void positive_epsilon(const std::string& key) const {
    const std::int64_t id = gguf_find_key(ctx_, key.c_str());
    if (id < 0) return;
    double v = 0;
    if (gguf_get_kv_type(ctx_, id) == GGUF_TYPE_FLOAT32) {
      v = gguf_get_val_f32(ctx_, id);
    } else if (gguf_get_kv_type(ctx_, id) == GGUF_TYPE_FLOAT64) {
      v = gguf_get_val_f64(ctx_, id);
    } else {
      fail(key, "is not a float", "");
    }
    // The epsilon is added to a variance before a square root: it must be a small positive
    // number, or every normalised vector is NaN or unbounded.
    if (!std::isfinite(v) || v <= 0 || v >= 1) {
      fail(key, "is " + std::to_string(v) + ", not in (0, 1)", "typical values are 1e-12 to 1e-5");
    }
  }

  void vocabulary() const {
    const std::string key = "tokenizer.ggml.tokens";
    const std::int64_t id = gguf_find_key(ctx_, key.c_str());
    if (id < 0) return;  // llama.cpp then has no tokenizer: GgufModel says so
    if (gguf_get_kv_type(ctx_, id) != GGUF_TYPE_ARRAY ||
        gguf_get_arr_type(ctx_, id) != GGUF_TYPE_STRING) {
      fail(key, "is not an array of strings", "");
    }
    const std::size_t n = gguf_get_arr_n(ctx_, id);
    if (n == 0) fail(key, "is empty", "");
    if (n > static_cast<std::size_t>(INT32_MAX))
      fail(key, "holds more tokens than fit a token id", "");
    std::unordered_set<std::string_view> seen;
    seen.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::string_view token = gguf_get_arr_str(ctx_, id, i);
      if (!seen.insert(token).second) {
        fail(key,
             "lists the token '" + std::string(token.substr(0, 40)) + "' twice (again as id " +
                 std::to_string(i) + ")",
             "every vocabulary string must be unique");
      }
    }
    // Per-token arrays must match the token list (llama.cpp indexes them by token id).
    for (const char* per_token : {"tokenizer.ggml.scores", "tokenizer.ggml.token_type"}) {
      const std::int64_t a = gguf_find_key(ctx_, per_token);
      if (a >= 0 &&
          (gguf_get_kv_type(ctx_, a) != GGUF_TYPE_ARRAY || gguf_get_arr_n(ctx_, a) != n)) {
        fail(per_token, "does not have one entry per token (" + std::to_string(n) + ")", "");
      }
    }
    // Special token ids index the vocabulary.
    for (const char* special :
         {"tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id",
          "tokenizer.ggml.unknown_token_id", "tokenizer.ggml.seperator_token_id",
          "tokenizer.ggml.padding_token_id", "tokenizer.ggml.cls_token_id",
          "tokenizer.ggml.mask_token_id"}) {
      integer_in(special, -1, static_cast<std::int64_t>(n) - 1, false, "");
    }
  }

 private:
  const gguf_context* ctx_;
  const std::filesystem::path& path_;
};

std::string architecture(const gguf_context* ctx) {
  const std::int64_t id = gguf_find_key(ctx, "general.architecture");
  if (id < 0 || gguf_get_kv_type(ctx, id) != GGUF_TYPE_STRING) return {};
  return gguf_get_val_str(ctx, id);
}

}  // namespace

void check_llama_metadata(const gguf_context* ctx, const std::filesystem::path& path,
                          bool has_weights) {
  const Checker check(ctx, path);
  const std::string a = architecture(ctx);
  if (has_weights && !a.empty()) {
    const std::string convert = "re-convert the model with llama.cpp's convert_hf_to_gguf.py";
    check.integer_in(a + ".block_count", 1, kMaxLayers, true, convert);
    check.integer_in(a + ".embedding_length", 1, INT32_MAX, true, convert);
    check.integer_in(a + ".context_length", 1, INT32_MAX, true, convert);
    check.integer_in(a + ".expert_count", 0, kMaxExperts, false, convert);
    check.integer_in(a + ".pooling_type", kFirstPoolingType, kLastPoolingType, false,
                     "0 none, 1 mean, 2 cls, 3 last, 4 rank; or pass pooling= in the spec");
    check.positive_epsilon(a + ".attention.layer_norm_epsilon");
    check.positive_epsilon(a + ".attention.layer_norm_rms_epsilon");
  }
  check.vocabulary();
}

}  // namespace embeval
