#include "embeval/gguf/gguf_token_states.h"

#include <llama.h>

#include <algorithm>
#include <string>

#include "embeval/core/error.h"
#include "embeval/gguf/gguf_model.h"
#include "embeval/util/thread_count.h"

namespace embeval {

GgufTokenStates::GgufTokenStates(const std::filesystem::path& path, std::size_t max_tokens,
                                 int threads)
    : model_(std::make_unique<GgufModel>(path, /*vocab_only=*/false)) {
  llama_model* m = model_->raw();
  if (llama_model_has_encoder(m) && llama_model_has_decoder(m)) {
    throw InputError("encoder-decoder models (e.g. T5) have no per-token states here",
                     path.string(), 0, "use an encoder-only model such as BGE-M3");
  }
  use_encode_ = llama_model_has_encoder(m);
  hidden_ = static_cast<std::size_t>(llama_model_n_embd(m));
  const std::size_t trained = model_->context_window();
  max_tokens_ = max_tokens == 0 ? trained : max_tokens;
  if (max_tokens_ == 0 || (trained > 0 && max_tokens_ > trained)) {
    throw InputError("max_tokens=" + std::to_string(max_tokens_) +
                         " outside the model's context (" + std::to_string(trained) + " tokens)",
                     path.string(), 0, "pass max_tokens <= the training context");
  }
  const std::size_t minimum = model_->leading_special().size() + model_->trailing_special().size();
  if (max_tokens_ <= minimum) {
    throw InputError("max_tokens=" + std::to_string(max_tokens_) +
                         " leaves no room for text between the special tokens",
                     path.string());
  }
  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = static_cast<std::uint32_t>(max_tokens_);
  cp.n_batch = cp.n_ctx;
  cp.n_ubatch = cp.n_ctx;  // a non-causal pass needs the whole sequence in one ubatch
  cp.n_seq_max = 1;
  cp.embeddings = true;
  cp.pooling_type = LLAMA_POOLING_TYPE_NONE;
  // Exact attention: flash attention rounds K and V to f16 on the CPU (see gguf_encoder.cpp).
  cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  const int n = threads > 0 ? threads : static_cast<int>(resolve_thread_count(0));
  cp.n_threads = n;
  cp.n_threads_batch = n;
  cp.no_perf = true;
  ctx_ = llama_init_from_model(m, cp);
  if (ctx_ == nullptr) {
    throw InputError("llama.cpp could not create a context of " + std::to_string(max_tokens_) +
                         " tokens for this model",
                     path.string(), 0, "try a smaller max_tokens");
  }
}

GgufTokenStates::~GgufTokenStates() {
  if (ctx_ != nullptr) llama_free(ctx_);
}

std::unordered_set<std::int32_t> GgufTokenStates::special_ids() const {
  std::unordered_set<std::int32_t> ids(model_->leading_special().begin(),
                                       model_->leading_special().end());
  ids.insert(model_->trailing_special().begin(), model_->trailing_special().end());
  const llama_vocab* vocab = llama_model_get_vocab(model_->raw());
  for (const llama_token t : {llama_vocab_bos(vocab), llama_vocab_eos(vocab),
                              llama_vocab_sep(vocab), llama_vocab_pad(vocab)}) {
    if (t >= 0) ids.insert(t);
  }
  if (model_->unknown_token() >= 0) ids.insert(model_->unknown_token());
  return ids;
}

std::vector<TokenStates> GgufTokenStates::run(std::span<const std::string_view> texts) {
  std::vector<TokenStates> out(texts.size());
  llama_batch batch = llama_batch_init(static_cast<std::int32_t>(max_tokens_), 0, 1);
  try {
    for (std::size_t i = 0; i < texts.size(); ++i) {
      std::vector<std::int32_t> ids = model_->tokenize(texts[i], /*add_special=*/true);
      if (ids.size() > max_tokens_) {  // keep the trailing specials, as HF truncation does
        const std::size_t tail = model_->trailing_special().size();
        std::copy(ids.end() - static_cast<std::ptrdiff_t>(tail), ids.end(),
                  ids.begin() + static_cast<std::ptrdiff_t>(max_tokens_ - tail));
        ids.resize(max_tokens_);
      }
      batch.n_tokens = 0;
      for (std::size_t p = 0; p < ids.size(); ++p) {
        batch.token[p] = ids[p];
        batch.pos[p] = static_cast<llama_pos>(p);
        batch.n_seq_id[p] = 1;
        batch.seq_id[p][0] = 0;
        batch.logits[p] = 1;
        ++batch.n_tokens;
      }
      TokenStates& states = out[i];
      states.hidden = DenseMatrix(ids.size(), hidden_);
      if (!ids.empty()) {
        if (llama_memory_t mem = llama_get_memory(ctx_)) llama_memory_clear(mem, true);
        if ((use_encode_ ? llama_encode(ctx_, batch) : llama_decode(ctx_, batch)) != 0) {
          throw InputError(
              "llama.cpp failed to evaluate a text of " + std::to_string(ids.size()) + " tokens",
              model_->path().string(), 0, "try a smaller max_tokens");
        }
        for (std::size_t p = 0; p < ids.size(); ++p) {
          const float* e = llama_get_embeddings_ith(ctx_, static_cast<std::int32_t>(p));
          EMBEVAL_CHECK(e != nullptr, "per-token states missing after the pass");
          std::copy(e, e + hidden_, states.hidden.row(p));
        }
      }
      states.ids = std::move(ids);
    }
  } catch (...) {
    llama_batch_free(batch);
    throw;
  }
  llama_batch_free(batch);
  return out;
}

}  // namespace embeval
