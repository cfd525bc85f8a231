#include "embeval/probe/neighbour_space.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/index/exact_index.h"
#include "embeval/io/word_vectors.h"

namespace embeval {

std::string SpaceTransform::name() const {
  switch (kind) {
    case Kind::kNone:
      return "";
    case Kind::kInt8:
      return "int8";
    case Kind::kBinary:
      return "binary";
    case Kind::kDims:
      return "dims=" + std::to_string(dims);
  }
  return "";
}

SpaceTransform parse_space_transform(std::string_view text) {
  SpaceTransform t;
  if (text == "int8") {
    t.kind = SpaceTransform::Kind::kInt8;
    return t;
  }
  if (text == "binary") {
    t.kind = SpaceTransform::Kind::kBinary;
    return t;
  }
  if (text.starts_with("dims=")) {
    const std::string_view number = text.substr(5);
    std::size_t dims = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), dims);
    if (ec == std::errc() && end == number.data() + number.size() && dims >= 1) {
      t.kind = SpaceTransform::Kind::kDims;
      t.dims = dims;
      return t;
    }
  }
  throw InputError("unknown quantisation '" + std::string(text) + "'", "", 0,
                   "use int8, binary or dims=N (N >= 1: the first N dimensions)");
}

namespace {

void quantize_int8(DenseMatrix& m) {
  for (std::size_t c = 0; c < m.cols; ++c) {
    float lo = std::numeric_limits<float>::infinity();
    float hi = -lo;
    for (std::size_t r = 0; r < m.rows; ++r) {
      lo = std::min(lo, m.row(r)[c]);
      hi = std::max(hi, m.row(r)[c]);
    }
    if (!(hi > lo)) continue;  // a constant column stays exact
    const double step = (static_cast<double>(hi) - lo) / 255.0;
    for (std::size_t r = 0; r < m.rows; ++r) {
      float& x = m.row(r)[c];
      const double code = std::round((static_cast<double>(x) - lo) / step);
      x = static_cast<float>(lo + code * step);
    }
  }
}

}  // namespace

NeighbourSpace transform_space(const NeighbourSpace& space, const SpaceTransform& transform) {
  NeighbourSpace out = space;
  DenseMatrix& m = out.vectors;
  switch (transform.kind) {
    case SpaceTransform::Kind::kNone:
      return out;
    case SpaceTransform::Kind::kInt8:
      quantize_int8(m);
      break;
    case SpaceTransform::Kind::kBinary:
      for (std::size_t r = 0; r < m.rows; ++r) {
        // A zero row (no vector) stays zero: it must not become a real point.
        if (squared_norm({space.vectors.row(r), m.cols}) == 0) continue;
        for (std::size_t c = 0; c < m.cols; ++c) m.row(r)[c] = m.row(r)[c] > 0 ? 1.0f : -1.0f;
      }
      break;
    case SpaceTransform::Kind::kDims: {
      if (transform.dims > m.cols) {
        throw InputError("dims=" + std::to_string(transform.dims) + " exceeds the model's " +
                             std::to_string(m.cols) + " dimensions",
                         "", 0, "pick N <= " + std::to_string(m.cols));
      }
      DenseMatrix cut(m.rows, transform.dims);
      for (std::size_t r = 0; r < m.rows; ++r) {
        std::copy_n(m.row(r), transform.dims, cut.row(r));
      }
      m = std::move(cut);
      break;
    }
  }
  normalize_rows(m);
  return out;
}

SearchResults nearest_candidates(const DenseMatrix& vectors,
                                 const std::vector<std::int64_t>& query_rows, std::size_t k,
                                 int threads) {
  DenseMatrix queries(query_rows.size(), vectors.cols);
  for (std::size_t q = 0; q < query_rows.size(); ++q) {
    EMBEVAL_CHECK(query_rows[q] >= 0 && static_cast<std::size_t>(query_rows[q]) < vectors.rows,
                  "neighbours: a query row outside the candidates");
    std::copy_n(vectors.row(static_cast<std::size_t>(query_rows[q])), vectors.cols, queries.row(q));
  }
  SearchResults out(query_rows.size(), k);
  if (k == 0 || query_rows.empty()) return out;
  // One deeper than k: the query itself is among the candidates.
  const SearchResults hits = exact_knn(vectors, queries, k + 1, Metric::kInnerProduct, threads);
  for (std::size_t q = 0; q < query_rows.size(); ++q) {
    std::size_t kept = 0;
    for (std::size_t j = 0; j < hits.k && kept < k; ++j) {
      const std::int64_t id = hits.ids[q * hits.k + j];
      const float score = hits.scores[q * hits.k + j];
      if (id < 0 || id == query_rows[q]) continue;
      if (!(score > 0)) break;  // ranked best first: nothing after it is positive either
      out.ids[q * k + kept] = id;
      out.scores[q * k + kept] = score;
      ++kept;
    }
  }
  return out;
}

namespace {

std::string ascii_lower(std::string word) {
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return word;
}

}  // namespace

NeighbourSpace vocabulary_space(const ModelSpec& spec, const std::vector<std::string>& words) {
  const auto max_words = static_cast<std::size_t>(spec.get_int("max_words", 0));
  WordVectors loaded = load_word_vectors(
      spec.path, parse_word_vector_format(spec.get_string("format", "auto")), nullptr, max_words);
  NeighbourSpace space;
  space.kind = "vocabulary";
  for (const std::string& w : words) {
    std::optional<std::size_t> row = loaded.find(w);
    if (!row) row = loaded.find(ascii_lower(w));
    const bool usable = row && squared_norm({loaded.row(*row), loaded.dim()}) > 0;
    space.word_rows.push_back(usable ? static_cast<std::int64_t>(*row) : -1);
  }
  loaded.normalize_rows();
  space.names = loaded.words();
  space.vectors = std::move(loaded.mutable_vectors());
  return space;
}

}  // namespace embeval
