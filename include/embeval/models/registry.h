// One registry from spec schemes to encoder implementations. It feeds `--help` and the docs
// (each family's parameter schema, param_schema.h). A canonical spec (check_model_spec, an
// encoder's spec()) follows param_schema.h's policy: every fixed default written out.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/encoder.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"
#include "embeval/core/tokenizer.h"

namespace embeval {

struct EncoderKind {
  std::string scheme;   // "bm25"
  std::string summary;  // one line for --help
  // The family's parameters (param_schema.h): --help and the docs tables are generated from it,
  // and the family's spec parsing checks keys and values against it. Static storage.
  const ParamSchema* schema = nullptr;
  // Encoding costs far more than reading vectors back (transformers): `eval` keeps this
  // family's embeddings in an on-disk cache (embedding_cache.h), so a rerun resumes.
  bool cache_embeddings = false;
  // The spec's path names a file (a model file whose bytes identify the model); false when it
  // is a name the family resolves elsewhere (a remote model's name).
  bool path_is_file = true;
};

// The kind for spec.scheme; InputError listing the known schemes otherwise.
[[nodiscard]] const EncoderKind& encoder_kind(const ModelSpec& spec);

// True when `spec`'s encodings depend on the corpus it is fit() on (bm25; static with
// pooling=tfidf|sif): a query's vector then changes with the corpus, so queries must be encoded
// with the fit of the corpus they will search. Throws InputError for an unknown scheme.
[[nodiscard]] bool depends_on_fitted_corpus(const ModelSpec& spec);

// Every registered family, in a stable order.
const std::vector<EncoderKind>& encoder_kinds();

// True when the family `scheme` is built into this binary: "gguf" only when llama.cpp was
// available at build time. Ask this instead of testing build macros.
[[nodiscard]] bool has_encoder_family(std::string_view scheme);

// The tokenizer of `spec`'s model on its own, loading no weights (vocabulary-only GGUF files
// work), or nullptr for families without a standalone tokenizer (bm25, static: their analyzers
// split words). Throws InputError for a family not built in and for a missing or bad file.
[[nodiscard]] std::unique_ptr<Tokenizer> make_tokenizer(const ModelSpec& spec);

// Builds the encoder for `spec`. Throws InputError for an unknown scheme (listing the known
// ones), unknown parameters, or bad values.
std::unique_ptr<Encoder> make_encoder(const ModelSpec& spec, const EncoderOptions& options = {});
inline std::unique_ptr<Encoder> make_encoder(std::string_view spec,
                                             const EncoderOptions& options = {}) {
  return make_encoder(ModelSpec::parse(spec), options);
}

// Checks `spec` as make_encoder() would, but loads no model: the scheme, every key and value,
// and that a named model file exists. Returns the canonical spec, equal to what the built
// encoder's spec() returns, so saved results can be matched before a model is loaded.
// Throws InputError like make_encoder().
[[nodiscard]] std::string check_model_spec(const ModelSpec& spec);

// The models one spec stands for, in order: itself, except `bge-m3:...?output=all`, which is
// its dense, sparse, colbert and combined outputs (one forward pass, shared through the cache).
[[nodiscard]] std::vector<std::string> expand_model_spec(const ModelSpec& spec);

}  // namespace embeval
