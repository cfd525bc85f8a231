#include "embeval/remote/openai_reranker.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "embeval/core/error.h"
#include "embeval/core/metered_encoder.h"
#include "embeval/util/progress.h"
#include "remote/openai_protocol.h"

namespace embeval {
namespace {

using nlohmann::json;

using BadAnswer = MalformedAnswer;  // retried like a dropped connection

struct ParsedScores {
  std::vector<float> scores;
  std::optional<std::size_t> tokens;  // the server's usage, when it sent one
};

ParsedScores parse_answer(const std::string& body, std::size_t n) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw BadAnswer("the answer is not valid JSON");
  const json* results = nullptr;
  if (j.is_array()) {
    results = &j;  // TEI: [{"index":0,"score":..}]
  } else if (j.is_object() && j.contains("results") && j["results"].is_array()) {
    results =
        &j["results"];  // Cohere, Jina, llama-server: {"results":[{"index","relevance_score"}]}
  } else {
    throw BadAnswer("the answer has neither a \"results\" array nor is one");
  }
  ParsedScores out;
  out.scores.assign(n, -std::numeric_limits<float>::infinity());
  std::vector<bool> seen(n, false);
  if (results->size() > n) {
    throw BadAnswer("the answer has " + std::to_string(results->size()) + " results for " +
                    std::to_string(n) + " documents");
  }
  for (const json& r : *results) {
    if (!r.is_object() || !r.contains("index") || !r["index"].is_number_integer()) {
      throw BadAnswer("a result lacks an integer \"index\"");
    }
    const long long index = r["index"].get<long long>();
    if (index < 0 || static_cast<std::size_t>(index) >= n ||
        seen[static_cast<std::size_t>(index)]) {
      throw BadAnswer("result index " + std::to_string(index) + " is out of range or repeated");
    }
    const json* s = nullptr;
    if (r.contains("relevance_score"))
      s = &r["relevance_score"];
    else if (r.contains("score"))
      s = &r["score"];
    if (s == nullptr || !s->is_number()) {
      throw BadAnswer("a result lacks a numeric \"relevance_score\" or \"score\"");
    }
    const double v = s->get<double>();
    if (!std::isfinite(v)) throw BadAnswer("a score is not finite");
    seen[static_cast<std::size_t>(index)] = true;
    out.scores[static_cast<std::size_t>(index)] = static_cast<float>(v);
  }
  if (j.is_object() && j.contains("usage") && j["usage"].is_object()) {
    const json& u = j["usage"];
    for (const char* key : {"prompt_tokens", "total_tokens"}) {
      if (u.contains(key) && u[key].is_number_unsigned()) {
        out.tokens = u[key].get<std::size_t>();
        break;
      }
    }
  }
  return out;
}

std::size_t get_size(const ModelSpec& spec, const std::string& key, std::size_t fallback) {
  return static_cast<std::size_t>(spec.get_int(key, static_cast<long>(fallback)));
}

}  // namespace

const ParamSchema& openai_reranker_param_schema() {
  static const ParamSchema kSchema{
      "openai-rerank",
      "the model name the server knows (sent as \"model\")",
      {rerank_top_rule(),
       {.key = "base_url",
        .type = ParamType::kText,
        .absent = ParamAbsent::kLeftOut,
        .help = "the API root; POSTs go to {base_url}/rerank (required)",
        .default_help = "none: required"},
       {.key = "api",
        .type = ParamType::kChoice,
        .fallback = "cohere",
        .choices = {"cohere", "tei"},
        .help = "request shape: cohere sends \"documents\" (Cohere, Jina, llama-server, vLLM), "
                "tei sends \"texts\""},
       {.key = "api_key_env",
        .type = ParamType::kText,
        .fallback = "RERANK_API_KEY",
        .help = "environment variable holding the key (unset: no Authorization header)"},
       {.key = "top_n",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kLeftOut,
        .help = "asked of the server; documents it leaves out rank after the scored ones",
        .default_help = "every document scored"},
       {.key = "max_document_bytes",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kLeftOut,
        .help = "cut each document to this many bytes (at a UTF-8 boundary) before sending: "
                "llama-server refuses a pair longer than its batch",
        .default_help = "sent whole"},
       {.key = "max_retries",
        .type = ParamType::kInteger,
        .fallback = "5",
        .min = 0,
        .max = 50,
        .help = "retries on 429, 5xx, timeouts, dropped connections, malformed answers"},
       {.key = "timeout_s",
        .type = ParamType::kNumber,
        .fallback = "60",
        .min = 0,
        .max = 3600,
        .min_exclusive = true,
        .help = "seconds per request"},
       {.key = "price_per_mtok",
        .type = ParamType::kNumber,
        .min = 0,
        .absent = ParamAbsent::kLeftOut,
        .help = "USD per million tokens, for the cost in results.json",
        .default_help = "no cost shown"},
       {.key = "allow_http",
        .type = ParamType::kBoolean,
        .fallback = "false",
        .help =
            "allow plain http to a host that is not loopback (unencrypted documents and key)"}}};
  return kSchema;
}

