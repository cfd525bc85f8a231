#include "embeval/gguf/gguf_reranker.h"

#include <llama.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>
#include <optional>

#include "embeval/core/error.h"
#include "embeval/util/thread_count.h"

namespace embeval {
namespace {

// Sequences per llama_encode call at most (llama.cpp's own limit is LLAMA_MAX_SEQ, 256).
constexpr std::size_t kMaxSequencesPerBatch = 64;

struct RerankerOptions {
  std::string path;
  std::optional<std::size_t> max_tokens;
};

RerankerOptions options_from_spec(const ModelSpec& spec) {
  check_known_keys(gguf_reranker_param_schema(), spec);
  if (spec.path.empty()) {
    throw InputError("a gguf reranker needs a model file: gguf:PATH", "", 0,
                     "e.g. --rerank gguf:bge-reranker-v2-m3-q8_0.gguf?top=100");
  }
  RerankerOptions o;
  o.path = spec.path;
  for (const auto& [key, value] : spec.params) {
    (void)canonical_value(*gguf_reranker_param_schema().find(key), value, spec);
  }
  if (spec.params.count("max_tokens")) {
    o.max_tokens = static_cast<std::size_t>(spec.get_int("max_tokens", 0));
  }
  return o;
}

void require_rank_pooling(const GgufFileInfo& info, const std::string& path) {
  if (!info.pooling_type || *info.pooling_type != LLAMA_POOLING_TYPE_RANK) {
    throw InputError(
        "not a reranker: the GGUF's pooling type is " +
            (info.pooling_type ? std::to_string(*info.pooling_type) : std::string("absent")) +
            ", not rank (4)",
        path, 0,
        "convert a cross-encoder (e.g. BAAI/bge-reranker-v2-m3) with llama.cpp's "
        "convert_hf_to_gguf.py, which writes pooling type rank and the classification head; an "
        "embedding model belongs in --model");
  }
}

ModelSpec canonical_spec(const ModelSpec& spec, const RerankerOptions& o,
                         const GgufFileInfo& info) {
  ModelSpec c = canonicalise(gguf_reranker_param_schema(), spec);
  if (!o.max_tokens && info.context_length) {
    c.params["max_tokens"] = std::to_string(*info.context_length);
  }
  return c;
}

int default_threads() {
  if (const char* env = std::getenv("EMBEVAL_LLAMA_THREADS")) {
    const int n = std::atoi(env);
    if (n > 0) return n;
  }
  return static_cast<int>(resolve_thread_count(0));
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

}  // namespace

const ParamSchema& gguf_reranker_param_schema() {
  static const ParamSchema kSchema{
      "gguf",
      "a GGUF cross-encoder (pooling type rank)",
      {rerank_top_rule(),
       {.key = "max_tokens",
        .type = ParamType::kInteger,
        .min = 4,
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "longer pairs lose document tokens, then query tokens (counted)",
        .default_help = "the training context"}}};
  return kSchema;
}

std::string check_gguf_reranker_spec(const ModelSpec& spec) {
  const RerankerOptions o = options_from_spec(spec);
  const GgufFileInfo info = read_gguf_info(o.path);
  require_rank_pooling(info, o.path);
  return canonical_spec(spec, o, info).to_string();
}

GgufReranker::GgufReranker(const ModelSpec& spec, int threads) {
  const RerankerOptions o = options_from_spec(spec);
  model_ = std::make_unique<GgufModel>(o.path, /*vocab_only=*/false);
  require_rank_pooling(model_->info(), o.path);
  spec_ = canonical_spec(spec, o, model_->info()).to_string();
  llama_model* m = model_->raw();
  const std::size_t n_ctx_train = model_->context_window();
  max_tokens_ = o.max_tokens.value_or(n_ctx_train);
  if (max_tokens_ == 0) max_tokens_ = 512;
  if (n_ctx_train > 0 && max_tokens_ > n_ctx_train) {
    throw InputError("max_tokens=" + std::to_string(max_tokens_) +
                         " exceeds the model's context window of " + std::to_string(n_ctx_train) +
                         " tokens",
                     o.path, 0, "use max_tokens <= " + std::to_string(n_ctx_train));
  }
  if (const char* t = llama_model_chat_template(m, "rerank")) rerank_template_ = t;

  llama_context_params cp = llama_context_default_params();
  n_seq_max_ = std::min(kMaxSequencesPerBatch, max_tokens_);
  cp.n_ctx = static_cast<std::uint32_t>(max_tokens_);
  cp.n_batch = cp.n_ctx;
  cp.n_ubatch = cp.n_ctx;  // a non-causal model needs a whole sequence in one ubatch
  cp.n_seq_max = static_cast<std::uint32_t>(n_seq_max_);
  cp.kv_unified = true;
  cp.embeddings = true;
  cp.pooling_type = LLAMA_POOLING_TYPE_RANK;
  cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  cp.type_k = GGML_TYPE_F32;
  cp.type_v = GGML_TYPE_F32;
  const int n_threads = threads > 0 ? threads : default_threads();
  cp.n_threads = n_threads;
  cp.n_threads_batch = n_threads;
  cp.no_perf = true;
  ctx_ = llama_init_from_model(m, cp);
  if (ctx_ == nullptr) {
    throw InputError("llama.cpp could not create a context of " + std::to_string(max_tokens_) +
                         " tokens for this reranker",
                     o.path, 0, "try a smaller max_tokens");
  }
  stats_.tokens_source = "model";
}

GgufReranker::~GgufReranker() {
  if (ctx_ != nullptr) llama_free(ctx_);
}

std::vector<std::int32_t> GgufReranker::tokenize(std::string_view text, bool parse_special) const {
  if (!parse_special) return model_->tokenize(text, /*add_special=*/false);
  const llama_vocab* vocab = llama_model_get_vocab(model_->raw());
  std::vector<llama_token> out(text.size() + 8);
  int n = llama_tokenize(vocab, text.data(), static_cast<std::int32_t>(text.size()), out.data(),
                         static_cast<std::int32_t>(out.size()), false, true);
  if (n < 0) {
    out.resize(static_cast<std::size_t>(-n));
    n = llama_tokenize(vocab, text.data(), static_cast<std::int32_t>(text.size()), out.data(),
                       static_cast<std::int32_t>(out.size()), false, true);
  }
  EMBEVAL_CHECK(n >= 0, "llama_tokenize failed twice");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::vector<std::int32_t> GgufReranker::pair_tokens(std::string_view query,
                                                    std::string_view document) {
  if (!rerank_template_.empty()) {
    std::string prompt = rerank_template_;
    replace_all(prompt, "{query}", query);
    replace_all(prompt, "{document}", document);
    std::vector<std::int32_t> t = tokenize(prompt, /*parse_special=*/true);
    if (t.size() > max_tokens_) {
      t.resize(max_tokens_);
      ++stats_.truncated_pairs;
    }
    return t;
  }
  const llama_vocab* vocab = llama_model_get_vocab(model_->raw());
  std::vector<std::int32_t> q = tokenize(query, false);
  std::vector<std::int32_t> d = tokenize(document, false);
  llama_token eos = llama_vocab_eos(vocab);
  if (eos == LLAMA_TOKEN_NULL) eos = llama_vocab_sep(vocab);
  const bool bos = llama_vocab_get_add_bos(vocab);
  const bool add_eos = llama_vocab_get_add_eos(vocab);
  const bool sep = llama_vocab_get_add_sep(vocab);
  const std::size_t specials = (bos ? 1 : 0) + (add_eos ? 2 : 0) + (sep ? 1 : 0);
  EMBEVAL_CHECK(max_tokens_ > specials, "max_tokens leaves no room for the pair's text");
  const std::size_t room = max_tokens_ - specials;
  if (q.size() + d.size() > room) {
    ++stats_.truncated_pairs;
    d.resize(q.size() >= room ? 0 : room - q.size());
    if (q.size() > room) q.resize(room);
  }
  std::vector<std::int32_t> t;
  t.reserve(q.size() + d.size() + specials);
  if (bos) t.push_back(llama_vocab_bos(vocab));
  t.insert(t.end(), q.begin(), q.end());
  if (add_eos) t.push_back(eos);
  if (sep) t.push_back(llama_vocab_sep(vocab));
  t.insert(t.end(), d.begin(), d.end());
  if (add_eos) t.push_back(eos);
  return t;
}

std::vector<float> GgufReranker::score(std::string_view query,
                                       std::span<const std::string_view> documents) {
  std::vector<std::vector<std::int32_t>> seqs;
  seqs.reserve(documents.size());
  for (const std::string_view d : documents) seqs.push_back(pair_tokens(query, d));
  std::vector<float> scores(documents.size(), 0.0f);
  // Longest first, packed into batches of at most max_tokens tokens and n_seq_max sequences.
  std::vector<std::size_t> order(seqs.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return seqs[a].size() > seqs[b].size(); });
  const bool use_encode =
      llama_model_has_encoder(model_->raw()) && !llama_model_has_decoder(model_->raw());
  llama_batch batch = llama_batch_init(static_cast<std::int32_t>(max_tokens_), 0,
                                       static_cast<std::int32_t>(n_seq_max_));
  std::vector<std::size_t> members;
  try {
    for (std::size_t next = 0; next < order.size();) {
      members.clear();
      batch.n_tokens = 0;
      while (next < order.size() && members.size() < n_seq_max_) {
        const std::vector<std::int32_t>& s = seqs[order[next]];
        if (s.empty()) {  // no text and no special token: nothing to score, it keeps 0
          ++next;
          continue;
        }
        if (static_cast<std::size_t>(batch.n_tokens) + s.size() > max_tokens_) break;
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
      if (members.empty()) break;  // only empty sequences were left
      if (llama_memory_t mem = llama_get_memory(ctx_)) llama_memory_clear(mem, true);
      const int rc = use_encode ? llama_encode(ctx_, batch) : llama_decode(ctx_, batch);
      if (rc != 0) {
        throw InputError(
            "llama.cpp failed to evaluate a rerank batch (code " + std::to_string(rc) + ")",
            model_->path().string(), 0, "try a smaller max_tokens");
      }
      stats_.tokens += static_cast<std::size_t>(batch.n_tokens);
      for (std::size_t j = 0; j < members.size(); ++j) {
        const float* e = llama_get_embeddings_seq(ctx_, static_cast<llama_seq_id>(j));
        EMBEVAL_CHECK(e != nullptr, "rank output missing for a sequence");
        scores[members[j]] = e[0];
      }
    }
  } catch (...) {
    llama_batch_free(batch);
    throw;
  }
  llama_batch_free(batch);
  stats_.pairs += documents.size();
  return scores;
}

}  // namespace embeval
