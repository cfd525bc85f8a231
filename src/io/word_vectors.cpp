// WordVectors itself, format names and detection, and the load dispatcher.
#include "embeval/word_vectors.h"

#include <cctype>
#include <cmath>
#include <fstream>
#include <string>

#include "embeval/byte_order_mark.h"
#include "embeval/error.h"
#include "io/word_vectors_internal.h"

namespace embeval {

using word_vectors_internal::RowCollector;

WordVectors::WordVectors(std::vector<std::string> words, DenseMatrix vectors)
    : words_(std::move(words)), vectors_(std::move(vectors)) {
  EMBEVAL_CHECK(vectors_.rows == words_.size(), "one vector row per word");
  EMBEVAL_CHECK(vectors_.data.size() == vectors_.rows * vectors_.cols, "matrix size");
  index_.reserve(words_.size());
  for (std::size_t i = 0; i < words_.size(); ++i) {
    const bool inserted = index_.emplace(words_[i], i).second;
    EMBEVAL_CHECK(inserted, "duplicate word in WordVectors: " + words_[i]);
  }
}

std::optional<std::size_t> WordVectors::find(std::string_view word) const {
  // Heterogeneous lookup needs a transparent hash; one string copy per lookup is cheap enough
  // next to the pooling arithmetic.
  const auto it = index_.find(std::string(word));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

void WordVectors::normalize_rows() {
  for (std::size_t i = 0; i < vectors_.rows; ++i) {
    float* row = vectors_.row(i);
    double norm2 = 0.0;
    for (std::size_t j = 0; j < vectors_.cols; ++j) norm2 += double(row[j]) * row[j];
    if (norm2 <= 0.0) continue;
    const float inv = static_cast<float>(1.0 / std::sqrt(norm2));
    for (std::size_t j = 0; j < vectors_.cols; ++j) row[j] *= inv;
  }
}

std::string_view format_name(WordVectorFormat format) {
  switch (format) {
    case WordVectorFormat::kAuto:
      return "auto";
    case WordVectorFormat::kWord2VecText:
      return "word2vec-text";
    case WordVectorFormat::kWord2VecBinary:
      return "word2vec-binary";
    case WordVectorFormat::kGloveText:
      return "glove";
    case WordVectorFormat::kFastTextVec:
      return "fasttext";
    case WordVectorFormat::kWinkJson:
      return "wink";
  }
  return "auto";
}

WordVectorFormat parse_word_vector_format(std::string_view name) {
  for (WordVectorFormat f : {WordVectorFormat::kAuto, WordVectorFormat::kWord2VecText,
                             WordVectorFormat::kWord2VecBinary, WordVectorFormat::kGloveText,
                             WordVectorFormat::kFastTextVec, WordVectorFormat::kWinkJson}) {
    if (format_name(f) == name) return f;
  }
  throw InputError("unknown word-vector format '" + std::string(name) + "'", {}, 0,
                   "use one of: auto, word2vec-text, word2vec-binary, glove, fasttext, wink");
}

namespace {

bool is_unsigned_integer(std::string_view token) {
  if (token.empty()) return false;
  for (char c : token) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

}  // namespace

WordVectorFormat detect_word_vector_format(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".json") return WordVectorFormat::kWinkJson;
  if (ext == ".bin") return WordVectorFormat::kWord2VecBinary;
  if (ext == ".vec") return WordVectorFormat::kFastTextVec;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot open word-vector file", path.string(), 0,
                     "check the path after 'static:'");
  }
  std::string line;
  std::getline(in, line);
  // Two integers ("COUNT DIM") open a word2vec text file; anything else is a GloVe row.
  std::size_t pos = 0;
  std::vector<std::string_view> tokens;
  const std::string_view view = strip_utf8_bom(line);
  while (pos < view.size() && tokens.size() < 3) {
    while (pos < view.size() && std::isspace(static_cast<unsigned char>(view[pos]))) ++pos;
    const std::size_t start = pos;
    while (pos < view.size() && !std::isspace(static_cast<unsigned char>(view[pos]))) ++pos;
    if (pos > start) tokens.push_back(view.substr(start, pos - start));
  }
  if (tokens.size() == 2 && is_unsigned_integer(tokens[0]) && is_unsigned_integer(tokens[1])) {
    return WordVectorFormat::kWord2VecText;
  }
  return WordVectorFormat::kGloveText;
}

WordVectors load_word_vectors(const std::filesystem::path& path, WordVectorFormat format,
                              WordVectorLoadReport* report, std::size_t max_words) {
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError("word-vector file not found", path.string(), 0,
                     "pass an existing word2vec/GloVe/fastText/wink file");
  }
  if (format == WordVectorFormat::kAuto) format = detect_word_vector_format(path);
  switch (format) {
    case WordVectorFormat::kWord2VecText:
    case WordVectorFormat::kFastTextVec:
      return word_vectors_internal::load_text_vectors(path, true, report, max_words);
    case WordVectorFormat::kGloveText:
      return word_vectors_internal::load_text_vectors(path, false, report, max_words);
    case WordVectorFormat::kWord2VecBinary:
      return word_vectors_internal::load_binary_vectors(path, report, max_words);
    case WordVectorFormat::kWinkJson:
      return word_vectors_internal::load_wink_vectors(path, report, max_words);
    case WordVectorFormat::kAuto:
      break;
  }
  EMBEVAL_CHECK(false, "unreachable word-vector format");
}

namespace word_vectors_internal {

bool is_valid_utf8(std::string_view text) {
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

RowCollector::RowCollector(std::size_t dim, std::size_t max_words, WordVectorLoadReport* report)
    : dim_(dim), max_words_(max_words), report_(report) {}

bool RowCollector::add(std::string_view word, const float* values) {
  if (word.empty()) {
    if (report_) ++report_->empty_words;
    return false;
  }
  if (!is_valid_utf8(word)) {
    if (report_) ++report_->invalid_utf8;
    return false;
  }
  if (!seen_.emplace(std::string(word), words_.size()).second) {
    if (report_) ++report_->duplicate_words;
    return false;
  }
  words_.emplace_back(word);
  data_.insert(data_.end(), values, values + dim_);
  return true;
}

WordVectors RowCollector::finish() && {
  DenseMatrix matrix;
  matrix.rows = words_.size();
  matrix.cols = dim_;
  matrix.data = std::move(data_);
  seen_.clear();
  return WordVectors(std::move(words_), std::move(matrix));
}

}  // namespace word_vectors_internal
}  // namespace embeval
