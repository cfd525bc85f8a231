// Nearest words to a combination of word vectors (king - man + woman).
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "embeval/analogy.h"
#include "embeval/error.h"

namespace embeval {

std::vector<std::pair<std::string, float>> nearest_words(const WordVectors& vectors,
                                                         const std::vector<std::string>& positive,
                                                         const std::vector<std::string>& negative,
                                                         std::size_t k) {
  const std::size_t dim = vectors.dim();
  std::vector<double> query(dim, 0.0);
  std::unordered_set<std::size_t> inputs;
  auto add = [&](const std::string& word, double sign) {
    const auto id = vectors.find(word);
    if (!id) {
      throw InputError("word '" + word + "' has no vector in the model", {}, 0,
                       "words are lower-cased by the trainer; check the spelling");
    }
    inputs.insert(*id);
    const float* r = vectors.row(*id);
    double n2 = 0;
    for (std::size_t j = 0; j < dim; ++j) n2 += double(r[j]) * r[j];
    const double inv = n2 > 0 ? 1.0 / std::sqrt(n2) : 0.0;
    for (std::size_t j = 0; j < dim; ++j) query[j] += sign * r[j] * inv;
  };
  for (const std::string& w : positive) add(w, 1.0);
  for (const std::string& w : negative) add(w, -1.0);
  if (inputs.empty()) throw InputError("no words given", {}, 0, "name at least one word");

  double qn = 0;
  for (double x : query) qn += x * x;
  qn = qn > 0 ? std::sqrt(qn) : 1.0;
  std::vector<std::pair<std::string, float>> scored;
  std::vector<std::pair<float, std::size_t>> all;
  all.reserve(vectors.size());
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    if (inputs.count(i)) continue;
    const float* r = vectors.row(i);
    double dot = 0, n2 = 0;
    for (std::size_t j = 0; j < dim; ++j) {
      dot += query[j] * r[j];
      n2 += double(r[j]) * r[j];
    }
    all.emplace_back(n2 > 0 ? static_cast<float>(dot / (qn * std::sqrt(n2))) : 0.0f, i);
  }
  const std::size_t take = std::min(k, all.size());
  // Highest cosine first; ties by row (the more frequent word first).
  std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(take), all.end(),
                    [](const auto& x, const auto& y) {
                      return x.first != y.first ? x.first > y.first : x.second < y.second;
                    });
  for (std::size_t i = 0; i < take; ++i) {
    scored.emplace_back(vectors.words()[all[i].second], all[i].first);
  }
  return scored;
}

}  // namespace embeval
