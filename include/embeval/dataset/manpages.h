// Builds a retrieval dataset from the man pages installed on this machine (the demo's data):
//   document = one real man page: id "cp.1", title "cp(1)", text = the page body without its
//              NAME section (it starts with SYNOPSIS or DESCRIPTION);
//   query    = the page's NAME description ("copy files and directories"), id = the page id;
//   qrels    = graded: the page itself is 2, pages its SEE ALSO section names (and that are in
//              the corpus) are 1. See docs/datasets.md for why.
// Output is deterministic: corpus and queries are sorted by id.
// Cross-language (cross_lang set): documents are the pages of `cross_lang`, queries the NAME
// descriptions of the same pages (same id) in `lang`; qrels as the monolingual dataset of
// `cross_lang` judges them. read_man_pages is the reader under both, and under the bitext and
// tokenizer probes that pair pages across languages.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "embeval/dataset/dataset.h"
#include "embeval/dataset/roff.h"

namespace embeval {

struct ManPagesOptions {
  std::filesystem::path man_dir = "/usr/share/man";
  std::vector<std::string> sections{"1", "8"};  // reads <man_dir>[/<lang>]/man<section>/
  std::string lang = "en";                      // "en": the untranslated pages; "de", "fr", ...
  // "": queries and documents in `lang`. Else documents in this language, queries in `lang`.
  std::string cross_lang;
  std::size_t max_pages = 0;  // keep the first N real pages by id; 0 = all
  std::size_t threads = 2;    // parsing threads; 0 = the physical cores
  bool show_progress = true;
};

struct ManPagesReport {
  std::size_t files_seen = 0;          // directory entries looked at
  std::size_t parsed = 0;              // real pages in the corpus
  std::size_t skipped_links = 0;       // symbolic links (aliases of another page)
  std::size_t skipped_so = 0;          // ".so other.1" redirect pages
  std::size_t skipped_duplicates = 0;  // hard links / same id seen twice (e.g. x.1 and x.1.gz)
  std::size_t failed = 0;  // unreadable, bad gzip, too large, expansion limit, no roff, ...
  // `failed` split by kind of reason ("corrupt gzip data", "expansion limit", ...), sorted.
  std::map<std::string, std::size_t> failed_by_reason;
  std::size_t invalid_utf8_replaced = 0;      // pages whose invalid bytes became U+FFFD
  std::size_t empty_bodies = 0;               // pages kept with an empty text
  std::size_t queries = 0;                    // queries kept
  std::size_t queries_dropped_empty = 0;      // NAME description missing or empty
  std::size_t queries_dropped_ambiguous = 0;  // description shared by more than one page
  std::size_t see_also_judgments = 0;         // rel=1 judgments added from SEE ALSO
  // Cross-language only: pages read in the query language, and queries dropped because the
  // page has no document in the other language or its description is not translated.
  std::size_t query_pages = 0;
  std::size_t queries_dropped_no_document = 0;
  std::size_t queries_dropped_untranslated = 0;
  std::vector<std::string> failures;  // "file: reason", the first 20
  double seconds = 0.0;               // wall time of the build
};

// Reads, decompresses (zlib, in memory) and parses the pages in parallel. Skips what cannot be a
// document (links, redirects, duplicates, unparseable pages, pages over the size and expansion
// limits of man_files.h and roff.h) and counts it in `report` (may be null); no page can stop
// the build. Throws InputError when no man<section> directory exists for the language, or no page
// could be read. Not thread-safe with respect to concurrent writers of man_dir.
// "2 corrupt gzip data, 1 expansion limit": report.failed_by_reason on one line ("" if none).
[[nodiscard]] std::string format_failure_counts(const ManPagesReport& report);

// One real page: what read_man_pages returns.
struct ManPage {
  std::string id;       // file name without ".gz": "cp.1"
  std::string name;     // "cp"
  std::string section;  // "1"
  RoffPage page;
};

// The real pages of options.lang (cross_lang is ignored), sorted by id, the first max_pages of
// them when max_pages > 0. Fills the reading counts of `report` (files_seen to failures,
// invalid_utf8_replaced, parsed). Throws as build_manpages_dataset does.
[[nodiscard]] std::vector<ManPage> read_man_pages(const ManPagesOptions& options,
                                                  ManPagesReport& report);

[[nodiscard]] Dataset build_manpages_dataset(const ManPagesOptions& options,
                                             ManPagesReport* report = nullptr);

}  // namespace embeval
