// recommend() on hand-made results.json files: four models whose quality, speed, size, cost and
// paired tests are set by hand, so the best, the recommendation and every reason are known.
#include "embeval/decide/recommendation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

using nlohmann::json;

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// A model entry with just what recommend reads (and read_results_json requires).
json model(const std::string& label, double ndcg, double recall, double qps, double index_gib,
           std::optional<double> usd) {
  json cost = nullptr;
  if (usd) {
    const json figures = {
        {"encode_usd", *usd}, {"storage_usd_per_month", nullptr}, {"total_usd", *usd}};
    const json none = {
        {"encode_usd", nullptr}, {"storage_usd_per_month", nullptr}, {"total_usd", nullptr}};
    cost = {{"encode_basis", "self-hosted"},
            {"price", nullptr},
            {"document_tokens", 10.0},
            {"document_tokens_source", "estimate"},
            {"query_tokens", 2.0},
            {"query_tokens_source", "estimate"},
            {"usd_per_hour", 1.0},
            {"hardware", "cpu"},
            {"usd_per_gib_month", nullptr},
            {"replicas", 1},
            {"index_bytes", 0},
            {"api_measured_usd", nullptr},
            {"corpus", figures},
            {"per_million_documents", none},
            {"per_million_queries", none}};
  }
  return {{"spec", label},
          {"label", label},
          {"card",
           {{"family", "dense"},
            {"architecture", "x"},
            {"tokenizer", "word"},
            {"dimension", 8},
            {"vocabulary_size", 0},
            {"context_window_tokens", nullptr}}},
          {"timings",
           {{"fit_s", 0.0},
            {"encode_documents_s", 1.0},
            {"index_s", 0.0},
            {"encode_queries_s", 0.0},
            {"search_s", 0.0},
            {"documents_per_s", 10.0},
            {"queries_per_s", qps}}},
          {"index_bytes", static_cast<std::size_t>(index_gib * kGiB)},
          {"peak_rss_bytes", 0},
          {"run_file", "runs/" + label + ".trec"},
          {"cost", cost},
          {"metrics",
           {{"measures", {"ndcg_cut_10", "recall_100"}},
            {"num_queries", 2},
            {"mean", {{"ndcg_cut_10", ndcg}, {"recall_100", recall}}},
            {"per_query", json::object()}}}};
}

json test_row(const std::string& a, const std::string& b, double p_adjusted, bool significant) {
  return {{"measure", "ndcg_cut_10"},
          {"a", a},
          {"b", b},
          {"n_queries", 50},
          {"mean_a", 0.0},
          {"mean_b", 0.0},
          {"diff", 0.0},
          {"p", p_adjusted},
          {"p_adjusted", p_adjusted},
          {"ci_low", 0.0},
          {"ci_high", 0.0},
          {"wins", 0},
          {"ties", 0},
          {"losses", 0},
          {"significant", significant}};
}

json results(std::vector<json> models, json comparisons) {
  json j = {{"format", "embeval-results"},
            {"version", 3},
            {"dataset",
             {{"name", "toy"},
              {"path", "data"},
              {"fingerprint", "0"},
              {"documents", 100},
              {"queries", 50},
              {"judgments", 50},
              {"load_report",
               {{"invalid_utf8_replaced", 0},
                {"empty_documents", 0},
                {"empty_queries", 0},
                {"qrels_unknown_documents", 0},
                {"qrels_unknown_queries", 0},
                {"queries_without_qrels", 0},
                {"warnings", json::array()}}}}},
            {"settings", {{"k", 100}, {"ignore_identical_ids", false}}},
            {"models", std::move(models)}};
  if (!comparisons.is_null()) j["comparisons"] = std::move(comparisons);
  return j;
}

// A: best (0.50) but slow, big and dear; B: 0.48, fast; C: 0.30, fastest, significantly worse
// than all; D: 0.49, cheapest, slowest. A-B, A-D, B-D not significant.
json four_models() {
  const json tests = {test_row("A", "B", 0.40, false), test_row("A", "C", 0.001, true),
                      test_row("A", "D", 0.9, false),  test_row("B", "C", 0.004, true),
                      test_row("B", "D", 0.7, false),  test_row("C", "D", 0.002, true)};
  const json settings = {{"test", "t"},
                         {"samples", 0},
                         {"seed", 42},
                         {"p_rule", "(count+1)/(B+1)"},
                         {"generator", "xoshiro256** seeded by splitmix64"},
                         {"alpha", 0.05},
                         {"correction", "holm"},
                         {"complete", true}};
  return results({model("A", 0.50, 0.90, 100, 2.0, 5.0), model("B", 0.48, 0.85, 1000, 0.5, 1.0),
                  model("C", 0.30, 0.60, 2000, 0.1, 0.5), model("D", 0.49, 0.88, 50, 1.0, 0.8)},
                 {{"tests", tests}, {"settings", settings}});
}

