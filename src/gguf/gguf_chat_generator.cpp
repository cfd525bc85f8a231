#include "embeval/gguf/gguf_chat_generator.h"

#include <llama.h>

#include <algorithm>
#include <filesystem>

#include "embeval/core/error.h"
#include "embeval/util/thread_count.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

// Enough for a passage, a prompt and a few questions; a model trained on less gets its own.
constexpr std::size_t kDefaultContextTokens = 4096;

std::string builtin_template_names() {
  std::vector<const char*> names(64);
  const int n = llama_chat_builtin_templates(names.data(), names.size());
  names.resize(static_cast<std::size_t>(std::clamp(n, 0, static_cast<int>(names.size()))));
  std::string out;
  for (const char* name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::size_t resolved_context(const ModelSpec& spec, const GgufFileInfo& info) {
  const long given = spec.get_int("ctx", 0);
  if (given > 0) return static_cast<std::size_t>(given);
  return std::min(kDefaultContextTokens, info.context_length.value_or(kDefaultContextTokens));
}

// `ctx` written out as resolved; `template` and `threads` as given (threads do not change the
// text: llama.cpp's CPU kernels split rows, not sums, across threads).
ModelSpec canonical_chat_spec(const ModelSpec& spec, const GgufFileInfo& info) {
  ModelSpec c = canonicalise(gguf_chat_param_schema(), spec);
  c.params["ctx"] = std::to_string(resolved_context(spec, info));
  return c;
}

void require_path(const ModelSpec& spec) {
  if (spec.path.empty()) {
    throw InputError("the gguf generator needs a model file: gguf:CHAT.gguf", "", 0,
                     "e.g. --generator gguf:qwen2.5-0.5b-instruct-q8_0.gguf");
  }
}

struct SamplerDeleter {
  void operator()(llama_sampler* s) const { llama_sampler_free(s); }
};
using SamplerPtr = std::unique_ptr<llama_sampler, SamplerDeleter>;

SamplerPtr make_sampler(const GenerationOptions& o) {
  SamplerPtr chain(llama_sampler_chain_init(llama_sampler_chain_default_params()));
  if (o.temperature == 0.0) {
    llama_sampler_chain_add(chain.get(), llama_sampler_init_greedy());
    return chain;
  }
  if (o.top_k > 0) llama_sampler_chain_add(chain.get(), llama_sampler_init_top_k(o.top_k));
  llama_sampler_chain_add(chain.get(),
                          llama_sampler_init_top_p(static_cast<float>(o.top_p), /*min_keep=*/1));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_temp(static_cast<float>(o.temperature)));
  llama_sampler_chain_add(chain.get(), llama_sampler_init_dist(o.seed));
  return chain;
}

std::string piece_text(const llama_vocab* vocab, llama_token token) {
  char buf[256];
  int n = llama_token_to_piece(vocab, token, buf, sizeof(buf), 0, /*special=*/false);
  if (n >= 0) return std::string(buf, static_cast<std::size_t>(n));
  std::string big(static_cast<std::size_t>(-n), '\0');
  n = llama_token_to_piece(vocab, token, big.data(), static_cast<std::int32_t>(big.size()), 0,
                           false);
  EMBEVAL_CHECK(n >= 0, "llama_token_to_piece failed twice");
  big.resize(static_cast<std::size_t>(n));
  return big;
}

}  // namespace

