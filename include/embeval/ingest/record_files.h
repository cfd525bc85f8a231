// Files that already hold one document per record: JSON Lines (one object per line) and CSV
// (RFC 4180: a header row naming the columns, quoted fields may hold commas, quotes and line
// breaks). The caller names the text, title and id fields. Pure functions on a buffer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace embeval {

struct RecordFields {
  std::string text = "text";
  std::string title = "title";
  std::string id;  // "" = "_id", else "id", else the record's number
};

struct SourceRecord {
  std::size_t number = 0;  // 1-based record number in the file (a JSONL line, a CSV data row)
  std::string id;          // the id field's text, "" when absent
  std::string title;
  std::string text;
};

struct RecordFile {
  std::vector<SourceRecord> records;  // records with a non-blank text
  std::size_t without_text = 0;       // records whose text field is missing or blank (skipped)
};

// Throws InputError (file = `name`, line = the line or row) for malformed JSON, a line that is
// not an object, a field of the wrong type (text/title must be strings; ids strings or
// integers), a CSV without the text column, or a row with an unterminated quote.
[[nodiscard]] RecordFile read_jsonl_records(std::string_view bytes, const std::string& name,
                                            const RecordFields& fields);
[[nodiscard]] RecordFile read_csv_records(std::string_view bytes, const std::string& name,
                                          const RecordFields& fields);

}  // namespace embeval
