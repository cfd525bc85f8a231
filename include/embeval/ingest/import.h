// `embeval dataset import`: a folder of documents (Markdown, HTML, PDF, plain text, JSONL, CSV)
// -> a BEIR dataset (corpus.jsonl, an empty queries.jsonl, a header-only qrels/test.tsv) plus
// import.json, the import report. Every file the walk meets ends in exactly one outcome:
//   imported  - one document (or one per record for JSONL/CSV), text as extracted;
//   repaired  - imported, but something was fixed or lost (invalid UTF-8 replaced, a parser that
//               stopped early, records without text); the reason says what;
//   skipped   - no document; the reason says why (too large, binary, empty, encrypted, corrupt,
//               a FIFO, a symbolic link loop, ...).
// Nothing is dropped silently and no file can crash the import. Provenance (source path,
// format, sections, pages) goes into each document's metadata (docs/datasets.md).
// Formats, reasons and import.json: docs/import.md. Not thread-safe per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "embeval/dataset/dataset.h"
#include "embeval/ingest/record_files.h"

namespace embeval {

struct ImportOptions {
  std::vector<std::filesystem::path> roots;  // files or folders
  // Larger files are skipped without being read; a .gz inflating past it stops there.
  std::uintmax_t max_file_bytes = std::uintmax_t{64} << 20;
  RecordFields fields;           // JSONL/CSV field names
  bool keep_record_ids = false;  // JSONL/CSV: id = the record's id, not "path#id"
  bool include_hidden = false;   // walk names starting with '.'
  bool show_progress = true;
};

// One file's fate. Outcome "imported" files are counted but not listed in import.json.
struct ImportedFile {
  std::string path;          // relative, as in the document id
  std::string format;        // source_format_name(), or "none" when the walk set it aside
  std::string outcome;       // "imported", "repaired" or "skipped"
  std::string reason;        // codes, comma-separated: "invalid-utf8", "too-large", ...
  std::string detail;        // for people
  std::uintmax_t bytes = 0;  // on disk
  std::size_t documents = 0;
};

struct FormatCounts {
  std::size_t files = 0, imported = 0, repaired = 0, skipped = 0, documents = 0;
  std::uintmax_t bytes = 0;  // bytes read of the files that gave documents
  double seconds = 0;        // reading and extracting them
};

struct ImportReport {
  std::vector<ImportedFile> files;              // every file and set-aside entry, in walk order
  std::map<std::string, FormatCounts> formats;  // by format name
  std::map<std::string, std::size_t> outcomes;  // imported / repaired / skipped
  std::map<std::string, std::size_t> reasons;   // reason code -> files
  std::size_t documents = 0;
  std::size_t invalid_utf8_replaced = 0;              // sequences, over all files
  std::uintmax_t bytes_read = 0;                      // of files that gave documents
  double seconds = 0;                                 // walk + read + extract
  [[nodiscard]] double megabytes_per_second() const;  // bytes_read / 1e6 / seconds
};

struct ImportResult {
  Dataset dataset;  // corpus in walk order; no queries, no judgments
  ImportReport report;
};

// Throws InputError for a root that does not exist, and when nothing at all was imported.
[[nodiscard]] ImportResult import_documents(const ImportOptions& options);

// import.json (schema in docs/import.md).
[[nodiscard]] std::string import_report_json(const ImportReport& report,
                                             const ImportOptions& options);

// The lines `embeval dataset import` prints.
[[nodiscard]] std::string import_summary(const ImportReport& report);

// Writes the BEIR dataset (write_beir, replacing `out` as a whole) and then `out`/import.json
// (atomically). check_dataset_output(out) first, before any work, is the caller's job.
void write_import(const std::filesystem::path& out, const ImportResult& result,
                  const ImportOptions& options);

// A relative path made into a document id that record_id.h accepts: whitespace, control
// characters, '%' and invalid UTF-8 bytes become %XX (so distinct paths stay distinct ids).
[[nodiscard]] std::string path_id(std::string_view relative);

}  // namespace embeval
