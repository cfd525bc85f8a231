// Word-pair similarity files and Spearman rank correlation.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <numeric>

#include "embeval/core/error.h"
#include "embeval/train/analogy.h"

namespace embeval {
namespace {

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == ','; };
  while (pos < line.size()) {
    while (pos < line.size() && blank(line[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && !blank(line[pos])) ++pos;
    if (pos > start) out.push_back(line.substr(start, pos - start));
  }
  return out;
}

// Ranks 1..n; tied values get the mean of the ranks they span.
std::vector<double> mean_ranks(const std::vector<double>& v) {
  std::vector<std::size_t> order(v.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto i, auto j) { return v[i] < v[j]; });
  std::vector<double> ranks(v.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
    const double rank = (static_cast<double>(i + j) / 2.0) + 1.0;
    for (std::size_t k = i; k <= j; ++k) ranks[order[k]] = rank;
    i = j + 1;
  }
  return ranks;
}

}  // namespace

std::vector<WordPair> read_word_pairs(const std::filesystem::path& path, bool lowercase) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open word-pair file", path.string(), 0, "check the path");
  std::vector<WordPair> pairs;
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    const std::vector<std::string> fields = split_fields(line);
    if (fields.empty() || fields[0][0] == '#') continue;
    if (fields.size() < 3) {
      throw InputError("a word-pair line needs 'word1 word2 score'", path.string(), line_number);
    }
    double score = 0;
    const std::string& text = fields[2];
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), score);
    if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(score)) {
      if (pairs.empty()) continue;  // a header line such as "Word 1,Word 2,Human (mean)"
      throw InputError("score '" + text + "' is not a number", path.string(), line_number);
    }
    WordPair pair{fields[0], fields[1], score};
    if (lowercase) {
      for (std::string* w : {&pair.first, &pair.second}) {
        for (char& c : *w) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
      }
    }
    pairs.push_back(std::move(pair));
  }
  if (pairs.empty()) throw InputError("no word pairs in file", path.string(), line_number);
  return pairs;
}

double spearman_correlation(const std::vector<double>& x, const std::vector<double>& y) {
  EMBEVAL_CHECK(x.size() == y.size(), "spearman: samples of different sizes");
  if (x.size() < 2) return 0.0;
  const std::vector<double> rx = mean_ranks(x), ry = mean_ranks(y);
  // Pearson correlation of the ranks (correct with ties, unlike the 1 - 6 sum d^2 shortcut).
  const double n = static_cast<double>(x.size());
  const double mean = (n + 1) / 2;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) * (rx[i] - mean);
    syy += (ry[i] - mean) * (ry[i] - mean);
  }
  if (sxx <= 0 || syy <= 0) return 0.0;
  return sxy / std::sqrt(sxx * syy);
}

SimilarityReport evaluate_similarity(const WordVectors& vectors,
                                     const std::vector<WordPair>& pairs) {
  SimilarityReport report;
  report.pairs = pairs.size();
  std::vector<double> human, model;
  const std::size_t dim = vectors.dim();
  for (const WordPair& pair : pairs) {
    const auto a = vectors.find(pair.first), b = vectors.find(pair.second);
    if (!a || !b) continue;
    const float* x = vectors.row(*a);
    const float* y = vectors.row(*b);
    double dot = 0, nx = 0, ny = 0;
    for (std::size_t j = 0; j < dim; ++j) {
      dot += double(x[j]) * y[j];
      nx += double(x[j]) * x[j];
      ny += double(y[j]) * y[j];
    }
    human.push_back(pair.score);
    model.push_back(nx > 0 && ny > 0 ? dot / std::sqrt(nx * ny) : 0.0);
  }
  report.used = human.size();
  report.spearman = spearman_correlation(human, model);
  return report;
}

}  // namespace embeval
