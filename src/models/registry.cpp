#include "embeval/models/registry.h"

#include "embeval/core/error.h"
#include "embeval/encoders/bm25_encoder.h"
#include "embeval/encoders/static_encoder.h"
#include "embeval/remote/openai_encoder.h"
#ifdef EMBEVAL_HAVE_LLAMA
#include "embeval/gguf/gguf_bge_m3_encoder.h"
#include "embeval/gguf/gguf_encoder.h"
#include "embeval/gguf/gguf_tokenizer.h"
#endif

namespace embeval {
namespace {

using Factory = std::unique_ptr<Encoder> (*)(const ModelSpec&, const EncoderOptions&);
using Checker = std::string (*)(const ModelSpec&);    // see check_model_spec()
using CorpusDependence = bool (*)(const ModelSpec&);  // see depends_on_fitted_corpus()

struct Entry {
  EncoderKind kind;
  Factory make;
  Checker check;
  CorpusDependence fitted;
};

void require_no_path(const ModelSpec& spec) {
  if (!spec.path.empty()) {
    throw InputError(spec.scheme + " takes no path ('" + spec.to_string() + "')", {}, 0,
                     "write bm25?k1=1.2&b=0.75");
  }
}

// The one table from spec schemes to implementations; --help and docs are generated from it.
const std::vector<Entry>& entries() {
  static const std::vector<Entry> kEntries = {
      {{"bm25", "Okapi BM25 (Lucene formula) over an inverted index, fitted on the corpus",
        &Bm25Params::schema()},
       [](const ModelSpec& spec, const EncoderOptions&) -> std::unique_ptr<Encoder> {
         require_no_path(spec);
         return std::make_unique<Bm25Encoder>(Bm25Params::from_spec(spec));
       },
       [](const ModelSpec& spec) {
         require_no_path(spec);
         return Bm25Encoder(Bm25Params::from_spec(spec)).spec();  // no corpus yet: cheap
       },
       // IDF and average length come from the corpus.
       [](const ModelSpec&) { return true; }},
      {{"static",
        "Static word vectors (word2vec text/binary, GloVe, fastText .vec, wink JSON) pooled per "
        "text",
        &StaticEncoder::schema()},
       [](const ModelSpec& spec, const EncoderOptions&) -> std::unique_ptr<Encoder> {
         return std::make_unique<StaticEncoder>(spec);
       },
       [](const ModelSpec& spec) { return StaticEncoder::canonical_spec(spec); },
       // tfidf's idf, sif's word probabilities and principal component come from the corpus.
       [](const ModelSpec& spec) { return spec.get_string("pooling", "mean") != "mean"; }},
      {{"openai",
        "Any OpenAI-compatible /embeddings endpoint: OpenAI, llama-server, TEI, Infinity, vLLM "
        "(docs/remote-models.md)",
        &openai_param_schema(),
        /*cache_embeddings=*/true,
        /*path_is_file=*/false},
       make_openai_encoder,
       [](const ModelSpec& spec) { return check_openai_spec(spec); },
       [](const ModelSpec&) { return false; }},
#ifdef EMBEVAL_HAVE_LLAMA
      {{"gguf",
        "Transformer / LLM encoders from a GGUF file through llama.cpp (BERT, XLM-R, nomic-bert, "
        "Qwen3, Gemma, ...)",
        &gguf_param_schema(),
        /*cache_embeddings=*/true},
       make_gguf_encoder,
       check_gguf_spec,
       [](const ModelSpec&) { return false; }},
      {{"bge-m3", "BGE-M3's dense, sparse or multi-vector (ColBERT) output from its GGUF and heads",
        &bge_m3_param_schema(),
        // It caches all three outputs itself, per text (encoders/bge_m3_output_cache.h), so
        // every output of one model shares one pass; the block cache would hold one output.
        /*cache_embeddings=*/false},
       [](const ModelSpec& spec, const EncoderOptions& options) -> std::unique_ptr<Encoder> {
         return std::make_unique<GgufBgeM3Encoder>(spec, static_cast<int>(options.threads));
       },
       check_bge_m3_spec,
       [](const ModelSpec&) { return false; }},
#endif
  };
  return kEntries;
}

}  // namespace

const std::vector<EncoderKind>& encoder_kinds() {
  static const std::vector<EncoderKind> kKinds = [] {
    std::vector<EncoderKind> kinds;
    for (const auto& e : entries()) kinds.push_back(e.kind);
    return kinds;
  }();
  return kKinds;
}

namespace {

const Entry& entry_for(const ModelSpec& spec) {
  for (const auto& e : entries()) {
    if (e.kind.scheme == spec.scheme) return e;
  }
  std::string known;
  for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.kind.scheme;
  throw InputError("unknown model family '" + spec.scheme + "' in spec '" + spec.to_string() + "'",
                   {}, 0, "known families: " + known);
}

}  // namespace

std::unique_ptr<Encoder> make_encoder(const ModelSpec& spec, const EncoderOptions& options) {
  return entry_for(spec).make(spec, options);
}

std::string check_model_spec(const ModelSpec& spec) { return entry_for(spec).check(spec); }

std::vector<std::string> expand_model_spec(const ModelSpec& spec) {
#ifdef EMBEVAL_HAVE_LLAMA
  if (spec.scheme == "bge-m3") return expand_bge_m3_spec(spec);
#endif
  return {spec.to_string()};
}

const EncoderKind& encoder_kind(const ModelSpec& spec) { return entry_for(spec).kind; }

bool depends_on_fitted_corpus(const ModelSpec& spec) { return entry_for(spec).fitted(spec); }

bool has_encoder_family(std::string_view scheme) {
  for (const auto& e : entries()) {
    if (e.kind.scheme == scheme) return true;
  }
  return false;
}

std::unique_ptr<Tokenizer> make_tokenizer(const ModelSpec& spec) {
  (void)entry_for(spec);  // an unknown or absent family: InputError listing the known ones
#ifdef EMBEVAL_HAVE_LLAMA
  if (spec.scheme == "gguf") return make_gguf_tokenizer(spec);
#endif
  return nullptr;
}

}  // namespace embeval
