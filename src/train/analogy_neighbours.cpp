// Nearest words to a combination of word vectors (king - man + woman).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <optional>
#include <string_view>
#include <unordered_set>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/core/topk.h"
#include "embeval/train/analogy.h"

namespace embeval {

namespace {

// Levenshtein distance, stopping early (returns limit + 1) once it exceeds `limit`.
std::size_t edit_distance(std::string_view a, std::string_view b, std::size_t limit) {
  if ((a.size() > b.size() ? a.size() - b.size() : b.size() - a.size()) > limit) return limit + 1;
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0], best = row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
      best = std::min(best, row[j]);
    }
    if (best > limit) return limit + 1;
  }
  return row[b.size()];
}

// Up to three words of the model within two edits of `word`, nearest first, then most frequent.
std::vector<std::string> close_spellings(const WordVectors& vectors, const std::string& word) {
  std::vector<std::pair<std::size_t, std::size_t>> found;  // (distance, row)
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const std::size_t d = edit_distance(word, vectors.words()[i], 2);
    if (d <= 2) found.emplace_back(d, i);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (std::size_t i = 0; i < found.size() && i < 3; ++i) {
    out.push_back(vectors.words()[found[i].second]);
  }
  return out;
}

// A word's row: the word as given, else lower-cased (the trainer's analyzers lower-case).
std::optional<std::size_t> find_word(const WordVectors& vectors, const std::string& word) {
  if (auto id = vectors.find(word)) return id;
  std::string lower = word;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return vectors.find(lower);
}

}  // namespace

void require_words(const WordVectors& vectors, const std::vector<std::string>& words) {
  std::vector<std::string> missing;
  for (const std::string& w : words) {
    if (!find_word(vectors, w) && std::find(missing.begin(), missing.end(), w) == missing.end()) {
      missing.push_back(w);
    }
  }
  if (missing.empty()) return;
  std::string what, hint;
  for (const std::string& w : missing) {
    what += (what.empty() ? "'" : ", '") + w + "'";
    const std::vector<std::string> close = close_spellings(vectors, w);
    if (close.empty()) continue;
    hint += (hint.empty() ? "" : "; ") + std::string("for '") + w + "' the model has";
    for (const std::string& c : close) hint += " '" + c + "'";
  }
  what += missing.size() == 1 ? " is" : " are";
  what += " not among the model's " + std::to_string(vectors.size()) + " words";
  if (!hint.empty()) hint += "; ";
  hint +=
      "a model knows only the words of its training text that reached --min-count (a model "
      "trained on man pages has no 'king' or 'queen'): pick words of that text";
  throw InputError(what, {}, 0, hint);
}

std::vector<std::pair<std::string, float>> nearest_words(const WordVectors& vectors,
                                                         const std::vector<std::string>& positive,
                                                         const std::vector<std::string>& negative,
                                                         std::size_t k) {
  std::vector<std::string> all_words = positive;
  all_words.insert(all_words.end(), negative.begin(), negative.end());
  require_words(vectors, all_words);
  const std::size_t dim = vectors.dim();
  std::vector<double> query(dim, 0.0);
  std::unordered_set<std::size_t> inputs;
  auto add = [&](const std::string& word, double sign) {
    const std::size_t id = *find_word(vectors, word);
    inputs.insert(id);
    const float* r = vectors.row(id);
    const double n2 = squared_norm({r, dim});
    const double inv = n2 > 0 ? 1.0 / std::sqrt(n2) : 0.0;
    for (std::size_t j = 0; j < dim; ++j) query[j] += sign * r[j] * inv;
  };
  for (const std::string& w : positive) add(w, 1.0);
  for (const std::string& w : negative) add(w, -1.0);
  if (inputs.empty()) throw InputError("no words given", {}, 0, "name at least one word");

  // The query stays in double, so its cosine with each word is taken here rather than by
  // exact_knn's float32 SGEMM; selection is the shared TopK (ties: the smaller row, that is the
  // more frequent word, first).
  double qn = 0;
  for (double x : query) qn += x * x;
  qn = qn > 0 ? std::sqrt(qn) : 1.0;
  const std::size_t candidates = vectors.size() - inputs.size();
  TopK<float> top(std::min(k, candidates));
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    if (inputs.count(i)) continue;
    const float* r = vectors.row(i);
    double dot = 0;
    for (std::size_t j = 0; j < dim; ++j) dot += query[j] * r[j];
    const double n2 = squared_norm({r, dim});
    top.push(n2 > 0 ? static_cast<float>(dot / (qn * std::sqrt(n2))) : 0.0f,
             static_cast<std::int64_t>(i));
  }
  std::vector<std::int64_t> ids(top.k());
  std::vector<float> scores(top.k());
  top.take_sorted(ids.data(), scores.data());
  std::vector<std::pair<std::string, float>> scored;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    scored.emplace_back(vectors.words()[static_cast<std::size_t>(ids[i])], scores[i]);
  }
  return scored;
}

}  // namespace embeval
