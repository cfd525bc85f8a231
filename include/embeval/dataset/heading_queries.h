// Known-item queries without labelling (docs/chunking.md, "Queries from headings"): each
// document title and section heading becomes a query; its section is relevant with grade 2 and
// the same document's other passages with grade 1. On a passage dataset (passages.h) the
// section's passages (those overlapping it) get grade 2; on a dataset of whole documents the
// section is the document, grade 2. A title's section is the whole document.
// Skipped, and counted: headings shorter than min_chars characters or without a letter, generic
// headings (generic_headings(), compared case-folded after leading numbering such as "2.1" is
// removed), a heading repeating an earlier one of the same document (an H1 equal to the title),
// and headings that several documents share (ambiguous known items).
// Such queries share words with their section by construction: they favour lexical matching
// (BM25), so they rank models on finding a section by its name, not on paraphrase.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/dataset/dataset.h"

namespace embeval {

inline constexpr std::string_view kHeadingQueryCaveat =
    "queries made from headings share words with their sections: they favour lexical matching "
    "(BM25) over paraphrase, so read them as a known-item test, not as user questions";

struct HeadingQueryOptions {
  std::size_t min_chars = 4;   // shorter headings (in characters, after trimming) are skipped
  bool titles = true;          // document titles become queries too
  std::string split = "test";  // recorded in the provenance
};

struct HeadingQueryReport {
  std::size_t documents = 0;
  std::size_t candidates = 0;  // titles and headings seen
  std::size_t queries = 0;
  std::size_t from_titles = 0;
  std::size_t skipped_short = 0;
  std::size_t skipped_generic = 0;
  std::size_t skipped_repeated = 0;   // same heading earlier in the same document
  std::size_t skipped_ambiguous = 0;  // candidates whose heading other documents share too
  std::size_t judgments_grade2 = 0;
  std::size_t judgments_grade1 = 0;
};

// The documented stop list: lower case, e.g. "introduction", "overview", "examples".
[[nodiscard]] const std::vector<std::string>& generic_headings();

// `source` with its queries and qrels replaced by heading queries; Dataset::metadata gains a
// "queries" object: the options, the stop list, the caveat, the counts and, per query, the
// document, heading and section it came from. Throws InputError when no query remains.
[[nodiscard]] Dataset heading_queries(const Dataset& source, const HeadingQueryOptions& options,
                                      HeadingQueryReport* report = nullptr);

}  // namespace embeval
