#include "embeval/eval/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "embeval/core/error.h"

namespace embeval {
namespace {

// q1 exercises ties, unjudged and unpooled documents and graded relevance; q2 is perfect;
// q3 is judged but absent from the run; q4 has no relevant document; q5 is not judged.
Qrels sample_qrels() {
  Qrels q;
  q.judgments["q1"] = {{"d1", 2}, {"d2", 1}, {"d3", 0}, {"d4", 1}, {"d5", -1}};
  q.judgments["q2"] = {{"d1", 1}};
  q.judgments["q3"] = {{"d9", 1}};
  q.judgments["q4"] = {{"d1", 0}};
  return q;
}

TrecRun sample_run() {
  TrecRun r;
  // Ranked the trec_eval way: 0.9 tie -> d3 before d2 (docno descending), 0.5 tie -> d4, d1.
  // q1 order: d3(0) d2(1) dx(not judged) d4(1) d1(2) d5(unjudged)
  r.by_query["q1"] = {{"d1", 0.5}, {"d2", 0.9}, {"d3", 0.9}, {"dx", 0.7}, {"d5", 0.1}, {"d4", 0.5}};
  r.by_query["q2"] = {{"d1", 1.0}};
  r.by_query["q4"] = {{"d1", 3.0}, {"d2", 2.0}};
  r.by_query["q5"] = {{"d1", 1.0}};
  return r;
}

double value(const EvalResult& r, const std::string& qid, const std::string& measure) {
  const auto it = std::find(r.measure_names.begin(), r.measure_names.end(), measure);
  EXPECT_NE(it, r.measure_names.end()) << measure;
  return r.per_query.at(qid)[static_cast<std::size_t>(it - r.measure_names.begin())];
}

double all(const EvalResult& r, const std::string& measure) {
  const auto it = std::find(r.measure_names.begin(), r.measure_names.end(), measure);
  EXPECT_NE(it, r.measure_names.end()) << measure;
  return r.mean[static_cast<std::size_t>(it - r.measure_names.begin())];
}

const std::vector<std::string> kAll = {"all_embeval", "P.1,3,5",     "recall.3",     "ndcg_cut.3",
                                       "map_cut.3",   "success.1,5", "recall_cap.2", "mrr_cut.1,2"};

TEST(Metrics, HandComputedValuesForOneQuery) {
  const EvalResult r = evaluate(sample_qrels(), sample_run(), parse_measures(kAll));
  const double l3 = std::log2(3.0), l5 = std::log2(5.0), l6 = std::log2(6.0);
  EXPECT_DOUBLE_EQ(value(r, "q1", "num_ret"), 6);
  EXPECT_DOUBLE_EQ(value(r, "q1", "num_rel"), 3);  // d1, d2, d4 (d3 is 0, d5 unjudged)
  EXPECT_DOUBLE_EQ(value(r, "q1", "num_rel_ret"), 3);
  EXPECT_DOUBLE_EQ(value(r, "q1", "P_1"), 0.0);  // d3 wins the tie with d2: docno descending
  EXPECT_DOUBLE_EQ(value(r, "q1", "P_3"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(value(r, "q1", "P_5"), 3.0 / 5);
  EXPECT_DOUBLE_EQ(value(r, "q1", "recip_rank"), 0.5);
  EXPECT_DOUBLE_EQ(value(r, "q1", "mrr_cut_1"), 0.0);
  EXPECT_DOUBLE_EQ(value(r, "q1", "mrr_cut_2"), 0.5);
  EXPECT_DOUBLE_EQ(value(r, "q1", "map"), (1.0 / 2 + 2.0 / 4 + 3.0 / 5) / 3);
  EXPECT_DOUBLE_EQ(value(r, "q1", "map_cut_3"), (1.0 / 2) / 3);
  EXPECT_DOUBLE_EQ(value(r, "q1", "Rprec"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(value(r, "q1", "recall_3"), 1.0 / 3);
  EXPECT_DOUBLE_EQ(value(r, "q1", "recall_cap_2"), 1.0 / 2);  // 1 found / min(2, 3)
  EXPECT_DOUBLE_EQ(value(r, "q1", "success_1"), 0.0);
  EXPECT_DOUBLE_EQ(value(r, "q1", "success_5"), 1.0);
  // Gains are judgment values; the ideal ranking is d1(2), d2(1), d4(1).
  const double ideal = 2.0 / 1 + 1.0 / l3 + 1.0 / 2;
  EXPECT_DOUBLE_EQ(value(r, "q1", "ndcg"), (1.0 / l3 + 1.0 / l5 + 2.0 / l6) / ideal);
  EXPECT_DOUBLE_EQ(value(r, "q1", "ndcg_cut_3"), (1.0 / l3) / ideal);
}

TEST(Metrics, QueryWithoutRelevantDocumentsScoresZero) {
  const EvalResult r = evaluate(sample_qrels(), sample_run(), parse_measures(kAll));
  EXPECT_DOUBLE_EQ(value(r, "q4", "map"), 0.0);
  EXPECT_DOUBLE_EQ(value(r, "q4", "ndcg"), 0.0);
  EXPECT_DOUBLE_EQ(value(r, "q4", "recall_cap_2"), 0.0);
  EXPECT_DOUBLE_EQ(value(r, "q4", "num_rel"), 0.0);
}

TEST(Metrics, AveragesOnlyQueriesInRunAndQrelsByDefault) {
  const EvalResult r = evaluate(sample_qrels(), sample_run(), parse_measures(kAll));
  EXPECT_EQ(r.num_queries, 3u);  // q1, q2, q4: q3 has no run, q5 no qrels
  EXPECT_EQ(r.per_query.count("q3"), 0u);
  EXPECT_EQ(r.per_query.count("q5"), 0u);
  const double q1_map = (1.0 / 2 + 2.0 / 4 + 3.0 / 5) / 3;
  EXPECT_DOUBLE_EQ(all(r, "map"), (q1_map + 1.0 + 0.0) / 3);
  EXPECT_DOUBLE_EQ(all(r, "num_q"), 3);
  EXPECT_DOUBLE_EQ(all(r, "num_rel"), 3 + 1 + 0);  // summed, not averaged
  EXPECT_DOUBLE_EQ(all(r, "num_ret"), 6 + 1 + 2);
  EXPECT_DOUBLE_EQ(all(r, "P_5"), (3.0 / 5 + 1.0 / 5 + 0) / 3);
}

TEST(Metrics, CompleteModeCountsMissingQueriesAsZero) {
  EvalOptions options;
  options.complete = true;
  const EvalResult r = evaluate(sample_qrels(), sample_run(), parse_measures(kAll), options);
  EXPECT_EQ(r.num_queries, 4u);
  ASSERT_EQ(r.missing_queries, std::vector<std::string>{"q3"});
  // trec_eval 9.0.8 -c scores a missing query against a dummy one-document ranking: every
  // measure 0 except num_rel, the query's real count (q3 judges d9 relevant).
  for (std::size_t i = 0; i < r.measure_names.size(); ++i) {
    const std::string& name = r.measure_names[i];
    const double expected = name == "num_rel" ? 1.0 : 0.0;
    if (name == "num_q") continue;  // a summary-only count
    EXPECT_EQ(r.per_query.at("q3")[i], expected) << name;
  }
  const std::string printed = format_trec_eval(r, parse_measures(kAll), /*per_query=*/true);
  EXPECT_NE(printed.find("num_rel               \tq3\t1\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("num_ret               \tq3\t0\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("ndcg_cut_3            \tq3\t0.0000\n"), std::string::npos);
  EXPECT_EQ(printed.find("\tq5\t"), std::string::npos);  // run only, not judged: never printed
  const double q1_map = (1.0 / 2 + 2.0 / 4 + 3.0 / 5) / 3;
  EXPECT_DOUBLE_EQ(all(r, "map"), (q1_map + 1.0 + 0.0 + 0.0) / 4);
  EXPECT_DOUBLE_EQ(all(r, "num_q"), 4);
  // trec_eval 9.0.8 -c: summary num_rel counts every judgment > 0 of every judged query
  // (q1: d1 d2 d4, q2: d1, q3: d9); num_ret and num_rel_ret only sum the evaluated queries.
  EXPECT_DOUBLE_EQ(all(r, "num_rel"), 5);
  EXPECT_DOUBLE_EQ(all(r, "num_ret"), 6 + 1 + 2);
  EXPECT_DOUBLE_EQ(all(r, "num_rel_ret"), 3 + 1 + 0);
  // ...and ignores -l for that count (a quirk of te_calc_avg_num_rel, reproduced).
  options.relevance_level = 2;
  const EvalResult level2 = evaluate(sample_qrels(), sample_run(), parse_measures(kAll), options);
  EXPECT_DOUBLE_EQ(all(level2, "num_rel"), 5);
  EXPECT_DOUBLE_EQ(all(level2, "map"), (1.0 / 5 + 0.0 + 0.0 + 0.0) / 4);  // only q1's d1 counts
  // The per-query num_rel of a missing query follows -l (q3's only judgment is 1 < 2).
  EXPECT_DOUBLE_EQ(value(level2, "q3", "num_rel"), 0.0);
}

TEST(Metrics, ScoresEqualAsFloatTieLikeTrecEval) {
  // trec_eval stores scores as float: 0.5 + 1e-12 and 0.5 tie, so docno descending decides.
  Qrels q;
  q.judgments["q"] = {{"a", 1}, {"b", 0}};
  TrecRun run;
  run.by_query["q"] = {{"a", 0.5 + 1e-12}, {"b", 0.5}};
  const std::vector<std::string> args = {"P.1", "recip_rank"};
  const EvalResult r = evaluate(q, run, parse_measures(args));
  EXPECT_DOUBLE_EQ(value(r, "q", "P_1"), 0.0);  // b before a
  EXPECT_DOUBLE_EQ(value(r, "q", "recip_rank"), 0.5);
  run.by_query["q"] = {{"a", 0.5 + 1e-6}, {"b", 0.5}};  // distinct as float: score decides
  EXPECT_DOUBLE_EQ(value(evaluate(q, run, parse_measures(args)), "q", "P_1"), 1.0);
}

TEST(Metrics, NonFiniteScoreInMemoryIsInputError) {
  Qrels q;
  q.judgments["q"] = {{"a", 1}};
  TrecRun run;
  run.by_query["q"] = {{"a", 1.0}, {"b", std::nan("")}};
  const std::vector<std::string> args = {"map"};
  EXPECT_THROW((void)evaluate(q, run, parse_measures(args)), InputError);
}

TEST(Metrics, QueryWithEmptyRankingScoresZero) {
  Qrels q;
  q.judgments["q"] = {{"a", 1}};
  TrecRun run;
  run.by_query["q"] = {};  // present in the run, nothing retrieved
  const std::vector<std::string> args = {"num_ret", "map", "P.5", "ndcg", "recip_rank"};
  const EvalResult r = evaluate(q, run, parse_measures(args));
  EXPECT_EQ(r.num_queries, 1u);
  EXPECT_EQ(r.per_query.at("q"), (std::vector<double>{0, 0, 0, 0, 0}));
}

TEST(Metrics, RelevanceLevelChangesBinaryMeasuresButNotNdcgGains) {
  EvalOptions options;
  options.relevance_level = 2;
  const EvalResult r = evaluate(sample_qrels(), sample_run(), parse_measures(kAll), options);
  EXPECT_DOUBLE_EQ(value(r, "q1", "num_rel"), 1);  // only d1 (2)
  EXPECT_DOUBLE_EQ(value(r, "q1", "recip_rank"), 1.0 / 5);
  EXPECT_DOUBLE_EQ(value(r, "q1", "map"), 1.0 / 5);
  EXPECT_DOUBLE_EQ(value(r, "q1", "P_5"), 1.0 / 5);
  const EvalResult base = evaluate(sample_qrels(), sample_run(), parse_measures(kAll));
  EXPECT_DOUBLE_EQ(value(r, "q1", "ndcg"), value(base, "q1", "ndcg"));
}

TEST(Metrics, PrecisionDividesByCutoffEvenWhenFewerRetrieved) {
  const EvalResult r = evaluate(sample_qrels(), sample_run(), parse_measures(kAll));
  EXPECT_DOUBLE_EQ(value(r, "q2", "P_5"), 1.0 / 5);
  EXPECT_DOUBLE_EQ(value(r, "q2", "recall_3"), 1.0);
  EXPECT_DOUBLE_EQ(value(r, "q2", "ndcg_cut_3"), 1.0);
}

TEST(Metrics, ParseMeasuresFollowsTrecEvalNamesAndOrder) {
  const std::vector<std::string> args = {"ndcg_cut.10,5", "map", "P.5", "P.5", "recip_rank"};
  const MeasureSet set = parse_measures(args);
  std::vector<std::string> names;
  for (const auto& m : set.measures) names.push_back(m.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"map", "recip_rank", "P_5", "ndcg_cut_5", "ndcg_cut_10"}));
  const std::vector<std::string> bare = {"P"};
  EXPECT_EQ(parse_measures(bare).measures.size(), 9u);  // 5 10 15 20 30 100 200 500 1000
  for (const char* bad : {"nope", "map.5", "P.0", "P.x", "P.5,", "ndcg_cut.-1"}) {
    const std::vector<std::string> a = {bad};
    EXPECT_THROW((void)parse_measures(a), InputError) << bad;
  }
}

TEST(Metrics, FormatsLikeTrecEval) {
  const std::vector<std::string> args = {"num_q", "map", "P.5"};
  const MeasureSet set = parse_measures(args);
  Qrels q;
  q.judgments["7"] = {{"a", 1}};
  TrecRun run;
  run.by_query["7"] = {{"a", 1.0}, {"b", 0.5}};
  const EvalResult r = evaluate(q, run, set);
  EXPECT_EQ(format_trec_eval(r, set, /*per_query=*/true),
            "map                   \t7\t1.0000\n"
            "P_5                   \t7\t0.2000\n"
            "num_q                 \tall\t1\n"
            "map                   \tall\t1.0000\n"
            "P_5                   \tall\t0.2000\n");
  EXPECT_EQ(format_trec_eval(r, set, false, 6),
            "num_q                 \tall\t1\n"
            "map                   \tall\t1.000000\n"
            "P_5                   \tall\t0.200000\n");
}

// Properties over random runs (fixed seed): line order never matters, a strictly increasing
// transform of the scores never matters, and every bounded measure stays within [0, 1].
TEST(MetricsProperty, InvariantUnderShuffleAndMonotoneScoreTransform) {
  std::mt19937 rng(20261124);
  const MeasureSet set = parse_measures(std::vector<std::string>{"all_embeval"});
  for (int trial = 0; trial < 50; ++trial) {
    Qrels qrels;
    TrecRun run;
    for (int q = 0; q < 8; ++q) {
      const std::string qid = std::to_string(q).insert(0, 1, 'q');
      auto& judged = qrels.judgments[qid];
      std::vector<RunEntry> entries;
      for (int d = 0; d < 40; ++d) {
        const std::string docno = std::to_string(d).insert(0, 1, 'd');
        if (rng() % 3 == 0) judged[docno] = static_cast<int>(rng() % 4) - 1;  // -1..2
        // Scores on a coarse grid so ties are common and *2 - 1 stays exact.
        if (rng() % 2 == 0) entries.push_back({docno, static_cast<double>(rng() % 8) / 4.0});
      }
      if (!entries.empty()) run.by_query[qid] = entries;
    }
    const EvalResult base = evaluate(qrels, run, set);
    TrecRun shuffled = run;
    TrecRun transformed = run;
    for (auto& [qid, entries] : shuffled.by_query)
      std::shuffle(entries.begin(), entries.end(), rng);
    for (auto& [qid, entries] : transformed.by_query) {
      for (auto& e : entries) e.score = e.score * 2.0 - 1.0;
    }
    EXPECT_EQ(evaluate(qrels, shuffled, set).per_query, base.per_query);
    EXPECT_EQ(evaluate(qrels, transformed, set).per_query, base.per_query);
    for (const auto& [qid, values] : base.per_query) {
      for (std::size_t i = 0; i < values.size(); ++i) {
        if (set.measures[i].is_count()) continue;
        EXPECT_GE(values[i], 0.0) << set.measures[i].name;
        EXPECT_LE(values[i], 1.0 + 1e-12) << set.measures[i].name;
      }
    }
  }
}

// Issue 10: a grade of 2147483647 once sized a per-grade table (16 GiB). Gains are values.
TEST(Metrics, HugeGradesAreGainsNotSizes) {
  Qrels q;
  q.judgments["q"] = {{"a", 2147483647}, {"b", 1}, {"c", -2147483647 - 1}};
  TrecRun run;
  run.by_query["q"] = {{"b", 2.0}, {"a", 1.0}, {"c", 0.5}};
  const std::vector<std::string> args = {"ndcg", "ndcg_cut.1", "num_rel", "map"};
  const EvalResult r = evaluate(q, run, parse_measures(args));
  const double big = 2147483647.0;
  const double ideal = big + 1.0 / std::log2(3.0);
  EXPECT_DOUBLE_EQ(value(r, "q", "ndcg"), (1.0 + big / std::log2(3.0)) / ideal);
  EXPECT_DOUBLE_EQ(value(r, "q", "ndcg_cut_1"), 1.0 / big);
  EXPECT_DOUBLE_EQ(value(r, "q", "num_rel"), 2);  // c is unjudged (negative)
  EXPECT_DOUBLE_EQ(value(r, "q", "map"), (1.0 + 1.0) / 2);
}

}  // namespace
}  // namespace embeval