GgufChatGenerator::GgufChatGenerator(const ModelSpec& spec) {
  check_known_keys(gguf_chat_param_schema(), spec);
  require_path(spec);
  model_ = std::make_unique<GgufModel>(spec.path, /*vocab_only=*/false);
  spec_ = canonical_chat_spec(spec, model_->info());
  context_tokens_ = resolved_context(spec, model_->info());

  template_ = spec.get_string("template", "");
  if (template_.empty()) {
    const char* own = llama_model_chat_template(model_->raw(), nullptr);
    if (own == nullptr) {
      throw InputError("the model has no chat template (GGUF key tokenizer.chat_template)",
                       spec.path, 0,
                       "name one of llama.cpp's built-in templates: " + spec.to_string() +
                           "&template=chatml (known: " + builtin_template_names() + ")");
    }
    template_ = own;
  }
  // Fails now, not at the first passage, when llama.cpp does not recognise the template.
  (void)apply_template({{"user", "test"}});

  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = static_cast<std::uint32_t>(context_tokens_);
  cp.n_batch = cp.n_ctx;  // the whole prompt in one llama_decode
  cp.embeddings = false;
  // A float32 cache and exact attention: the answer then does not depend on f16 rounding of keys
  // and values (gguf_encoder.cpp measures what f16 costs), and matches a float32 reference.
  cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  cp.type_k = GGML_TYPE_F32;
  cp.type_v = GGML_TYPE_F32;
  const int threads = static_cast<int>(
      resolve_thread_count(static_cast<std::size_t>(std::max(0L, spec.get_int("threads", 0)))));
  cp.n_threads = threads;
  cp.n_threads_batch = threads;
  cp.no_perf = true;
  ctx_ = llama_init_from_model(model_->raw(), cp);
  if (ctx_ == nullptr) {
    throw InputError("llama.cpp could not create a context of " + std::to_string(context_tokens_) +
                         " tokens for this model",
                     spec.path, 0, "try a smaller ctx=");
  }
}

GgufChatGenerator::~GgufChatGenerator() {
  if (ctx_ != nullptr) llama_free(ctx_);
}

