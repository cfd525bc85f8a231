// WordVectors itself, format names and detection, and the load dispatcher.
#include "embeval/io/word_vectors.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>
#include <string>

#include "embeval/core/dense_rows.h"
#include "embeval/core/error.h"
#include "embeval/util/byte_order_mark.h"
#include "embeval/util/utf8.h"
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

void WordVectors::normalize_rows() { embeval::normalize_rows(vectors_); }

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

bool is_field_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::vector<std::string_view> split_blanks(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t pos = 0;
  while (pos < line.size()) {
    while (pos < line.size() && is_field_blank(line[pos])) ++pos;
    const std::size_t start = pos;
    while (pos < line.size() && !is_field_blank(line[pos])) ++pos;
    if (pos > start) tokens.push_back(line.substr(start, pos - start));
  }
  return tokens;
}

bool is_float(std::string_view token) {
  float value = 0;
  const auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  return ec == std::errc() && ptr == token.data() + token.size();
}

// Text holds no control bytes but tab, CR and LF (binary float32 data almost always does).
bool is_textual(std::string_view bytes) {
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t' && c != '\r' && c != '\n') || u == 0x7f) return false;
  }
  return true;
}

// "word v1 ... vN" with N >= 1 numbers. A line cut by the sniffing window (`complete` false)
// only needs its numbers so far to parse.
bool is_text_row(std::string_view line, bool complete) {
  if (!is_textual(line)) return false;
  const auto tokens = split_blanks(line);
  if (tokens.size() < 2) return false;
  const std::size_t checked = complete ? tokens.size() : tokens.size() - 1;  // last may be cut
  for (std::size_t i = 1; i < checked; ++i) {
    if (!is_float(tokens[i])) return false;
  }
  return true;
}

// The first bytes of the file: enough for a header and a first row of any realistic width.
constexpr std::size_t kSniffBytes = 1 << 20;

std::string read_prefix(const std::filesystem::path& path, bool& whole_file) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot open word-vector file", path.string(), 0,
                     "check the path after 'static:'");
  }
  std::string bytes(kSniffBytes, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  whole_file = bytes.size() < kSniffBytes;
  return bytes;
}

}  // namespace

WordVectorFormat detect_word_vector_format(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  bool whole_file = false;
  const std::string prefix = read_prefix(path, whole_file);
  // A byte-order mark (Windows editors) is not part of the first word or the header.
  const std::string_view view = strip_utf8_bom(prefix);
  // JSON: '{' then a key or the end of the object (a GloVe row may start with the word "{").
  const std::size_t first = view.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && view[first] == '{') {
    const std::size_t next = view.find_first_not_of(" \t\r\n", first + 1);
    if (next == std::string_view::npos || view[next] == '"' || view[next] == '}') {
      return WordVectorFormat::kWinkJson;
    }
  }
  const std::size_t newline = view.find('\n');
  const std::string_view line = view.substr(0, newline);
  const auto tokens = split_blanks(line);
  const bool header = tokens.size() == 2 && is_unsigned_integer(tokens[0]) &&
                      is_unsigned_integer(tokens[1]) && is_textual(line);
  if (header) {
    // "COUNT DIM": text when the next line is a text row of numbers, binary otherwise. Any
    // number of values counts as text, so that the text reader names a row that contradicts
    // DIM instead of the binary reader decoding it as floats.
    const std::string_view rest =
        newline == std::string_view::npos ? std::string_view() : view.substr(newline + 1);
    const std::size_t row_end = rest.find('\n');
    const bool complete = row_end != std::string_view::npos || whole_file;
    const std::string_view row = rest.substr(0, row_end);
    if (rest.empty() || is_text_row(row, complete)) {
      return ext == ".vec" ? WordVectorFormat::kFastTextVec : WordVectorFormat::kWord2VecText;
    }
    return WordVectorFormat::kWord2VecBinary;
  }
  if (is_text_row(line, newline != std::string_view::npos || whole_file)) {
    return WordVectorFormat::kGloveText;
  }
  // Not recognisable: let the extension pick the reader, whose error then names the problem.
  if (ext == ".json") return WordVectorFormat::kWinkJson;
  if (ext == ".bin") return WordVectorFormat::kWord2VecBinary;
  if (ext == ".vec") return WordVectorFormat::kFastTextVec;
  return WordVectorFormat::kGloveText;
}

namespace {

bool is_binary_format(WordVectorFormat f) { return f == WordVectorFormat::kWord2VecBinary; }

WordVectors load_as(const std::filesystem::path& path, WordVectorFormat format,
                    WordVectorLoadReport* report, std::size_t max_words) {
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

}  // namespace

WordVectors load_word_vectors(const std::filesystem::path& path, WordVectorFormat format,
                              WordVectorLoadReport* report, std::size_t max_words) {
  if (!std::filesystem::is_regular_file(path)) {
    throw InputError("word-vector file not found", path.string(), 0,
                     "pass an existing word2vec/GloVe/fastText/wink file");
  }
  const WordVectorFormat detected = detect_word_vector_format(path);
  const bool requested = format != WordVectorFormat::kAuto;
  if (!requested) format = detected;
  // Binary and text readers decode each other's files as garbage: refuse the mismatch.
  if (requested && is_binary_format(format) != is_binary_format(detected) &&
      detected != WordVectorFormat::kWinkJson) {
    throw InputError(
        "the file holds " + std::string(format_name(detected)) +
            " vectors (detected from its content), not " + std::string(format_name(format)),
        path.string(), 0, "drop ?format= to read it as " + std::string(format_name(detected)));
  }
  if (report != nullptr) *report = WordVectorLoadReport{};
  try {
    WordVectors vectors = load_as(path, format, report, max_words);
    if (report != nullptr) report->words_loaded = vectors.size();
    return vectors;
  } catch (const InputError& e) {
    // Say which reader failed and why it was chosen: a misdetected file shows at once.
    throw InputError(e.message() + " (read as " + std::string(format_name(format)) +
                         (requested ? ", as requested)" : ", detected from the content)"),
                     e.file(), e.line(), e.hint());
  }
}

namespace word_vectors_internal {

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
