// Relevance judgments (qrels), trec_eval semantics: a judgment >= relevance_level is relevant,
// 0 <= judgment < relevance_level is judged non-relevant, and a negative judgment counts as
// unjudged (it is kept here and interpreted by the metrics).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <unordered_map>

namespace embeval {

struct Qrels {
  // query id -> (document id -> judgment). std::map keeps query order deterministic.
  std::map<std::string, std::unordered_map<std::string, int>> judgments;

  std::size_t num_judgments() const;
};

// Reads TREC qrels ("qid iter docno rel", whitespace separated) or BEIR qrels TSV
// ("query-id<TAB>corpus-id<TAB>score" with a header line); the format is detected from the
// first line. Throws InputError naming file and line for malformed lines or a docno judged
// twice for the same query with different values.
Qrels read_qrels(const std::filesystem::path& path);

}  // namespace embeval