OpenAiRerankerOptions OpenAiRerankerOptions::from_spec(const ModelSpec& raw) {
  const ModelSpec spec = canonicalise(openai_reranker_param_schema(), raw);
  if (spec.path.empty()) {
    throw InputError(
        "openai-rerank needs a model name: openai-rerank:MODEL ('" + raw.to_string() + "')", {}, 0,
        "e.g. openai-rerank:bge-reranker-v2-m3?base_url=http://127.0.0.1:8080/v1");
  }
  OpenAiRerankerOptions o;
  o.model = spec.path;
  if (!spec.params.count("base_url")) {
    throw InputError("openai-rerank needs base_url ('" + raw.to_string() + "')", {}, 0,
                     "e.g. base_url=http://127.0.0.1:8080/v1 (llama-server), "
                     "https://api.cohere.com/v2, https://api.jina.ai/v1");
  }
  o.base_url = trim_trailing_slashes(spec.params.at("base_url"));
  o.api = spec.get_string("api", o.api);
  o.api_key_env = spec.get_string("api_key_env", o.api_key_env);
  if (spec.params.count("top_n")) o.top_n = get_size(spec, "top_n", 0);
  if (spec.params.count("max_document_bytes")) {
    o.max_document_bytes = get_size(spec, "max_document_bytes", 0);
  }
  o.max_retries = get_size(spec, "max_retries", o.max_retries);
  o.timeout_s = spec.get_double("timeout_s", o.timeout_s);
  if (spec.params.count("price_per_mtok")) o.price_per_mtok = spec.get_double("price_per_mtok", 0);
  o.allow_http = spec.get_bool("allow_http", false);
  check_remote_url(o.base_url, o.allow_http, "base_url");
  return o;
}

std::string check_openai_reranker_spec(const ModelSpec& spec) {
  (void)OpenAiRerankerOptions::from_spec(spec);
  return canonicalise(openai_reranker_param_schema(), spec).to_string();
}

OpenAiReranker::OpenAiReranker(const ModelSpec& spec, RetryClock retry_clock)
    : options_(OpenAiRerankerOptions::from_spec(spec)),
      spec_(canonicalise(openai_reranker_param_schema(), spec).to_string()),
      url_(options_.base_url + "/rerank"),
      api_key_(std::make_unique<ApiKey>(options_.api_key_env)),
      retry_clock_(std::move(retry_clock)) {
  retry_policy_.max_retries = options_.max_retries;
  retry_policy_.base_delay_s = std::min(0.5, options_.timeout_s);
  stats_.tokens_source = "none";
}

OpenAiReranker::~OpenAiReranker() = default;

RerankStats OpenAiReranker::stats() const {
  RerankStats s = stats_;
  s.tokens = reported_tokens_ + estimated_tokens_;
  if (reported_tokens_ == 0 && estimated_tokens_ == 0)
    s.tokens_source = "none";
  else if (estimated_tokens_ == 0)
    s.tokens_source = "server";
  else
    s.tokens_source = reported_tokens_ == 0 ? "estimate" : "server+estimate";
  if (options_.price_per_mtok) {
    s.cost_usd = static_cast<double>(s.tokens) * *options_.price_per_mtok / 1e6;
  }
  return s;
}

std::vector<float> OpenAiReranker::score(std::string_view query,
                                         std::span<const std::string_view> documents) {
  if (documents.empty()) return {};
  json body;
  json texts = json::array();
  for (std::string_view d : documents) {
    if (options_.max_document_bytes && d.size() > *options_.max_document_bytes) {
      std::size_t cut = *options_.max_document_bytes;
      while (cut > 0 && (static_cast<unsigned char>(d[cut]) & 0xC0) == 0x80) --cut;
      d = d.substr(0, cut);
      ++stats_.truncated_pairs;
    }
    texts.push_back(std::string(d));
  }
  body["query"] = std::string(query);
  if (options_.api == "tei") {
    body["texts"] = std::move(texts);
    body["truncate"] = true;  // TEI cuts a pair to the model's window instead of answering 413
  } else {
    body["model"] = options_.model;
    body["documents"] = std::move(texts);
    if (options_.top_n) body["top_n"] = *options_.top_n;
  }
  HttpRequest request;
  request.url = url_;
  // Invalid UTF-8 in a document is replaced rather than refused: the corpus was read as is.
  request.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  request.bearer_token = api_key_->value();
  request.timeout_s = options_.timeout_s;
  request.connect_timeout_s = std::min(10.0, options_.timeout_s);
  std::optional<ParsedScores> answer;
  const RetryOutcome outcome = run_with_retries(
      [&] {
        HttpResponse r = client_.post_json(request);
        ++stats_.requests;
        if (r.ok()) {
          try {
            answer = parse_answer(r.body, documents.size());
          } catch (const BadAnswer& e) {
            answer.reset();
            r.failure = HttpFailure::kConnectionDropped;
            r.error = std::string("bad answer: ") + e.what();
          }
        }
        return r;
      },
      retry_policy_, retry_clock_,
      [&](const HttpResponse& r, double wait_s) {
        ++stats_.retries;
        if (Progress::allowed()) {
          const std::string why = r.failure == HttpFailure::kNone
                                      ? http_status_text(r.status)
                                      : std::string(failure_name(r.failure));
          std::fprintf(stderr, "embeval: openai-rerank:%s: %s, retrying in %.1f s\n",
                       options_.model.c_str(), why.c_str(), wait_s);
        }
      });
  if (!outcome.response.ok() || !answer) {
    RemoteCall call;
    call.label = "openai-rerank:" + options_.model;
    call.url = url_;
    call.base_url = options_.base_url;
    call.api_key_env = options_.api_key_env;
    call.client_error_hint =
        "check the model name, base_url and api= in the spec; for a pair longer than the "
        "model's context, cut documents with max_document_bytes=N";
    call.too_large_hint =
        "a query with its document is longer than the server takes: cut documents with "
        "max_document_bytes=N, or raise llama-server's -b/-ub";
    throw_request_failure(outcome, call, *api_key_);
  }
  stats_.pairs += documents.size();
  if (answer->tokens) {
    reported_tokens_ += *answer->tokens;
  } else {
    std::size_t estimate = 0;
    for (const std::string_view d : documents)
      estimate += estimate_tokens(query) + estimate_tokens(d);
    estimated_tokens_ += estimate;
  }
  return std::move(answer->scores);
}

}  // namespace embeval
