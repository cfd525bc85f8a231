// What a model reads for a document, in one place: the joining of title and body that `eval`,
// `ann`, `encode`, `inspect` and the demo's tokenizer table all use, so the same document
// reaches every model as the same string. Thread-safe (pure functions and a reader with no shared
// state).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "embeval/dataset/dataset.h"

namespace embeval {

// "title text", or whichever of the two is not empty (never a leading or trailing joining
// space). BEIR's and MTEB's convention (title, a space, text), so scores compare with theirs.
[[nodiscard]] std::string document_text(const Document& d);
[[nodiscard]] std::vector<std::string> document_texts(const std::vector<Document>& corpus);

// The texts of a JSONL file as `encode` embeds them: one per non-blank line, in file order.
struct TextRecords {
  std::vector<std::string> ids;    // "_id", or the 1-based line number when a record has none
  std::vector<std::string> texts;  // document_text() of the record's "title" (optional) and "text"
};

// Reads BEIR corpus records ({"_id", "title", "text"}), query records ({"_id", "text"}) or plain
// {"text"} lines. Throws InputError naming file and line for a record without a string "text"
// and for everything read_jsonl refuses (invalid UTF-8 included: it is refused, not repaired).
[[nodiscard]] TextRecords read_text_records(const std::filesystem::path& path);

}  // namespace embeval
