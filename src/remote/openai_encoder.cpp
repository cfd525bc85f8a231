#include "embeval/remote/openai_encoder.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/util/progress.h"
#include "embeval/util/stopwatch.h"
#include "remote/openai_protocol.h"

namespace embeval {
namespace {

using nlohmann::json;

struct ParsedAnswer {
  DenseMatrix rows;
  std::optional<std::size_t> prompt_tokens;
};

ParsedAnswer parse_answer(const std::string& body, std::size_t n_inputs) {
  const json j = json::parse(body, nullptr, false);
  if (j.is_discarded()) throw MalformedAnswer("the answer is not valid JSON");
  if (!j.is_object() || !j.contains("data") || !j["data"].is_array()) {
    throw MalformedAnswer("the answer has no \"data\" array");
  }
  const json& data = j["data"];
  if (data.size() != n_inputs) {
    throw MalformedAnswer("the answer has " + std::to_string(data.size()) + " rows for " +
                          std::to_string(n_inputs) + " inputs");
  }
  ParsedAnswer out;
  std::vector<bool> seen(n_inputs, false);
  for (const json& row : data) {
    if (!row.is_object() || !row.contains("index") || !row["index"].is_number_unsigned() ||
        !row.contains("embedding")) {
      throw MalformedAnswer("a row lacks \"index\" or \"embedding\"");
    }
    const auto index = row["index"].get<std::size_t>();
    if (index >= n_inputs || seen[index]) {
      throw MalformedAnswer("row index " + std::to_string(index) + " is out of range or repeated");
    }
    seen[index] = true;
    const json& embedding = row["embedding"];
    if (!embedding.is_array()) {
      throw MalformedAnswer("an embedding is not an array of floats (encoding_format ignored?)");
    }
    if (embedding.empty()) throw MalformedAnswer("an embedding is empty");
    if (out.rows.rows == 0) out.rows = DenseMatrix(n_inputs, embedding.size());
    if (embedding.size() != out.rows.cols) {
      throw MalformedAnswer("rows of different dimensions in one answer (" +
                            std::to_string(out.rows.cols) + " and " +
                            std::to_string(embedding.size()) + ")");
    }
    float* dst = out.rows.row(index);
    for (std::size_t d = 0; d < embedding.size(); ++d) {
      if (!embedding[d].is_number()) throw MalformedAnswer("an embedding holds a non-number");
      const double v = embedding[d].get<double>();
      if (!std::isfinite(v)) throw MalformedAnswer("an embedding holds a non-finite value");
      dst[d] = static_cast<float>(v);
    }
  }
  if (j.contains("usage") && j["usage"].is_object() && j["usage"].contains("prompt_tokens") &&
      j["usage"]["prompt_tokens"].is_number_unsigned()) {
    out.prompt_tokens = j["usage"]["prompt_tokens"].get<std::size_t>();
  }
  return out;
}

EmbeddingBatch dense_batch(DenseMatrix rows) {
  EmbeddingBatch batch;
  batch.dense = std::move(rows);
  return batch;
}

std::size_t get_size(const ModelSpec& spec, const std::string& key, std::size_t fallback) {
  return static_cast<std::size_t>(spec.get_int(key, static_cast<long>(fallback)));
}

}  // namespace

const ParamSchema& openai_param_schema() {
  static const ParamSchema kSchema{
      "openai",
      "the model name the server knows (e.g. text-embedding-3-small)",
      {{.key = "base_url",
        .type = ParamType::kText,
        .fallback = "https://api.openai.com/v1",
        .help = "the API root; requests go to BASE_URL/embeddings"},
       {.key = "api_key_env",
        .type = ParamType::kText,
        .fallback = "OPENAI_API_KEY",
        .help = "the environment variable holding the key (unset: no Authorization header)"},
       {.key = "dimensions",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kLeftOut,
        .help = "ask the server for this many dimensions (Matryoshka models); checked",
        .default_help = "the model's own"},
       {.key = "batch",
        .type = ParamType::kInteger,
        .fallback = "64",
        .min = 1,
        .max = 2048,
        .help = "texts per request (also the unit of the embedding cache)"},
       {.key = "batch_tokens",
        .type = ParamType::kInteger,
        .fallback = "65536",
        .min = 1,
        .help = "estimated tokens per request (bytes / 4); a longer batch is split"},
       {.key = "concurrency",
        .type = ParamType::kInteger,
        .fallback = "4",
        .min = 1,
        .max = 64,
        .help = "requests in flight at once"},
       {.key = "max_retries",
        .type = ParamType::kInteger,
        .fallback = "5",
        .min = 0,
        .max = 50,
        .help = "retries of a request after 429, 5xx, a timeout or a dropped connection"},
       {.key = "timeout_s",
        .type = ParamType::kNumber,
        .fallback = "60",
        .min = 0,
        .min_exclusive = true,
        .help = "seconds a request may take before it is retried"},
       {.key = "price_per_mtok",
        .type = ParamType::kNumber,
        .min = 0,
        .absent = ParamAbsent::kLeftOut,
        .help = "USD per million input tokens: eval reports the cost",
        .default_help = "none (no cost columns)"},
       {.key = "context_window",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kLeftOut,
        .help = "the model's context window in tokens, for the model card",
        .default_help = "unknown"},
       {.key = "query_prefix",
        .type = ParamType::kText,
        .absent = ParamAbsent::kLeftOut,
        .help = "text put before every query; `%0A` is a newline",
        .default_help = "none"},
       {.key = "document_prefix",
        .type = ParamType::kText,
        .absent = ParamAbsent::kLeftOut,
        .help = "text put before every document",
        .default_help = "none"},
       {.key = "normalize",
        .type = ParamType::kBoolean,
        .fallback = "false",
        .help = "L2-normalise the vectors (OpenAI's and most servers' already are)"},
       {.key = "allow_http",
        .type = ParamType::kBoolean,
        .fallback = "false",
        .help =
            "allow plain http to a host that is not loopback (unencrypted documents and key)"}}};
  return kSchema;
}

OpenAiOptions OpenAiOptions::from_spec(const ModelSpec& raw) {
  const ModelSpec spec = canonicalise(openai_param_schema(), raw);
  if (spec.path.empty()) {
    throw InputError("openai needs a model name: openai:MODEL ('" + raw.to_string() + "')", {}, 0,
                     "e.g. openai:text-embedding-3-small");
  }
  OpenAiOptions o;
  o.model = spec.path;
  o.base_url = trim_trailing_slashes(spec.get_string("base_url", o.base_url));
  o.api_key_env = spec.get_string("api_key_env", o.api_key_env);
  if (spec.params.count("dimensions")) o.dimensions = get_size(spec, "dimensions", 0);
  o.batch = get_size(spec, "batch", o.batch);
  o.batch_tokens = get_size(spec, "batch_tokens", o.batch_tokens);
  o.concurrency = get_size(spec, "concurrency", o.concurrency);
  o.max_retries = get_size(spec, "max_retries", o.max_retries);
  o.timeout_s = spec.get_double("timeout_s", o.timeout_s);
  if (spec.params.count("price_per_mtok")) o.price_per_mtok = spec.get_double("price_per_mtok", 0);
  if (spec.params.count("context_window")) o.context_window = get_size(spec, "context_window", 0);
  o.query_prefix = spec.get_string("query_prefix", "");
  o.document_prefix = spec.get_string("document_prefix", "");
  o.normalize = spec.get_bool("normalize", false);
  o.allow_http = spec.get_bool("allow_http", false);
  check_remote_url(o.base_url, o.allow_http, "base_url");
  return o;
}

std::string check_openai_spec(const ModelSpec& spec) {
  (void)OpenAiOptions::from_spec(spec);
  return canonicalise(openai_param_schema(), spec).to_string();
}

OpenAiEncoder::OpenAiEncoder(const ModelSpec& spec, RetryClock retry_clock)
    : options_(OpenAiOptions::from_spec(spec)),
      spec_(canonicalise(openai_param_schema(), spec).to_string()),
      url_(options_.base_url + "/embeddings"),
      retry_clock_(std::move(retry_clock)) {
  // What decides the vectors: the endpoint, the model and what is sent with each text.
  ModelSpec identity;
  identity.scheme = "openai";
  identity.path = options_.model;
  identity.params["base_url"] = options_.base_url;
  if (options_.dimensions) identity.params["dimensions"] = std::to_string(*options_.dimensions);
  identity.params["query_prefix"] = options_.query_prefix;
  identity.params["document_prefix"] = options_.document_prefix;
  identity.params["normalize"] = options_.normalize ? "true" : "false";
  vector_identity_ = identity.to_string();
  api_key_ = std::make_unique<ApiKey>(options_.api_key_env);
  call_ = std::make_unique<RemoteCall>();
  call_->label = "openai:" + options_.model;
  call_->url = url_;
  call_->base_url = options_.base_url;
  call_->api_key_env = options_.api_key_env;
  call_->client_error_hint = "check the model name, base_url and dimensions in the spec";
  call_->too_large_hint =
      "a text is longer than the server takes at once: start llama-server with -b and -ub at "
      "least the longest text's tokens (e.g. -b 8192 -ub 8192), lower batch_tokens for a server "
      "that counts a whole request, or cut the documents shorter (embeval dataset chunk)";
  retry_policy_.max_retries = options_.max_retries;
  // A short timeout is a test or an impatient user: back off on the same scale.
  retry_policy_.base_delay_s = std::min(0.5, options_.timeout_s);
  usage_.price_per_mtok = options_.price_per_mtok;
}

OpenAiEncoder::~OpenAiEncoder() = default;

ModelCard OpenAiEncoder::card() const {
  ModelCard card;
  card.family = "dense";
  card.architecture = "remote (OpenAI-compatible API)";
  card.tokenizer = "server-side";
  card.context_window_tokens = options_.context_window;
  std::lock_guard lock(mutex_);
  card.dimension = options_.dimensions.value_or(measured_dimension_);
  return card;
}

ModelFileFacts OpenAiEncoder::file_facts() const {
  ModelFileFacts facts;
  facts.name = options_.model;
  return facts;
}

std::vector<ModelSetting> OpenAiEncoder::settings() const {
  auto quoted = [](const std::string& s) {
    std::string out = "\"";
    for (char c : s) out += c == '\n' ? std::string("\\n") : std::string(1, c);
    return out + "\"";
  };
  std::vector<ModelSetting> s = {
      {"endpoint", url_},
      {"api key",
       "$" + options_.api_key_env + (api_key_->empty() ? " (unset: none sent)" : " (set)")},
      {"requests", std::to_string(options_.batch) + " texts or ~" +
                       std::to_string(options_.batch_tokens) + " tokens each, " +
                       std::to_string(options_.concurrency) + " at once, " +
                       std::to_string(options_.max_retries) + " retries, timeout " +
                       format_spec_number(options_.timeout_s) + " s"},
      {"query prefix", quoted(options_.query_prefix)},
      {"document prefix", quoted(options_.document_prefix)},
      {"normalize", options_.normalize ? "L2, on arrival" : "as served"}};
  if (options_.price_per_mtok) {
    s.push_back({"price", "$" + format_spec_number(*options_.price_per_mtok) + " per 1M tokens"});
  }
  return s;
}

ApiUsage OpenAiEncoder::usage() const {
  std::lock_guard lock(mutex_);
  return usage_;
}

std::string OpenAiEncoder::request_body(std::span<const std::string_view> texts, Role role) const {
  const std::string& prefix =
      role == Role::kQuery ? options_.query_prefix : options_.document_prefix;
  json input = json::array();
  for (std::string_view t : texts) input.push_back(prefix + std::string(t));
  json body = {
      {"model", options_.model}, {"input", std::move(input)}, {"encoding_format", "float"}};
  if (options_.dimensions) body["dimensions"] = *options_.dimensions;
  // Invalid UTF-8 is replaced rather than refused: the texts were read as UTF-8 already.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

DenseMatrix OpenAiEncoder::fetch(HttpClient& client, std::span<const std::string_view> texts,
                                 Role role) {
  HttpRequest request;
  request.url = url_;
  request.body = request_body(texts, role);
  request.bearer_token = api_key_->value();
  request.timeout_s = options_.timeout_s;
  request.connect_timeout_s = std::min(10.0, options_.timeout_s);
  std::optional<ParsedAnswer> answer;
  std::string bad_answer;
  const RetryOutcome outcome = run_with_retries(
      [&] {
        HttpResponse r = client.post_json(request);
        {
          std::lock_guard lock(mutex_);
          ++usage_.requests;
        }
        if (r.ok()) {
          try {
            answer = parse_answer(r.body, texts.size());
          } catch (const MalformedAnswer& e) {
            // Treated like a dropped connection: an answer cut short or mangled on the way.
            bad_answer = e.what();
            r.failure = HttpFailure::kConnectionDropped;
            r.error = "bad answer: " + bad_answer;
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
          std::fprintf(stderr, "embeval: openai:%s: %s, retrying in %.1f s\n",
                       options_.model.c_str(), why.c_str(), wait_s);
        }
      });
  if (!outcome.response.ok() || !answer) throw_request_failure(outcome, *call_, *api_key_);
  DenseMatrix rows = std::move(answer->rows);
  if (options_.dimensions && rows.cols != *options_.dimensions) {
    throw std::runtime_error(api_key_->redact(
        "openai:" + options_.model + ": the server answered " + std::to_string(rows.cols) +
        "-dimensional vectors, not the " + std::to_string(*options_.dimensions) + " asked for"));
  }
  if (options_.normalize) normalize_rows(rows);
  std::lock_guard lock(mutex_);
  if (measured_dimension_ == 0) measured_dimension_ = rows.cols;
  if (rows.cols != measured_dimension_) {
    throw std::runtime_error("openai:" + options_.model + ": the server answered " +
                             std::to_string(rows.cols) + "-dimensional vectors after " +
                             std::to_string(measured_dimension_) + "-dimensional ones");
  }
  usage_.texts += texts.size();
  if (answer->prompt_tokens) {
    usage_.reported_tokens += *answer->prompt_tokens;
  } else {
    ++usage_.unreported_requests;
    const std::string& prefix =
        role == Role::kQuery ? options_.query_prefix : options_.document_prefix;
    for (std::string_view t : texts)
      usage_.estimated_tokens += estimate_tokens(prefix + std::string(t));
  }
  return rows;
}

EmbeddingBatch OpenAiEncoder::encode(std::span<const std::string_view> texts, Role role) {
  std::vector<std::span<const std::string_view>> blocks;
  for (std::size_t begin = 0; begin < texts.size(); begin += options_.batch) {
    blocks.push_back(texts.subspan(begin, std::min(options_.batch, texts.size() - begin)));
  }
  std::vector<DenseMatrix> parts(blocks.size());
  encode_blocks(blocks, role,
                [&](std::size_t b, EmbeddingBatch&& rows) { parts[b] = std::move(*rows.dense); });
  EmbeddingBatch out;
  const std::size_t dim = parts.empty() ? card().dimension : parts[0].cols;
  DenseMatrix all(texts.size(), dim);
  std::size_t row = 0;
  for (const DenseMatrix& p : parts) {
    EMBEVAL_CHECK(p.cols == dim, "openai: parts of different dimensions");
    std::copy(p.data.begin(), p.data.end(), all.row(row));
    row += p.rows;
  }
  out.dense = std::move(all);
  return out;
}

void OpenAiEncoder::encode_blocks(std::span<const std::span<const std::string_view>> blocks,
                                  Role role,
                                  const std::function<void(std::size_t, EmbeddingBatch&&)>& done) {
  // Requests: each block cut by count and by the estimated token budget.
  struct Request {
    std::size_t block, begin, count;
  };
  std::vector<Request> requests;
  std::vector<std::size_t> remaining(blocks.size(), 0);
  const std::string& prefix =
      role == Role::kQuery ? options_.query_prefix : options_.document_prefix;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    std::size_t begin = 0, tokens = 0;
    for (std::size_t i = 0; i < blocks[b].size(); ++i) {
      const std::size_t t = estimate_tokens(prefix + std::string(blocks[b][i]));
      if (i > begin && (i - begin >= options_.batch || tokens + t > options_.batch_tokens)) {
        requests.push_back({b, begin, i - begin});
        begin = i;
        tokens = 0;
      }
      tokens += t;
    }
    if (!blocks[b].empty()) requests.push_back({b, begin, blocks[b].size() - begin});
  }
  for (const Request& r : requests) ++remaining[r.block];
  std::vector<DenseMatrix> block_rows(blocks.size());
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    if (blocks[b].empty()) done(b, dense_batch(DenseMatrix(0, card().dimension)));
  }
  if (requests.empty()) return;

  const std::size_t workers = std::min(options_.concurrency, requests.size());
  while (clients_.size() < workers) clients_.push_back(std::make_unique<HttpClient>());

  std::mutex m;
  std::condition_variable changed;
  std::size_t next = 0, running = workers;
  std::deque<std::size_t> ready;
  std::exception_ptr failure;
  // Parts of a block as they arrive, kept until the whole block is there.
  std::vector<std::vector<std::pair<std::size_t, DenseMatrix>>> arrived(blocks.size());

  auto work = [&](HttpClient& client) {
    while (true) {
      Request r;
      {
        std::lock_guard lock(m);
        if (failure || next == requests.size()) break;
        r = requests[next++];
      }
      try {
        DenseMatrix rows = fetch(client, blocks[r.block].subspan(r.begin, r.count), role);
        std::lock_guard lock(m);
        arrived[r.block].emplace_back(r.begin, std::move(rows));
        if (--remaining[r.block] == 0) ready.push_back(r.block);
      } catch (...) {
        std::lock_guard lock(m);
        if (!failure) failure = std::current_exception();
        break;
      }
      changed.notify_all();
    }
    std::lock_guard lock(m);
    --running;
    changed.notify_all();
  };
  std::vector<std::thread> threads;
  threads.reserve(workers);
  for (std::size_t w = 0; w < workers; ++w) threads.emplace_back(work, std::ref(*clients_[w]));

  const std::string label = "openai:" + options_.model;
  Stopwatch since_line;
  std::size_t finished_requests = 0;
  std::exception_ptr caller_failure;
  while (true) {
    std::vector<std::size_t> now_ready;
    bool all_done = false;
    {
      std::unique_lock lock(m);
      changed.wait(lock, [&] { return !ready.empty() || running == 0; });
      now_ready.assign(ready.begin(), ready.end());
      ready.clear();
      all_done = running == 0;
    }
    for (std::size_t b : now_ready) {
      auto& pieces = arrived[b];
      std::sort(pieces.begin(), pieces.end(),
                [](const auto& x, const auto& y) { return x.first < y.first; });
      DenseMatrix rows(blocks[b].size(), pieces.front().second.cols);
      for (auto& [begin, piece] : pieces) {
        std::copy(piece.data.begin(), piece.data.end(), rows.row(begin));
        ++finished_requests;
      }
      pieces.clear();
      if (caller_failure) continue;
      try {
        done(b, dense_batch(std::move(rows)));
      } catch (...) {
        caller_failure = std::current_exception();
        std::lock_guard lock(m);
        if (!failure) failure = caller_failure;  // stop the workers
      }
    }
    if (Progress::allowed() && since_line.seconds() >= 5) {
      const ApiUsage u = usage();
      std::fprintf(
          stderr,
          "embeval: %s: %zu of %zu requests this call, %zu sent in all (%zu retried), %zu tokens\n",
          label.c_str(), finished_requests, requests.size(), u.requests, u.retries, u.tokens());
      since_line.restart();
    }
    if (all_done) {
      std::lock_guard lock(m);
      if (ready.empty()) break;
    }
  }
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

std::unique_ptr<Encoder> make_openai_encoder(const ModelSpec& spec, const EncoderOptions&) {
  return std::make_unique<OpenAiEncoder>(spec);
}

}  // namespace embeval
