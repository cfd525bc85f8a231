#include "embeval/encoders/bm25_encoder.h"

#include <algorithm>
#include <cmath>

#include "embeval/core/error.h"
#include "embeval/util/parallel_for.h"
#include "embeval/util/thread_count.h"

namespace embeval {
namespace {

// Splits [0, n) into contiguous ranges of at least 64 items, one per worker, and runs
// fn(begin, end, range) for each; `range` numbers them in order, so per-range output
// concatenated by range keeps the input order.
template <typename Fn>
void parallel_ranges(std::size_t n, int threads, Fn&& fn) {
  const std::size_t thread_count = threads > 0 ? static_cast<std::size_t>(threads) : 0;
  const std::size_t ranges = parallel_workers(std::max<std::size_t>(1, n / 64), thread_count);
  parallel_for(ranges, thread_count,
               [&](std::size_t r, std::size_t) { fn(n * r / ranges, n * (r + 1) / ranges, r); });
}

}  // namespace

const ParamSchema& Bm25Params::schema() {
  static const ParamSchema kSchema{
      "bm25",
      "",
      {{.key = "k1",
        .type = ParamType::kNumber,
        .fallback = "0.9",
        .min = 0,
        .max = kMaxK1,
        .help = "term-frequency saturation: 0.9 (Anserini's BEIR default) to 2 is usual; above "
                "~100 BM25 no longer saturates at all"},
       {.key = "b",
        .type = ParamType::kNumber,
        .fallback = "0.4",
        .min = 0,
        .max = 1,
        .help = "document-length normalisation: 0 (none) to 1 (full); 0.4 or 0.75 are usual"},
       {.key = "analyzer",
        .type = ParamType::kText,
        .fallback = "english",
        .help = "the text analyzer: english, standard, whitespace or a Snowball language "
                "(german, french, porter2, ...)"}}};
  return kSchema;
}

Bm25Params Bm25Params::from_spec(const ModelSpec& spec) {
  // The schema checks keys and ranges (written so that NaN fails too). Document weights are
  // stored as float32: a huge k1 scales every weight towards 0 (k1=1e100 underflowed all of them,
  // ranking by id), hence k1's upper bound.
  const ModelSpec canonical = canonicalise(schema(), spec);
  Bm25Params p;
  p.k1 = canonical.get_double("k1", p.k1);
  p.b = canonical.get_double("b", p.b);
  p.analyzer = canonical.get_string("analyzer", p.analyzer);
  (void)Analyzer::create(p.analyzer);  // validates the name
  return p;
}

Bm25Encoder::Bm25Encoder(Bm25Params params, int threads)
    : params_(std::move(params)),
      threads_(
          static_cast<int>(resolve_thread_count(static_cast<std::size_t>(std::max(threads, 0))))),
      analyzer_(Analyzer::create(params_.analyzer)) {}

std::string Bm25Encoder::spec() const {
  ModelSpec s;
  s.scheme = "bm25";
  s.params["analyzer"] = params_.analyzer;
  s.params["b"] = format_spec_number(params_.b);
  s.params["k1"] = format_spec_number(params_.k1);
  return s.to_string();
}

ModelCard Bm25Encoder::card() const {
  ModelCard c;
  c.family = "sparse";
  c.architecture = "bm25";
  c.tokenizer = "word";
  c.dimension = vocabulary_.size();
  c.vocabulary_size = vocabulary_.size();
  c.training_data = "none: statistics of the evaluated corpus";
  return c;
}

std::vector<std::vector<std::string>> Bm25Encoder::analyze_all(
    std::span<const std::string_view> texts) const {
  std::vector<std::vector<std::string>> terms(texts.size());
  parallel_ranges(texts.size(), threads_, [&](std::size_t begin, std::size_t end, std::size_t) {
    auto analyzer = analyzer_->clone();
    for (std::size_t i = begin; i < end; ++i) analyzer->analyze(texts[i], terms[i]);
  });
  return terms;
}

void Bm25Encoder::fit(std::span<const std::string_view> documents) {
  const auto terms = analyze_all(documents);
  std::unordered_map<std::string, std::uint32_t> df;
  std::size_t total_length = 0;
  std::vector<std::string> unique;
  for (const auto& doc : terms) {
    total_length += doc.size();
    unique = doc;
    std::sort(unique.begin(), unique.end());
    unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
    for (auto& t : unique) ++df[t];
  }
  // Term ids in sorted order: the same corpus gives the same ids whatever the thread count.
  std::vector<std::pair<std::string, std::uint32_t>> sorted(df.begin(), df.end());
  std::sort(sorted.begin(), sorted.end());
  vocabulary_.clear();
  vocabulary_.reserve(sorted.size());
  idf_.assign(sorted.size(), 0.0);
  const double n = static_cast<double>(documents.size());
  for (std::uint32_t id = 0; id < sorted.size(); ++id) {
    vocabulary_.emplace(sorted[id].first, id);
    const double d = sorted[id].second;
    idf_[id] = std::log(1.0 + (n - d + 0.5) / (d + 0.5));
  }
  avgdl_ = documents.empty() ? 0.0 : static_cast<double>(total_length) / n;
  fitted_ = true;
}

std::optional<double> Bm25Encoder::idf(const std::string& term) const {
  const auto it = vocabulary_.find(term);
  if (it == vocabulary_.end()) return std::nullopt;
  return idf_[it->second];
}

EmbeddingBatch Bm25Encoder::encode(std::span<const std::string_view> texts, Role role) {
  EMBEVAL_CHECK(fitted_, "bm25: encode() before fit()");
  const auto terms = analyze_all(texts);
  // Each worker fills its own rows; rows are then concatenated in input order.
  struct Rows {
    std::vector<std::uint64_t> lengths;
    std::vector<std::uint32_t> ids;
    std::vector<float> values;
  };
  const int workers = threads_;
  std::vector<Rows> parts(static_cast<std::size_t>(workers));
  std::vector<std::pair<std::size_t, std::size_t>> ranges(static_cast<std::size_t>(workers));
  parallel_ranges(texts.size(), workers, [&](std::size_t begin, std::size_t end, std::size_t w) {
    ranges[w] = {begin, end};
    Rows& out = parts[w];
    std::vector<std::pair<std::uint32_t, std::uint32_t>> counts;  // (term id, tf)
    for (std::size_t i = begin; i < end; ++i) {
      counts.clear();
      for (const auto& t : terms[i]) {
        const auto it = vocabulary_.find(t);
        if (it != vocabulary_.end()) counts.emplace_back(it->second, 1);
      }
      std::sort(counts.begin(), counts.end());
      std::size_t unique = 0;
      for (std::size_t j = 0; j < counts.size(); ++j) {
        if (unique > 0 && counts[unique - 1].first == counts[j].first) {
          ++counts[unique - 1].second;
        } else {
          counts[unique++] = counts[j];
        }
      }
      counts.resize(unique);
      const double dl = static_cast<double>(terms[i].size());
      const double relative_length = avgdl_ > 0 ? dl / avgdl_ : 1.0;  // empty corpus: no NaN
      const double norm = params_.k1 * (1.0 - params_.b + params_.b * relative_length);
      for (const auto& [id, tf] : counts) {
        out.ids.push_back(id);
        if (role == Role::kQuery) {
          out.values.push_back(static_cast<float>(tf));
        } else {
          out.values.push_back(static_cast<float>(idf_[id] * tf / (tf + norm)));
        }
      }
      out.lengths.push_back(counts.size());
    }
  });
  SparseMatrix m;
  m.dim = vocabulary_.size();
  for (std::size_t w = 0; w < parts.size(); ++w) {
    const Rows& part = parts[w];
    std::size_t offset = 0;
    for (std::uint64_t len : part.lengths) {
      m.indices.insert(m.indices.end(), part.ids.begin() + offset, part.ids.begin() + offset + len);
      m.values.insert(m.values.end(), part.values.begin() + offset,
                      part.values.begin() + offset + len);
      m.indptr.push_back(m.indices.size());
      offset += len;
      ++m.rows;
    }
  }
  EMBEVAL_CHECK(m.rows == texts.size(), "bm25: lost rows while encoding");
  EmbeddingBatch batch;
  batch.sparse = std::move(m);
  return batch;
}

}  // namespace embeval
