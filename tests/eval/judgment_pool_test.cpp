// Pooling and Hole@k on hand-made runs and qrels, every figure computed by hand in the comments.
#include "embeval/eval/judgment_pool.h"

#include <gtest/gtest.h>

namespace embeval {
namespace {

TrecRun run_a() {
  TrecRun r;
  // trec_eval order: d1 (3), then the tie at 2 by docno descending: d3, d2; then d4.
  r.by_query["q1"] = {{"d2", 2.0}, {"d1", 3.0}, {"d4", 1.0}, {"d3", 2.0}};
  r.by_query["q2"] = {{"x", 1.0}};
  return r;
}

TrecRun run_b() {
  TrecRun r;
  r.by_query["q1"] = {{"d6", 1.0}, {"d5", 9.0}, {"d2", 8.0}};
  r.by_query["q3"] = {};  // a query without entries counts nowhere
  return r;
}

TEST(JudgmentPool, TopDocnosFollowTrecEvalOrder) {
  EXPECT_EQ(top_docnos(run_a().by_query["q1"], 3), (std::vector<std::string>{"d1", "d3", "d2"}));
  EXPECT_EQ(top_docnos(run_a().by_query["q1"], 10).size(), 4u);
  EXPECT_TRUE(top_docnos({}, 5).empty());
}

TEST(JudgmentPool, UnionOfTopDepthOrderedByBestRank) {
  const JudgmentPool pool = pool_runs({run_a(), run_b()}, 2);
  // q1: A's top 2 = d1 (rank 1), d3 (2); B's = d5 (1), d2 (2). Best rank, then docno ascending.
  ASSERT_EQ(pool.by_query.size(), 2u);
  EXPECT_EQ(pool.by_query.at("q1"), (std::vector<std::string>{"d1", "d5", "d2", "d3"}));
  EXPECT_EQ(pool.by_query.at("q2"), (std::vector<std::string>{"x"}));
  EXPECT_EQ(pool.pairs(), 5u);
  // Depth 3 adds A's d2 (already there from B) and B's d6: one more pair.
  EXPECT_EQ(pool_runs({run_a(), run_b()}, 3).pairs(), 6u);
  EXPECT_EQ(pool_runs({run_a()}, 3).by_query.at("q1"),
            (std::vector<std::string>{"d1", "d3", "d2"}));
}

TEST(JudgmentPool, HoleAtKIsTheMeanUnjudgedShareOfTheTopK) {
  Qrels qrels;
  qrels.judgments["q1"] = {{"d1", 1}, {"d3", 0}, {"d6", -1}};  // -1: unjudged (trec_eval)
  // A at k=3: q1 top 3 = d1 (judged), d3 (judged, 0), d2 (unjudged): 1/3; q2: x unjudged: 1/1.
  const HoleAtK a = hole_at_k(run_a(), qrels, 3);
  EXPECT_EQ(a.queries, 2u);
  EXPECT_EQ(a.considered, 4u);
  EXPECT_EQ(a.unjudged, 2u);
  EXPECT_DOUBLE_EQ(a.hole, (1.0 / 3 + 1.0) / 2);
  // B at k=3: q1 top 3 = d5, d2, d6 (negative): all unjudged; q3 has no entries.
  const HoleAtK b = hole_at_k(run_b(), qrels, 3);
  EXPECT_EQ(b.queries, 1u);
  EXPECT_EQ(b.unjudged, 3u);
  EXPECT_DOUBLE_EQ(b.hole, 1.0);
  // Judge everything A retrieves: no hole at any k.
  qrels.judgments["q1"]["d2"] = 2;
  qrels.judgments["q1"]["d4"] = 0;
  qrels.judgments["q2"]["x"] = 3;
  EXPECT_DOUBLE_EQ(hole_at_k(run_a(), qrels, 10).hole, 0.0);
  EXPECT_TRUE(is_judged(qrels, "q2", "x"));
  EXPECT_FALSE(is_judged(qrels, "q1", "d6"));
  EXPECT_FALSE(is_judged(qrels, "q9", "x"));
}

}  // namespace
}  // namespace embeval
