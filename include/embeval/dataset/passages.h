// A dataset of documents turned into a dataset of passages, once, for every model
// (docs/chunking.md), and the way back from passages to their documents for document-level
// scoring. A passage is a corpus record with id "PARENT#N" (N = 0, 1, ... in text order) whose
// metadata names its parent:
//   {"parent": "guide/install.md", "begin": B, "end": E, "heading_path": ["Guide", "Install"],
//    "sections": [{"index": I, "heading": "Install", "path": [...]}], "page": P, "source": {...}}
// (begin/end: byte offsets into the parent's text; "sections": the parent's sections the passage
// overlaps, absent when it has none; "page": the PDF page holding its first byte, when the parent
// has "pages"; "source": the parent's, copied).
// Judgments stay at document level: every judgment of a document is given, with its grade, to
// each of its passages; document_qrels() maps them back (a document's grade = the highest grade
// of its passages), so the document-level numbers are those of the original judgments.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "embeval/dataset/chunking.h"
#include "embeval/dataset/dataset.h"
#include "embeval/eval/qrels.h"

namespace embeval {

struct ChunkingReport {
  std::size_t documents = 0;
  std::size_t passages = 0;
  std::size_t empty_documents = 0;      // no word in the text: one empty passage keeps the title
  std::size_t documents_split = 0;      // documents that became more than one passage
  std::size_t sectioned_documents = 0;  // documents whose metadata had "sections" (used or not)
  std::size_t longest_passage_units = 0;
  std::size_t judgments_in = 0;   // document judgments read
  std::size_t judgments_out = 0;  // passage judgments written
};

// The passage dataset of `source`: corpus records replaced by their passages (title kept; with
// sections, the heading path is appended to it: "Title > Guide > Install"), queries unchanged,
// qrels mapped to passages as above. Dataset::metadata gains a "chunking" object recording the
// options, the qrels mapping and the counts. Throws InputError as check_chunk_options, when
// `source` is already a passage dataset (chunk the original instead), or when a passage id
// collides with an existing id.
[[nodiscard]] Dataset chunk_dataset(const Dataset& source, const ChunkOptions& options,
                                    ChunkingReport* report = nullptr);

// The "sections" of a document's metadata as chunk_text() takes them (empty when there are
// none). Throws InputError for metadata that is not a JSON object.
[[nodiscard]] std::vector<TextSection> document_sections(const Document& document);

// Corpus record -> its document: "parent" of a passage, the record's own id otherwise.
struct PassageParents {
  std::vector<std::size_t> parent_of;   // corpus row -> index into parent_ids
  std::vector<std::string> parent_ids;  // in order of first appearance
  std::size_t passages = 0;             // records that name a parent
};
[[nodiscard]] PassageParents passage_parents(const Dataset& dataset);

// Passage judgments -> document judgments: a document's grade is the highest of its passages'.
[[nodiscard]] Qrels document_qrels(const Dataset& dataset, const PassageParents& parents);

}  // namespace embeval