class Recommend : public ::testing::Test {
 protected:
  Recommendation run(const json& file, const RecommendConstraints& c) {
    dir_.write("results.json", file.dump(1));
    return recommend_folder(dir_.path(), c);
  }
  static const ModelVerdict& verdict(const Recommendation& r, const std::string& label) {
    for (const auto& v : r.models) {
      if (v.label == label) return v;
    }
    throw std::runtime_error("no model " + label);
  }
  testing::TempDir dir_{"embeval-recommend"};
};

TEST_F(Recommend, CheapestNotSignificantlyWorseThanTheBest) {
  const Recommendation r = run(four_models(), {});
  ASSERT_TRUE(r.best && r.recommended);
  EXPECT_EQ(r.measure, "ndcg_cut_10");
  EXPECT_EQ(r.models[*r.best].label, "A");
  EXPECT_EQ(r.models[*r.recommended].label, "D");
  EXPECT_EQ(r.cheapest_by, "cost");
  EXPECT_EQ(verdict(r, "A").reasons,
            std::vector<std::string>{"the best on ndcg_cut_10, but costs more: $5.00 vs $0.80"});
  EXPECT_EQ(verdict(r, "B").reasons,
            std::vector<std::string>{
                "not significantly worse than A (adjusted p 0.4), but costs more: $1.00 vs $0.80"});
  EXPECT_EQ(verdict(r, "C").reasons,
            std::vector<std::string>{"significantly worse than A on ndcg_cut_10 (0.3000 vs "
                                     "0.5000, adjusted p 0.001)"});
  EXPECT_TRUE(verdict(r, "D").reasons.empty());
  EXPECT_EQ(format_recommendation_line(r),
            "recommendation: A is best on ndcg_cut_10; D is cheaper (by cost) and not "
            "significantly worse (embeval recommend OUT; docs/recommend.md)\n");
}

TEST_F(Recommend, LatencyConstraintExcludesWithReasons) {
  RecommendConstraints c;
  c.max_query_ms = 5;  // A: 1000/100 = 10 ms, D: 1000/50 = 20 ms
  const Recommendation r = run(four_models(), c);
  ASSERT_TRUE(r.best && r.recommended);
  EXPECT_EQ(r.models[*r.best].label, "B");
  EXPECT_EQ(r.models[*r.recommended].label, "B");
  EXPECT_EQ(verdict(r, "A").reasons,
            std::vector<std::string>{"query latency 10 ms > --max-query-ms 5"});
  EXPECT_EQ(verdict(r, "D").reasons,
            std::vector<std::string>{"query latency 20 ms > --max-query-ms 5"});
  EXPECT_EQ(verdict(r, "C").reasons,
            std::vector<std::string>{"significantly worse than B on ndcg_cut_10 (0.3000 vs "
                                     "0.4800, adjusted p 0.004)"});
  EXPECT_FALSE(verdict(r, "A").meets_constraints);
  EXPECT_TRUE(verdict(r, "C").meets_constraints);
}

TEST_F(Recommend, CostRecallAndIndexConstraintsListEveryFailure) {
  RecommendConstraints c;
  c.max_usd = 2;
  c.min_recall_at_100 = 0.87;
  c.max_index_gib = 1.5;
  const Recommendation r = run(four_models(), c);
  ASSERT_TRUE(r.best && r.recommended);
  EXPECT_EQ(r.models[*r.best].label, "D");
  EXPECT_EQ(r.models[*r.recommended].label, "D");
  EXPECT_EQ(verdict(r, "A").reasons, (std::vector<std::string>{"index 2 GiB > --max-index-gib 1.5",
                                                               "cost $5.00 > --max-usd 2"}));
  EXPECT_EQ(verdict(r, "B").reasons,
            std::vector<std::string>{"recall_100 0.8500 < --min-recall-at-100 0.87"});
  EXPECT_EQ(verdict(r, "C").reasons,
            std::vector<std::string>{"recall_100 0.6000 < --min-recall-at-100 0.87"});
}