std::string GgufChatGenerator::apply_template(const std::vector<ChatMessage>& messages) const {
  EMBEVAL_CHECK(!messages.empty(), "a conversation needs at least one message");
  std::vector<llama_chat_message> chat;
  std::size_t chars = 0;
  for (const auto& m : messages) {
    chat.push_back({m.role.c_str(), m.content.c_str()});
    chars += m.role.size() + m.content.size();
  }
  std::string out(2 * chars + 256, '\0');
  int n = llama_chat_apply_template(template_.c_str(), chat.data(), chat.size(),
                                    /*add_ass=*/true, out.data(),
                                    static_cast<std::int32_t>(out.size()));
  if (n > static_cast<int>(out.size())) {
    out.resize(static_cast<std::size_t>(n));
    n = llama_chat_apply_template(template_.c_str(), chat.data(), chat.size(), true, out.data(),
                                  static_cast<std::int32_t>(out.size()));
  }
  if (n < 0) {
    throw InputError(
        "llama.cpp does not recognise this chat template (it knows a fixed list of "
        "template families, no Jinja)",
        spec_.path, 0,
        "name a built-in one: " + spec_.path +
            "?template=NAME, NAME one of: " + builtin_template_names());
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::vector<std::int32_t> GgufChatGenerator::prompt_tokens(
    const std::vector<ChatMessage>& messages) const {
  const std::string prompt = apply_template(messages);
  const llama_vocab* vocab = llama_model_get_vocab(model_->raw());
  std::vector<llama_token> out(prompt.size() + 8);
  int n = llama_tokenize(vocab, prompt.data(), static_cast<std::int32_t>(prompt.size()), out.data(),
                         static_cast<std::int32_t>(out.size()),
                         /*add_special=*/true, /*parse_special=*/true);
  if (n < 0) {
    out.resize(static_cast<std::size_t>(-n));
    n = llama_tokenize(vocab, prompt.data(), static_cast<std::int32_t>(prompt.size()), out.data(),
                       static_cast<std::int32_t>(out.size()), true, true);
  }
  EMBEVAL_CHECK(n >= 0, "llama_tokenize failed twice");
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string GgufChatGenerator::token_text(std::int32_t token) const {
  return piece_text(llama_model_get_vocab(model_->raw()), token);
}

GeneratedText GgufChatGenerator::generate(const std::vector<ChatMessage>& messages,
                                          const GenerationOptions& options) {
  check_generation_options(options);
  if (messages.empty()) {
    throw InputError("a conversation needs at least one message", "", 0, "");
  }
  std::vector<llama_token> tokens = prompt_tokens(messages);
  GeneratedText result;
  result.prompt_tokens = tokens.size();
  if (tokens.size() + 1 > context_tokens_) {
    throw InputError("the prompt has " + std::to_string(tokens.size()) +
                         " tokens, more than the context of " + std::to_string(context_tokens_),
                     spec_.path, 0, "raise ctx= or shorten the prompt or passage");
  }
  llama_memory_clear(llama_get_memory(ctx_), /*data=*/true);
  const SamplerPtr sampler = make_sampler(options);
  const llama_vocab* vocab = llama_model_get_vocab(model_->raw());
  std::size_t longest_stop = 0;
  for (const auto& s : options.stop) longest_stop = std::max(longest_stop, s.size());

  llama_batch batch = llama_batch_get_one(tokens.data(), static_cast<std::int32_t>(tokens.size()));
  std::size_t position = tokens.size();
  std::string text;
  llama_token next = 0;
  result.finish_reason = "length";
  while (true) {
    if (llama_decode(ctx_, batch) != 0) {
      throw InputError("llama.cpp could not decode the prompt", spec_.path, 0,
                       "raise ctx= or shorten the prompt");
    }
    next = llama_sampler_sample(sampler.get(), ctx_, -1);
    if (llama_vocab_is_eog(vocab, next)) {
      result.finish_reason = "stop";
      break;
    }
    ++result.completion_tokens;
    const std::size_t before = text.size();
    text += piece_text(vocab, next);
    bool stopped = false;
    if (longest_stop > 0) {
      // A stop string ends in the new piece: look back only as far as the longest one reaches.
      const std::size_t from = before >= longest_stop ? before - longest_stop + 1 : 0;
      std::size_t cut = std::string::npos;
      for (const auto& s : options.stop) cut = std::min(cut, text.find(s, from));
      if (cut != std::string::npos) {
        text.resize(cut);
        stopped = true;
      }
    }
    if (stopped) {
      result.finish_reason = "stop";
      break;
    }
    if (result.completion_tokens >= options.max_tokens || position + 1 >= context_tokens_) break;
    batch = llama_batch_get_one(&next, 1);
    ++position;
  }
  // A piece may end inside a multi-byte character when generation stops mid-way.
  result.text = replace_invalid_utf8(text);
  return result;
}

const ParamSchema& gguf_chat_param_schema() {
  static const ParamSchema kSchema{
      "gguf",
      "a GGUF chat model (causal LM with an output head)",
      {{.key = "ctx",
        .type = ParamType::kInteger,
        .min = 16,
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "context in tokens: the prompt (template + passage) and the answer",
        .default_help = "4096, or the training context when smaller"},
       {.key = "template",
        .type = ParamType::kText,
        .absent = ParamAbsent::kLeftOut,
        .help = "a llama.cpp built-in chat template name (chatml, llama3, gemma, ...)",
        .default_help = "the GGUF's tokenizer.chat_template"},
       {.key = "threads",
        .type = ParamType::kInteger,
        .min = 0,
        .absent = ParamAbsent::kLeftOut,
        .help = "CPU threads (0 = physical cores); the text does not depend on it",
        .default_help = "physical cores"}}};
  return kSchema;
}

std::unique_ptr<Generator> make_gguf_chat_generator(const ModelSpec& spec) {
  return std::make_unique<GgufChatGenerator>(spec);
}

std::string check_gguf_chat_spec(const ModelSpec& spec) {
  check_known_keys(gguf_chat_param_schema(), spec);
  require_path(spec);
  return canonical_chat_spec(spec, read_gguf_info(spec.path)).to_string();
}

}  // namespace embeval
