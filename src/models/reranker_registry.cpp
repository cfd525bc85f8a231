#include "embeval/models/reranker_registry.h"

#include "embeval/core/error.h"
#include "embeval/remote/openai_reranker.h"
#ifdef EMBEVAL_HAVE_LLAMA
#include "embeval/gguf/gguf_reranker.h"
#endif

namespace embeval {
namespace {

struct Entry {
  RerankerKind kind;
  std::unique_ptr<Reranker> (*make)(const ModelSpec&, const EncoderOptions&);
  std::string (*check)(const ModelSpec&);
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> kEntries = {
#ifdef EMBEVAL_HAVE_LLAMA
      {{"gguf",
        "A cross-encoder GGUF (bge-reranker, jina-reranker: pooling type rank) run by llama.cpp",
        &gguf_reranker_param_schema()},
       [](const ModelSpec& spec, const EncoderOptions& options) -> std::unique_ptr<Reranker> {
         return std::make_unique<GgufReranker>(spec, static_cast<int>(options.threads));
       },
       check_gguf_reranker_spec},
#endif
      {{"openai-rerank",
        "A served /rerank endpoint: llama-server --reranking, TEI, Jina, Cohere "
        "(docs/reranking.md)",
        &openai_reranker_param_schema(), /*path_is_file=*/false},
       [](const ModelSpec& spec, const EncoderOptions&) -> std::unique_ptr<Reranker> {
         return std::make_unique<OpenAiReranker>(spec);
       },
       check_openai_reranker_spec},
  };
  return kEntries;
}

const Entry& entry_for(const ModelSpec& spec) {
  for (const auto& e : entries()) {
    if (e.kind.scheme == spec.scheme) return e;
  }
  std::string known;
  for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.kind.scheme;
  throw InputError("unknown reranker family '" + spec.scheme + "' in '" + spec.to_string() + "'",
                   {}, 0, "known reranker families: " + known + " (docs/reranking.md)");
}

}  // namespace

const std::vector<RerankerKind>& reranker_kinds() {
  static const std::vector<RerankerKind> kKinds = [] {
    std::vector<RerankerKind> kinds;
    for (const auto& e : entries()) kinds.push_back(e.kind);
    return kinds;
  }();
  return kKinds;
}

const RerankerKind& reranker_kind(const ModelSpec& spec) { return entry_for(spec).kind; }

std::string check_reranker_spec(const ModelSpec& spec) { return entry_for(spec).check(spec); }

std::unique_ptr<Reranker> make_reranker(const ModelSpec& spec, const EncoderOptions& options) {
  return entry_for(spec).make(spec, options);
}

}  // namespace embeval
