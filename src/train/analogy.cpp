// Analogy questions: reading the classic format and answering with 3CosAdd / 3CosMul.
#include "embeval/train/analogy.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <string>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"

namespace embeval {
namespace {

std::vector<std::string> split_blanks(const std::string& line) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && (line[pos] == ' ' || line[pos] == '\t' || line[pos] == '\r')) {
      ++pos;
    }
    const std::size_t start = pos;
    while (pos < line.size() && line[pos] != ' ' && line[pos] != '\t' && line[pos] != '\r') ++pos;
    if (pos > start) out.push_back(line.substr(start, pos - start));
  }
  return out;
}

std::string ascii_lower(std::string word) {
  for (char& c : word) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return word;
}

// Unit-length copies of the first `rows` vectors: cosine becomes a dot product.
std::vector<float> normalized_rows(const WordVectors& vectors, std::size_t rows) {
  const std::size_t dim = vectors.dim();
  std::vector<float> out(vectors.row(0), vectors.row(0) + rows * dim);
  for (std::size_t i = 0; i < rows; ++i) normalize({out.data() + i * dim, dim});
  return out;
}

}  // namespace

std::vector<AnalogyQuestion> read_analogy_questions(const std::filesystem::path& path,
                                                    bool lowercase) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot open analogy questions", path.string(), 0, "check the path");
  std::vector<AnalogyQuestion> questions;
  std::string section = "default";
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    std::vector<std::string> words = split_blanks(line);
    if (words.empty()) continue;
    if (words[0] == ":" || words[0][0] == ':') {
      std::string name = words[0] == ":" ? (words.size() > 1 ? words[1] : "") : words[0].substr(1);
      if (name.empty()) {
        throw InputError("section line without a name", path.string(), line_number,
                         "write ': section-name'");
      }
      section = name;
      continue;
    }
    if (words.size() != 4) {
      throw InputError("an analogy line needs 4 words, found " + std::to_string(words.size()),
                       path.string(), line_number, "write 'a b c d' meaning a:b :: c:d");
    }
    if (lowercase) {
      for (std::string& w : words) w = ascii_lower(std::move(w));
    }
    questions.push_back({section, words[0], words[1], words[2], words[3], line_number});
  }
  if (questions.empty()) {
    throw InputError("no analogy questions in file", path.string(), line_number,
                     "lines look like 'athens greece berlin germany'");
  }
  return questions;
}

AnalogyReport evaluate_analogies(const WordVectors& vectors,
                                 const std::vector<AnalogyQuestion>& questions,
                                 const AnalogyOptions& options) {
  AnalogyReport report;
  const std::size_t rows = options.restrict_vocab > 0
                               ? std::min(options.restrict_vocab, vectors.size())
                               : vectors.size();
  const std::size_t dim = vectors.dim();
  const std::vector<float> unit = rows > 0 ? normalized_rows(vectors, rows) : std::vector<float>{};
  std::vector<float> cos_a(rows), cos_b(rows), cos_c(rows);
  auto similarities = [&](std::size_t word, std::vector<float>& out) {
    const float* q = unit.data() + word * dim;
    for (std::size_t i = 0; i < rows; ++i) {
      const float* r = unit.data() + i * dim;
      float dot = 0;
      for (std::size_t j = 0; j < dim; ++j) dot += q[j] * r[j];
      out[i] = dot;
    }
  };
  auto lookup = [&](const std::string& w) -> std::optional<std::size_t> {
    const auto id = vectors.find(w);
    if (!id || *id >= rows) return std::nullopt;
    return id;
  };

  for (const AnalogyQuestion& q : questions) {
    if (report.sections.empty() || report.sections.back().section != q.section) {
      report.sections.push_back(AnalogyScore{q.section});
    }
    AnalogyScore& score = report.sections.back();
    ++score.total;
    ++report.overall.total;
    const auto a = lookup(q.a), b = lookup(q.b), c = lookup(q.c), d = lookup(q.d);
    if (!a || !b || !c || !d) continue;
    ++score.answered;
    ++report.overall.answered;
    similarities(*a, cos_a);
    similarities(*b, cos_b);
    similarities(*c, cos_c);
    std::size_t best = rows;
    float best_score = -std::numeric_limits<float>::infinity();
    for (std::size_t i = 0; i < rows; ++i) {
      if (i == *a || i == *b || i == *c) continue;
      float s;
      if (options.method == AnalogyMethod::k3CosAdd) {
        s = cos_b[i] - cos_a[i] + cos_c[i];
      } else {
        // Levy & Goldberg (2014): cosines shifted to [0, 1] so the product is monotone.
        s = ((cos_b[i] + 1) / 2) * ((cos_c[i] + 1) / 2) / ((cos_a[i] + 1) / 2 + 1e-3f);
      }
      if (s > best_score) {
        best_score = s;
        best = i;
      }
    }
    if (best == *d) {
      ++score.correct;
      ++report.overall.correct;
    }
  }
  return report;
}

}  // namespace embeval
