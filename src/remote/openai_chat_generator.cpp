#include "embeval/remote/openai_chat_generator.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "embeval/core/error.h"
#include "embeval/core/metered_encoder.h"
#include "embeval/util/progress.h"
#include "remote/openai_protocol.h"

namespace embeval {
namespace {

using nlohmann::json;

struct ChatAnswer {
  GeneratedText text;
  bool has_usage = false;
};

ChatAnswer parse_chat_answer(const std::string& body) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw MalformedAnswer("the answer is not valid JSON");
  if (!j.is_object() || !j.contains("choices") || !j["choices"].is_array() ||
      j["choices"].empty()) {
    throw MalformedAnswer("the answer has no \"choices\"");
  }
  const json& choice = j["choices"][0];
  if (!choice.is_object() || !choice.contains("message") || !choice["message"].is_object()) {
    throw MalformedAnswer("the first choice has no \"message\"");
  }
  const json& message = choice["message"];
  ChatAnswer out;
  // A refusal or a tool call comes with "content": null; it is an empty answer, not a fault.
  if (message.contains("content") && message["content"].is_string()) {
    out.text.text = message["content"].get<std::string>();
  } else if (message.contains("content") && !message["content"].is_null()) {
    throw MalformedAnswer("the message's \"content\" is not text");
  }
  if (choice.contains("finish_reason") && choice["finish_reason"].is_string()) {
    out.text.finish_reason = choice["finish_reason"].get<std::string>();
  }
  if (j.contains("usage") && j["usage"].is_object()) {
    const json& u = j["usage"];
    if (u.contains("prompt_tokens") && u["prompt_tokens"].is_number_unsigned() &&
        u.contains("completion_tokens") && u["completion_tokens"].is_number_unsigned()) {
      out.text.prompt_tokens = u["prompt_tokens"].get<std::size_t>();
      out.text.completion_tokens = u["completion_tokens"].get<std::size_t>();
      out.has_usage = true;
    }
  }
  return out;
}

std::size_t get_size(const ModelSpec& spec, const std::string& key, std::size_t fallback) {
  return static_cast<std::size_t>(spec.get_int(key, static_cast<long>(fallback)));
}

}  // namespace

const ParamSchema& openai_chat_param_schema() {
  static const ParamSchema kSchema{
      "openai-chat",
      "the model name the server knows (e.g. gpt-4o-mini)",
      {{.key = "base_url",
        .type = ParamType::kText,
        .fallback = "https://api.openai.com/v1",
        .help = "the API root; requests go to BASE_URL/chat/completions"},
       {.key = "api_key_env",
        .type = ParamType::kText,
        .fallback = "OPENAI_API_KEY",
        .help = "the environment variable holding the key (unset: no Authorization header)"},
       {.key = "max_retries",
        .type = ParamType::kInteger,
        .fallback = "5",
        .min = 0,
        .max = 50,
        .help = "retries of a request after 429, 5xx, a timeout or a dropped connection"},
       {.key = "timeout_s",
        .type = ParamType::kNumber,
        .fallback = "120",
        .min = 0,
        .min_exclusive = true,
        .help = "seconds a request may take before it is retried"},
       {.key = "price_per_mtok_in",
        .type = ParamType::kNumber,
        .min = 0,
        .absent = ParamAbsent::kLeftOut,
        .help = "USD per million prompt tokens (with price_per_mtok_out: the cost is reported)",
        .default_help = "none (no cost)"},
       {.key = "price_per_mtok_out",
        .type = ParamType::kNumber,
        .min = 0,
        .absent = ParamAbsent::kLeftOut,
        .help = "USD per million generated tokens",
        .default_help = "none (no cost)"},
       {.key = "send_top_k",
        .type = ParamType::kBoolean,
        .fallback = "false",
        .help = "send top_k too (llama-server and vLLM take it; OpenAI refuses it)"},
       {.key = "allow_http",
        .type = ParamType::kBoolean,
        .fallback = "false",
        .help = "allow plain http to a host that is not loopback (unencrypted prompts and key)"}}};
  return kSchema;
}

OpenAiChatOptions OpenAiChatOptions::from_spec(const ModelSpec& raw) {
  const ModelSpec spec = canonicalise(openai_chat_param_schema(), raw);
  if (spec.path.empty()) {
    throw InputError(
        "openai-chat needs a model name: openai-chat:MODEL ('" + raw.to_string() + "')", {}, 0,
        "e.g. openai-chat:gpt-4o-mini");
  }
  OpenAiChatOptions o;
  o.model = spec.path;
  o.base_url = trim_trailing_slashes(spec.get_string("base_url", o.base_url));
  o.api_key_env = spec.get_string("api_key_env", o.api_key_env);
  o.max_retries = get_size(spec, "max_retries", o.max_retries);
  o.timeout_s = spec.get_double("timeout_s", o.timeout_s);
  if (spec.params.count("price_per_mtok_in")) {
    o.price_per_mtok_in = spec.get_double("price_per_mtok_in", 0);
  }
  if (spec.params.count("price_per_mtok_out")) {
    o.price_per_mtok_out = spec.get_double("price_per_mtok_out", 0);
  }
  o.send_top_k = spec.get_bool("send_top_k", false);
  o.allow_http = spec.get_bool("allow_http", false);
  check_remote_url(o.base_url, o.allow_http, "base_url");
  return o;
}

