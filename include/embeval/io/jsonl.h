// Streaming reader for JSON Lines files (one JSON object per line), as used by BEIR corpora and
// query files. Memory stays bounded by the longest line, not the file size. Every error names the
// file and the 1-based line.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace embeval {

// One JSON object of a JSONL file. Views returned by its methods point into the reader's buffers
// and stay valid only until the callback that received the record returns.
class JsonlRecord {
 public:
  const std::string& file() const { return *file_; }
  std::size_t line() const { return line_; }  // 1-based line number in the file

  // The "_id" field. BEIR ids are strings, but some datasets write integers: an integer id is
  // accepted and returned as its decimal text (42 -> "42"). Empty when the reader was told not
  // to require ids and the record has none.
  std::string_view id() const { return id_; }

  // The value of top-level string field `key`, or nullopt when the field is absent or null.
  // Throws InputError (file, line) when the field holds another type (number, object, ...).
  // When a key repeats, the first occurrence wins.
  std::optional<std::string_view> string_field(std::string_view key) const;

  // Top-level object field `key` as compact JSON text (no whitespace between tokens, keys in file
  // order), or nullopt when the field is absent or null. Throws InputError (file, line) when the
  // field holds another type. When a key repeats, the first occurrence wins. Unlike the views of
  // string_field, the returned text is a copy the caller owns.
  std::optional<std::string> raw_object_field(std::string_view key) const;

  // True when the raw line was not valid UTF-8 and JsonlOptions::on_invalid_utf8 repaired it.
  bool utf8_repaired() const { return utf8_repaired_; }

 private:
  friend class JsonlReaderAccess;
  enum class Kind { kString, kNull, kObject, kOther };
  struct Field {
    std::string_view key;
    std::string_view value;       // the string value when kind == kString
    std::size_t object_text = 0;  // index into object_texts_ when kind == kObject
    const char* type_name;        // JSON type name, for error messages
    Kind kind;
  };
  const std::string* file_ = nullptr;
  std::size_t line_ = 0;
  std::string_view id_;
  std::string id_buffer_;  // holds the decimal text of an integer id
  std::vector<Field> fields_;
  std::vector<std::string> object_texts_;  // compact JSON text of each object field
  bool utf8_repaired_ = false;
};

struct JsonlOptions {
  // Each record must carry a string or integer "_id" (InputError otherwise).
  bool require_id = true;
  // JSON must be UTF-8, so a line with invalid UTF-8 cannot be parsed as is. When set, this is
  // called with such a line and its 1-based number; it may repair the line in place (e.g. replace
  // invalid bytes by U+FFFD) and return, or throw. When unset, such a line is an InputError.
  std::function<void(std::string& line, std::size_t line_number)> on_invalid_utf8;
  // Progress on stderr for files larger than a few MiB.
  bool show_progress = true;
};

// Calls `on_record` once per non-blank line of `path`, in file order (blank or whitespace-only
// lines are skipped; a trailing "\r" and a UTF-8 byte-order mark opening the file are ignored).
// Returns the number of records.
// Throws InputError naming file and line for: a missing/unreadable file, malformed JSON, a line
// that is not a JSON object, a missing (when required) or non-string non-integer "_id", an
// "_id" that validate_record_id rejects (empty, whitespace, control characters; checked
// whenever "_id" is present), or invalid UTF-8 that is not repaired. Exceptions thrown by
// `on_record` propagate unchanged. Not thread-safe per call; separate calls may run concurrently.
std::size_t read_jsonl(const std::filesystem::path& path,
                       const std::function<void(const JsonlRecord&)>& on_record,
                       const JsonlOptions& options = {});

}  // namespace embeval
