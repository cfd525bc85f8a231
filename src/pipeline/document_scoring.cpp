#include "pipeline/document_scoring.h"

#include <algorithm>
#include <vector>

#include "embeval/core/error.h"

namespace embeval {

TrecRun document_run_from_hits(const Dataset& dataset, const PassageParents& parents,
                               const SearchResults& hits, std::size_t k, bool ignore_identical_ids,
                               const std::string& tag, std::size_t* short_rows) {
  EMBEVAL_CHECK(hits.num_queries == dataset.queries.size(),
                "document_run_from_hits: one result row per query expected");
  EMBEVAL_CHECK(parents.parent_of.size() == dataset.corpus.size(),
                "document_run_from_hits: parents of another corpus");
  TrecRun run;
  run.tag = tag;
  std::size_t short_count = 0;
  std::vector<char> seen(parents.parent_ids.size(), 0);
  for (std::size_t q = 0; q < dataset.queries.size(); ++q) {
    const std::string& qid = dataset.queries[q].id;
    std::vector<RunEntry> entries;
    std::vector<std::size_t> marked;
    bool ran_out = false;
    std::size_t j = 0;
    for (; j < hits.k && entries.size() < k; ++j) {
      const std::int64_t id = hits.ids[q * hits.k + j];
      if (id < 0) {
        ran_out = true;
        break;
      }
      const std::size_t parent = parents.parent_of[static_cast<std::size_t>(id)];
      if (seen[parent] != 0) continue;  // an earlier passage of it scored at least as high
      seen[parent] = 1;
      marked.push_back(parent);
      const std::string& docno = parents.parent_ids[parent];
      if (ignore_identical_ids && docno == qid) continue;
      entries.push_back({docno, static_cast<double>(hits.scores[q * hits.k + j])});
    }
    if (entries.size() < k && !ran_out && j == hits.k) ++short_count;
    for (std::size_t p : marked) seen[p] = 0;
    if (!entries.empty()) run.by_query.emplace(qid, std::move(entries));
  }
  if (short_rows != nullptr) *short_rows = short_count;
  return run;
}

TrecRun search_documents(const Index& index, const EmbeddingBatch& queries, const Dataset& dataset,
                         const PassageParents& parents, std::size_t k, bool ignore_identical_ids,
                         const std::string& tag) {
  const std::size_t rows = dataset.corpus.size();
  std::size_t depth = std::min(rows, std::max<std::size_t>(4 * k, k + 16));
  for (;;) {
    const SearchResults hits = index.search(queries, depth);
    std::size_t short_rows = 0;
    TrecRun run =
        document_run_from_hits(dataset, parents, hits, k, ignore_identical_ids, tag, &short_rows);
    if (short_rows == 0 || depth == rows) return run;
    depth = std::min(rows, depth * 2);
  }
}

}  // namespace embeval
