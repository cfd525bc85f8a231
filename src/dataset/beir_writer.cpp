// write_beir: Dataset -> corpus.jsonl, queries.jsonl, qrels/<split>.tsv, each file atomic.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <string_view>

#include "embeval/atomic_file.h"
#include "embeval/dataset.h"
#include "embeval/error.h"

namespace embeval {
namespace {

// Invalid UTF-8 becomes U+FFFD so the output is always valid JSON.
std::string json_line(const nlohmann::ordered_json& object) {
  std::string line = object.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  line += '\n';
  return line;
}

// A qrels TSV field cannot hold a tab or a line break.
void check_tsv_id(const std::string& id, const char* kind) {
  if (id.find_first_of("\t\n\r") != std::string::npos || id.empty()) {
    throw InputError(std::string(kind) + " id \"" + id +
                         "\" is empty or contains a tab or line break; it cannot be written to "
                         "a qrels TSV file",
                     "", 0, "rename the id");
  }
}

}  // namespace

void write_beir(const std::filesystem::path& dir, const Dataset& dataset,
                const std::string& split) {
  if (split.empty() || split.find_first_of("/\\") != std::string::npos) {
    throw InputError("invalid split name '" + split + "'", "", 0,
                     "use a plain name such as test, dev or train");
  }
  // Validate (and build) the qrels first so bad ids leave no files behind.
  std::string tsv = "query-id\tcorpus-id\tscore\n";
  for (const auto& [qid, docs] : dataset.qrels.judgments) {
    check_tsv_id(qid, "query");
    std::vector<std::pair<std::string_view, int>> sorted(docs.begin(), docs.end());
    std::sort(sorted.begin(), sorted.end());  // deterministic output
    for (const auto& [docid, rel] : sorted) {
      check_tsv_id(std::string(docid), "document");
      tsv.append(qid).append("\t").append(docid).append("\t").append(std::to_string(rel));
      tsv += '\n';
    }
  }
  {
    AtomicFileWriter corpus(dir / "corpus.jsonl");
    for (const Document& doc : dataset.corpus) {
      corpus.write(json_line({{"_id", doc.id}, {"title", doc.title}, {"text", doc.text}}));
    }
    corpus.commit();
  }
  {
    AtomicFileWriter queries(dir / "queries.jsonl");
    for (const Query& query : dataset.queries) {
      queries.write(json_line({{"_id", query.id}, {"text", query.text}}));
    }
    queries.commit();
  }
  write_file_atomic(dir / "qrels" / (split + ".tsv"), tsv);
}

}  // namespace embeval
