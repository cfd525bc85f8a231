#include "embeval/probe/neighbours.h"

#include <algorithm>
#include <map>
#include <memory>
#include <unordered_map>

#include "embeval/core/error.h"
#include "embeval/models/registry.h"

namespace embeval {

const std::vector<std::string>& polysemy_words() {
  static const std::vector<std::string> words = {"bank", "python", "mouse"};
  return words;
}

namespace {

WordNeighbours neighbours_of(const std::string& word, const NeighbourSpace& space,
                             const SearchResults& lists, std::size_t q) {
  WordNeighbours out;
  out.word = word;
  out.has_vector = true;
  for (std::size_t j = 0; j < lists.k; ++j) {
    const std::int64_t id = lists.ids[q * lists.k + j];
    if (id < 0) break;
    out.neighbours.push_back(space.names[static_cast<std::size_t>(id)]);
    out.cosines.push_back(lists.scores[q * lists.k + j]);
  }
  return out;
}

// Each row of `rows` that is >= 0, once, in first-seen order.
std::vector<std::int64_t> distinct_rows(const std::vector<std::int64_t>& rows) {
  std::vector<std::int64_t> out;
  std::unordered_map<std::int64_t, bool> seen;
  for (const std::int64_t r : rows) {
    if (r >= 0 && seen.emplace(r, true).second) out.push_back(r);
  }
  return out;
}

}  // namespace

NeighbourReport probe_neighbours(const NeighbourSpace& original,
                                 const std::vector<std::string>& words,
                                 const WordRelation* relation,
                                 const NeighbourProbeOptions& options) {
  const std::vector<std::string>& ambiguous = polysemy_words();
  EMBEVAL_CHECK(original.word_rows.size() == words.size() + ambiguous.size(),
                "neighbours: the space does not hold the words and the polysemy words");
  const NeighbourSpace transformed = transform_space(original, options.transform);
  const NeighbourSpace& space = transformed;
  NeighbourReport report;
  report.k = options.k;
  report.transform = options.transform.name();
  report.space = space.kind;
  report.candidates = space.names.size();
  if (relation != nullptr) report.relation = relation->describe();

  // Every probed and polysemy word with a vector, searched in one call.
  std::vector<std::int64_t> query_rows;
  std::vector<std::size_t> query_of(space.word_rows.size(), 0);
  for (std::size_t i = 0; i < space.word_rows.size(); ++i) {
    if (space.word_rows[i] < 0) continue;
    query_of[i] = query_rows.size();
    query_rows.push_back(space.word_rows[i]);
  }
  const SearchResults lists =
      nearest_candidates(space.vectors, query_rows, options.k, options.threads);

  for (std::size_t i = 0; i < words.size(); ++i) {
    WordNeighbours w;
    if (space.word_rows[i] >= 0) {
      w = neighbours_of(words[i], space, lists, query_of[i]);
      ++report.words_with_vector;
      if (relation != nullptr && relation->knows(words[i])) {
        w.related = 0;
        for (const std::string& n : w.neighbours) w.related += relation->related(words[i], n);
        ++report.judged_words;
        report.judged_pairs += w.neighbours.size();
        report.related_pairs += static_cast<std::size_t>(w.related);
      }
    } else {
      w.word = words[i];
    }
    report.words.push_back(std::move(w));
  }
  if (report.judged_pairs > 0) {
    report.related_share =
        static_cast<double>(report.related_pairs) / static_cast<double>(report.judged_pairs);
    report.intrusion_rate = 1.0 - report.related_share;
  }
  for (std::size_t p = 0; p < ambiguous.size(); ++p) {
    const std::size_t i = words.size() + p;
    if (space.word_rows[i] < 0) continue;
    report.polysemy.push_back(neighbours_of(ambiguous[p], space, lists, query_of[i]));
  }

  // Hubness within the probed words: their vectors only, each searched among the others.
  const std::vector<std::int64_t> points =
      distinct_rows({space.word_rows.begin(),
                     space.word_rows.begin() + static_cast<std::ptrdiff_t>(words.size())});
  DenseMatrix point_vectors(points.size(), space.vectors.cols);
  std::vector<std::int64_t> point_ids(points.size());
  for (std::size_t p = 0; p < points.size(); ++p) {
    std::copy_n(space.vectors.row(static_cast<std::size_t>(points[p])), space.vectors.cols,
                point_vectors.row(p));
    point_ids[p] = static_cast<std::int64_t>(p);
  }
  report.hubness =
      hubness(nearest_candidates(point_vectors, point_ids, options.k, options.threads));
  for (const auto& [id, count] : report.hubness.hubs) {
    report.hub_words.push_back(space.names[static_cast<std::size_t>(points[id])]);
  }
  return report;
}

NeighbourSpace model_space(const ModelSpec& spec, const std::vector<std::string>& words,
                           const NeighbourProbeOptions& options,
                           const EncoderOptions& encoder_options) {
  const std::vector<std::string>& ambiguous = polysemy_words();
  if (spec.scheme == "static" && options.vocabulary) {
    std::vector<std::string> all = words;
    all.insert(all.end(), ambiguous.begin(), ambiguous.end());
    return vocabulary_space(spec, all);
  }
  // The words space: each distinct word encoded once, the polysemy words added as candidates.
  std::vector<std::string> texts;
  std::map<std::string, std::size_t> row_of;
  std::vector<std::size_t> rows;
  auto add = [&](const std::string& w) {
    const auto [it, added] = row_of.emplace(w, texts.size());
    if (added) texts.push_back(w);
    rows.push_back(it->second);
  };
  for (const std::string& w : words) add(w);
  for (const std::string& w : ambiguous) add(w);
  std::unique_ptr<Encoder> encoder = make_encoder(spec, encoder_options);
  NeighbourSpace encoded = words_space(*encoder, spec, texts);
  std::vector<std::int64_t> word_rows;
  for (const std::size_t r : rows) word_rows.push_back(encoded.word_rows[r]);
  encoded.word_rows = std::move(word_rows);
  return encoded;
}

KnnOverlap neighbour_overlap(const NeighbourReport& a, const NeighbourReport& b) {
  EMBEVAL_CHECK(a.words.size() == b.words.size(), "neighbour_overlap: different word lists");
  std::vector<std::vector<std::string>> left, right;
  std::vector<bool> compared;
  for (std::size_t i = 0; i < a.words.size(); ++i) {
    EMBEVAL_CHECK(a.words[i].word == b.words[i].word, "neighbour_overlap: different word lists");
    left.push_back(a.words[i].neighbours);
    right.push_back(b.words[i].neighbours);
    compared.push_back(a.words[i].has_vector && b.words[i].has_vector);
  }
  return knn_overlap(left, right, compared);
}

}  // namespace embeval
