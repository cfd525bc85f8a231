// A retrieval dataset in memory, in the BEIR layout:
//   DIR/corpus.jsonl         {"_id": ..., "title": ..., "text": ..., "metadata": {...}} one per
//                            line ("metadata" optional: provenance, see docs/datasets.md)
//   DIR/queries.jsonl        {"_id": ..., "text": ...} one per line
//   DIR/qrels/<split>.tsv    query-id<TAB>corpus-id<TAB>score, with a header line
//   DIR/dataset.json         optional: what made the dataset (chunking, generated queries), a
//                            JSON object; embeval's own keys are listed in docs/chunking.md
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "embeval/eval/qrels.h"

namespace embeval {

struct Document {
  std::string id;
  std::string title;
  std::string text;
  // The record's "metadata" JSON object as compact JSON text ("" when absent or null): where the
  // document came from (source file, sections, pages; docs/datasets.md). Dataset operations read
  // it; models never do (document_text.h). The `{}` lets {id, title, text} stay warning-free.
  std::string metadata{};
};

// What a model reads for a document: document_text() (document_text.h).

struct Query {
  std::string id;
  std::string text;
};

// What the loader fixed or noticed; printed to the user and stored in results.json.
struct LoadReport {
  std::size_t invalid_utf8_replaced = 0;    // texts whose invalid bytes became U+FFFD
  std::size_t empty_documents = 0;          // title and text both empty (kept, counted)
  std::size_t empty_queries = 0;            // dropped: nothing to search with
  std::size_t qrels_unknown_documents = 0;  // judgments naming a doc not in the corpus (dropped)
  std::size_t qrels_unknown_queries = 0;    // judgments naming a query not in queries (dropped)
  std::size_t queries_without_qrels = 0;    // queries not judged in the split (not evaluated)
  std::vector<std::string> warnings;        // one human-readable line per kind of problem
};

enum class Utf8Policy { kReplace, kReject };

struct BeirLoadOptions {
  std::string split = "test";
  Utf8Policy utf8 = Utf8Policy::kReplace;
  bool show_progress = true;
  // false: a missing qrels/<split>.tsv means no judgments (and so no queries), for commands that
  // make judgments (`dataset queries`) or carry them over (`dataset chunk`).
  bool require_qrels = true;
};

struct Dataset {
  std::string name;
  std::vector<Document> corpus;
  std::vector<Query> queries;  // only queries with at least one judgment in the split
  Qrels qrels;                 // only judgments whose query and document are known
  LoadReport report;
  // DIR/dataset.json as compact JSON text: provenance of the whole dataset ("chunking",
  // "queries"); "" when there is none. Not part of dataset_fingerprint: it never changes scores.
  std::string metadata;
};

// Throws InputError (file, line, hint) for: a split name that validate_split_name refuses,
// missing files, malformed JSON, a missing, non-string or invalid "_id" (see record_id.h), a
// document "metadata" that is neither an object nor null, duplicate ids, invalid UTF-8 under
// kReject, a qrels file without header.
// A UTF-8 byte-order mark opening any of the files is ignored.
// A split names the file qrels/<split>.tsv inside the dataset: it must be a plain file name
// (not empty, no '/' or backslash, not "." or "..", no NUL or control character), so that it can
// never reach outside the dataset folder. Throws InputError otherwise.
void validate_split_name(const std::string& split);

Dataset load_beir(const std::filesystem::path& dir, const BeirLoadOptions& options = {});

// Writes the BEIR layout (qrels as qrels/<split>.tsv), replacing any dataset in `dir` as a whole:
// the new one is built in a sibling temporary folder and swapped in by one atomic rename, so a
// reader or a killed run never sees new files beside old ones (other splits are dropped too).
// Builds left by killed runs are removed. Throws InputError (before writing) as
// check_dataset_output.
void write_beir(const std::filesystem::path& dir, const Dataset& dataset,
                const std::string& split = "test");

// Throws InputError unless `dir` can take a dataset: absent, or a folder holding only what
// write_beir writes (corpus.jsonl, queries.jsonl, qrels/*.tsv) or `dataset import` adds
// (import.json), never a link or a file; and its parent folder is writable. Call it before any
// work; write_beir calls it too.
void check_dataset_output(const std::filesystem::path& dir);

}  // namespace embeval
