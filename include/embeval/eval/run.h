// A TREC run: for each query, retrieved documents with scores. The order of entries inside a
// query carries no meaning: the metrics re-rank by score descending, ties by docno descending
// (strcmp), exactly as trec_eval 9.0.8 does. The rank column of a run file is ignored.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace embeval {

struct RunEntry {
  std::string docno;
  double score = 0.0;
};

struct TrecRun {
  std::string tag = "embeval";
  std::map<std::string, std::vector<RunEntry>> by_query;  // query id -> entries
};

// Reads "qid Q0 docno rank score tag" lines (whitespace separated). Throws InputError naming
// file and line for malformed lines, non-numeric or NaN scores, or a docno retrieved twice for
// one query (trec_eval rejects those too).
TrecRun read_run(const std::filesystem::path& path);

// Writes the run sorted the trec_eval way (score desc, docno desc) with ranks 1..n and scores
// printed with enough digits to round-trip a float exactly. Atomic: temp file + rename.
void write_run(const std::filesystem::path& path, const TrecRun& run);

}  // namespace embeval
