// Document-level scoring (eval --score-at document) equals its definition: a document ranked by
// its best passage, judged by the highest grade of its passages. nDCG values computed by hand
// (below each assertion) with trec_eval's linear gains.
#include "pipeline/document_scoring.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "embeval/eval/measures.h"
#include "embeval/eval/metrics.h"

namespace embeval {
namespace {

Document passage(const std::string& id, const std::string& parent) {
  Document d;
  d.id = id;
  d.text = "t";
  d.metadata = R"({"parent":")" + parent + R"("})";
  return d;
}

// Rows: 0 A#0, 1 A#1, 2 B#0, 3 C#0, 4 C#1. Query q1's hits, best first:
// C#1 0.9, A#0 0.8, C#0 0.7, B#0 0.5, A#1 0.4.
struct Fixture {
  Dataset dataset;
  SearchResults hits{1, 5};
  Fixture() {
    dataset.corpus = {passage("A#0", "A"), passage("A#1", "A"), passage("B#0", "B"),
                      passage("C#0", "C"), passage("C#1", "C")};
    dataset.queries = {{"q1", "query"}};
    dataset.qrels.judgments["q1"] = {{"A#0", 2}, {"A#1", 2}, {"B#0", 1}};
    const std::int64_t ids[] = {4, 0, 3, 2, 1};
    const float scores[] = {0.9f, 0.8f, 0.7f, 0.5f, 0.4f};
    for (int j = 0; j < 5; ++j) {
      hits.ids[j] = ids[j];
      hits.scores[j] = scores[j];
    }
  }
};

double ndcg10(const Qrels& qrels, const TrecRun& run) {
  const std::vector<std::string> args = {"ndcg_cut.10"};
  const EvalResult r = evaluate(qrels, run, parse_measures(args), {});
  for (std::size_t i = 0; i < r.measure_names.size(); ++i) {
    if (r.measure_names[i] == "ndcg_cut_10") return r.mean[i];
  }
  ADD_FAILURE() << "no ndcg_cut_10";
  return -1;
}

TEST(DocumentScoring, BestPassageRanksTheDocument) {
  Fixture f;
  const PassageParents parents = passage_parents(f.dataset);
  const TrecRun run = document_run_from_hits(f.dataset, parents, f.hits, 10, false, "t");
  const auto& entries = run.by_query.at("q1");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].docno, "C");
  EXPECT_FLOAT_EQ(static_cast<float>(entries[0].score), 0.9f);
  EXPECT_EQ(entries[1].docno, "A");
  EXPECT_FLOAT_EQ(static_cast<float>(entries[1].score), 0.8f);
  EXPECT_EQ(entries[2].docno, "B");
  EXPECT_FLOAT_EQ(static_cast<float>(entries[2].score), 0.5f);
  // Ranking C (0), A (2), B (1); ideal A, B:
  // (2/log2 3 + 1/log2 4) / (2 + 1/log2 3) = 1.7618595 / 2.6309298 = 0.6696718.
  EXPECT_NEAR(ndcg10(document_qrels(f.dataset, parents), run), 0.6696718, 1e-6);
}

TEST(DocumentScoring, PassageLevelDiffers) {
  Fixture f;
  TrecRun run;
  for (int j = 0; j < 5; ++j) {
    run.by_query["q1"].push_back(
        {f.dataset.corpus[static_cast<std::size_t>(f.hits.ids[j])].id, f.hits.scores[j]});
  }
  // C#1 (0), A#0 (2), C#0 (0), B#0 (1), A#1 (2); ideal 2, 2, 1:
  // (2/log2 3 + 1/log2 5 + 2/log2 6) / (2 + 2/log2 3 + 1/log2 4) = 0.6555911.
  EXPECT_NEAR(ndcg10(f.dataset.qrels, run), 0.6555911, 1e-6);
}

TEST(DocumentScoring, DepthAndSelfMatches) {
  Fixture f;
  const PassageParents parents = passage_parents(f.dataset);
  std::size_t short_rows = 9;
  TrecRun run = document_run_from_hits(f.dataset, parents, f.hits, 2, false, "t", &short_rows);
  EXPECT_EQ(run.by_query.at("q1").size(), 2u);
  EXPECT_EQ(short_rows, 0u);
  // Only the first two hits: C and A found, k = 3 not reached, more may lie deeper.
  SearchResults shallow(1, 2);
  shallow.ids = {4, 0};
  shallow.scores = {0.9f, 0.8f};
  run = document_run_from_hits(f.dataset, parents, shallow, 3, false, "t", &short_rows);
  EXPECT_EQ(short_rows, 1u);
  // A query whose id is a document's: that document is skipped, the next one comes in.
  f.dataset.queries[0].id = "C";
  f.dataset.qrels.judgments["C"] = f.dataset.qrels.judgments["q1"];
  run = document_run_from_hits(f.dataset, parents, f.hits, 2, true, "t");
  ASSERT_EQ(run.by_query.at("C").size(), 2u);
  EXPECT_EQ(run.by_query.at("C")[0].docno, "A");
  EXPECT_EQ(run.by_query.at("C")[1].docno, "B");
}

}  // namespace
}  // namespace embeval