std::string check_openai_chat_spec(const ModelSpec& spec) {
  (void)OpenAiChatOptions::from_spec(spec);
  return canonicalise(openai_chat_param_schema(), spec).to_string();
}

OpenAiChatGenerator::OpenAiChatGenerator(const ModelSpec& spec, RetryClock retry_clock)
    : options_(OpenAiChatOptions::from_spec(spec)),
      spec_(canonicalise(openai_chat_param_schema(), spec).to_string()),
      url_(options_.base_url + "/chat/completions"),
      api_key_(std::make_unique<ApiKey>(options_.api_key_env)),
      call_(std::make_unique<RemoteCall>()),
      retry_clock_(std::move(retry_clock)) {
  call_->label = "openai-chat:" + options_.model;
  call_->url = url_;
  call_->base_url = options_.base_url;
  call_->api_key_env = options_.api_key_env;
  call_->client_error_hint = "check the model name and base_url in the spec";
  call_->too_large_hint =
      "the prompt and answer do not fit the server's batch or context: start llama-server with "
      "larger -b/-ub (and -c), lower max_tokens, or send shorter texts";
  retry_policy_.max_retries = options_.max_retries;
  retry_policy_.base_delay_s = std::min(0.5, options_.timeout_s);
  usage_.price_per_mtok_in = options_.price_per_mtok_in;
  usage_.price_per_mtok_out = options_.price_per_mtok_out;
}

OpenAiChatGenerator::~OpenAiChatGenerator() = default;

GeneratorUsage OpenAiChatGenerator::usage() const {
  std::lock_guard lock(mutex_);
  return usage_;
}

std::string OpenAiChatGenerator::request_body(const std::vector<ChatMessage>& messages,
                                              const GenerationOptions& options) const {
  json turns = json::array();
  for (const ChatMessage& m : messages) turns.push_back({{"role", m.role}, {"content", m.content}});
  json body = {{"model", options_.model},
               {"messages", std::move(turns)},
               {"temperature", options.temperature},
               {"top_p", options.top_p},
               {"seed", options.seed},
               {"max_tokens", options.max_tokens},
               {"stream", false}};
  if (!options.stop.empty()) body["stop"] = options.stop;
  if (options_.send_top_k) body["top_k"] = options.top_k;
  // Invalid UTF-8 is replaced rather than refused: the texts were read as UTF-8 already.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

GeneratedText OpenAiChatGenerator::generate(const std::vector<ChatMessage>& messages,
                                            const GenerationOptions& options) {
  check_generation_options(options);
  if (messages.empty()) {
    throw InputError(call_->label + ": nothing to answer (no messages)", {}, 0,
                     "pass at least one user message");
  }
  HttpRequest request;
  request.url = url_;
  request.body = request_body(messages, options);
  request.bearer_token = api_key_->value();
  request.timeout_s = options_.timeout_s;
  request.connect_timeout_s = std::min(10.0, options_.timeout_s);
  std::optional<ChatAnswer> answer;
  const RetryOutcome outcome = run_with_retries(
      [&] {
        HttpResponse r = client_.post_json(request);
        {
          std::lock_guard lock(mutex_);
          ++usage_.requests;
        }
        if (r.ok()) {
          try {
            answer = parse_chat_answer(r.body);
          } catch (const MalformedAnswer& e) {
            r.failure = HttpFailure::kConnectionDropped;
            r.error = std::string("bad answer: ") + e.what();
          }
        }
        return r;
      },
      retry_policy_, retry_clock_,
      [&](const HttpResponse& r, double wait_s) {
        {
          std::lock_guard lock(mutex_);
          ++usage_.retries;
        }
        if (Progress::allowed()) {
          const std::string why = r.failure == HttpFailure::kNone
                                      ? http_status_text(r.status)
                                      : std::string(failure_name(r.failure));
          std::fprintf(stderr, "embeval: %s: %s, retrying in %.1f s\n", call_->label.c_str(),
                       why.c_str(), wait_s);
        }
      });
  if (!outcome.response.ok() || !answer) throw_request_failure(outcome, *call_, *api_key_);
  GeneratedText text = std::move(answer->text);
  std::lock_guard lock(mutex_);
  ++usage_.answers;
  if (!answer->has_usage) {
    // No counts from the server: estimate both sides (bytes / 4), counted apart.
    ++usage_.estimated_answers;
    text.prompt_tokens = 0;
    for (const ChatMessage& m : messages) text.prompt_tokens += estimate_tokens(m.content);
    text.completion_tokens = text.text.empty() ? 0 : estimate_tokens(text.text);
  }
  usage_.prompt_tokens += text.prompt_tokens;
  usage_.completion_tokens += text.completion_tokens;
  return text;
}

std::unique_ptr<Generator> make_openai_chat_generator(const ModelSpec& spec) {
  return std::make_unique<OpenAiChatGenerator>(spec);
}

}  // namespace embeval