TEST_F(Recommend, NoCostFigureIsAReasonNotAZero) {
  json file = four_models();
  file["models"][3]["cost"] = nullptr;  // D without a cost
  RecommendConstraints c;
  c.max_usd = 10;
  const Recommendation r = run(file, c);
  EXPECT_EQ(verdict(r, "D").reasons,
            std::vector<std::string>{
                "no cost figure (eval without --usd-per-hour and no price row for it)"});
  ASSERT_TRUE(r.recommended);
  EXPECT_EQ(r.models[*r.recommended].label, "B");  // $1.00 < A's $5.00; C worse
}

TEST_F(Recommend, WithoutCostsTheFastestWinsAndWithoutTestsOnlyTheBest) {
  json file = four_models();
  for (auto& m : file["models"]) m["cost"] = nullptr;
  Recommendation r = run(file, {});
  EXPECT_EQ(r.cheapest_by, "query latency");
  ASSERT_TRUE(r.recommended);
  EXPECT_EQ(r.models[*r.recommended].label, "B");  // 1 ms; C is faster but significantly worse

  file.erase("comparisons");
  r = run(file, {});
  ASSERT_TRUE(r.best && r.recommended);
  EXPECT_EQ(r.models[*r.recommended].label, "A");
  ASSERT_EQ(r.notes.size(), 1u);
  EXPECT_NE(r.notes[0].find("no paired tests on ndcg_cut_10"), std::string::npos);
  EXPECT_EQ(format_recommendation_line(r),
            "recommendation: A is best on ndcg_cut_10 (no paired tests on it: the cheapest "
            "equivalent is not known) (embeval recommend OUT; docs/recommend.md)\n");
}

TEST_F(Recommend, JsonRecordsChoiceAndReasons) {
  RecommendConstraints c;
  c.max_query_ms = 5;
  const json j = json::parse(recommendation_json(run(four_models(), c)));
  EXPECT_EQ(j.at("best"), "B");
  EXPECT_EQ(j.at("recommended"), "B");
  EXPECT_EQ(j.at("constraints").at("max_query_ms"), 5.0);
  EXPECT_TRUE(j.at("constraints").at("max_usd").is_null());
  EXPECT_EQ(j.at("models").at(0).at("label"), "A");
  EXPECT_DOUBLE_EQ(j.at("models").at(0).at("query_ms").get<double>(), 10.0);
  EXPECT_EQ(j.at("models").at(0).at("reasons").at(0), "query latency 10 ms > --max-query-ms 5");
}

TEST_F(Recommend, LanguagesExcludeModelsWhoseCardLacksOneOrStatesNone) {
  RecommendConstraints c;
  c.languages = {"de", "JA"};
  c.model_languages["A"] = {"en", "de", "ja"};  // covers both (case-blind)
  c.model_languages["B"] = {"en", "de"};        // lacks ja
  c.model_languages["D"] = {"EN", "De", "Ja"};  // covers both; C states nothing
  const Recommendation r = run(four_models(), c);
  ASSERT_TRUE(r.best && r.recommended);
  EXPECT_EQ(r.models[*r.best].label, "A");
  EXPECT_EQ(r.models[*r.recommended].label, "D");  // $0.80, not significantly worse than A
  EXPECT_EQ(verdict(r, "B").reasons,
            std::vector<std::string>{"does not cover JA (its card: en, de)"});
  EXPECT_EQ(verdict(r, "C").reasons,
            std::vector<std::string>{
                "languages unknown: state its card's with --model-languages C=LANGS"});
  EXPECT_FALSE(verdict(r, "C").meets_constraints);
  const json j = json::parse(recommendation_json(r));
  EXPECT_EQ(j.at("constraints").at("languages"), json({"de", "JA"}));
  EXPECT_EQ(j.at("models").at(1).at("languages"), json({"en", "de"}));
  EXPECT_EQ(j.at("models").at(2).at("languages"), json::array());

  c.model_languages["E"] = {"en"};  // no such model
  EXPECT_THROW(run(four_models(), c), InputError);
}

TEST_F(Recommend, UnknownMeasureAndMissingFileAreInputErrors) {
  RecommendConstraints c;
  c.measure = "P.5";
  EXPECT_THROW((void)run(four_models(), c), InputError);
  c.measure = "recall.100";  // the -m spelling is accepted
  const Recommendation r = run(four_models(), c);
  EXPECT_EQ(r.measure, "recall_100");
  testing::TempDir empty{"embeval-recommend-empty"};
  EXPECT_THROW((void)recommend_folder(empty.path(), {}), InputError);
}

}  // namespace
}  // namespace embeval
