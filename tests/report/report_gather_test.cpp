// gather_report() on hand-made results folders: Pareto fronts, recall@k from a run file and
// qrels, per-query wins/ties/losses, significance marks read when results.json has tests and
// left out when not, and the errors a user can cause. Expected values are worked out by hand in
// the comments.
#include "embeval/report/report_gather.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

using nlohmann::json;

json model(const std::string& label, double ndcg, double docs_per_s, double qps, double mib,
           const json& per_query) {
  return {{"label", label},
          {"spec", label},
          {"card", {{"family", "dense"}, {"dimension", 4}}},
          {"timings", {{"documents_per_s", docs_per_s}, {"queries_per_s", qps}}},
          {"index_bytes", mib * 1024 * 1024},
          {"run_file", "runs/" + label + ".trec"},
          {"headline_interval",
           {{"measure", "ndcg_cut_10"}, {"low", ndcg - 0.1}, {"high", ndcg + 0.1}}},
          {"metrics",
           {{"mean", {{"ndcg_cut_10", ndcg}, {"recall_10", 0.5}}}, {"per_query", per_query}}}};
}

// A: nDCG 0.8, 100 docs/s, 1 ms, 3 MiB; B: 0.6, 200 docs/s, 2 ms, 1 MiB; C: 0.5, 50 docs/s,
// 0.5 ms, 2 MiB.
void write_folder(const testing::TempDir& dir, bool with_tests) {
  // qrels: q1 has d1 and d2 relevant, q2 has d3.
  dir.write("data/qrels/test.tsv", "query-id\tcorpus-id\tscore\nq1\td1\t1\nq1\td2\t1\nq2\td3\t1\n");
  dir.write(
      "data/queries.jsonl",
      "{\"_id\": \"q1\", \"text\": \"first query\"}\n{\"_id\": \"q2\", \"text\": \"second\"}\n"
      "{\"_id\": \"q3\", \"text\": \"third query\"}\n");
  // A ranks q1: d1, d9, d2 and q2: d3. recall@1 = (1/2 + 1) / 2 = 0.75, @2 = 0.75, @3 = 1.
  dir.write("runs/A.trec", "q1 Q0 d1 1 3 A\nq1 Q0 d9 2 2 A\nq1 Q0 d2 3 1 A\nq2 Q0 d3 1 1 A\n");
  const json per_a = {{"q1", {{"ndcg_cut_10", 0.9}}},
                      {"q2", {{"ndcg_cut_10", 0.7}}},
                      {"q3", {{"ndcg_cut_10", 0.2}}}};
  const json per_b = {{"q1", {{"ndcg_cut_10", 0.5}}},
                      {"q2", {{"ndcg_cut_10", 0.7}}},
                      {"q3", {{"ndcg_cut_10", 0.6}}}};
  json results = {
      {"format", "embeval-results"},
      {"version", 3},
      {"dataset",
       {{"name", "tiny"},
        {"path", "data"},
        {"files",
         json::array({{{"path", "data/queries.jsonl"}}, {{"path", "data/qrels/test.tsv"}}})}}},
      {"settings", {{"k", 3}, {"run_depth", 3}}},
      {"models",
       json::array({model("A", 0.8, 100, 1000, 3, per_a), model("B", 0.6, 200, 500, 1, per_b),
                    model("C", 0.5, 50, 2000, 2, json::object())})}};
  if (with_tests) {
    // As eval writes them (compare --json's document): -m style measure names.
    results["comparisons"] = {
        {"settings", {{"test", "t"}, {"correction", "holm"}, {"alpha", 0.05}}},
        {"tests", json::array({{{"measure", "ndcg_cut.10"},
                                {"a", "A"},
                                {"b", "C"},
                                {"p", 0.01},
                                {"p_adjusted", 0.03},
                                {"diff", 0.3},
                                {"significant", true}},
                               {{"measure", "ndcg_cut.10"},
                                {"a", "B"},
                                {"b", "C"},
                                {"p", 0.2},
                                {"p_adjusted", 0.4},
                                {"diff", 0.1},
                                {"significant", false}}})}};
  }
  if (with_tests) {  // and a cost for A, as eval's cost model writes it
    results["models"][0]["cost"] = {
        {"per_million_documents", {{"encode_usd", 10.0}, {"total_usd", 12.5}}},
        {"price",
         {{"provider", "acme"},
          {"model", "embed-1"},
          {"usd_per_mtok", 0.02},
          {"source_url", "https://example.com/prices"},
          {"table_date", "2026-11-30"}}}};
  }
  dir.write("results.json", results.dump());
}

const ReportSection& section(const ReportDocument& doc, const std::string& id) {
  for (const ReportSection& s : doc.sections) {
    if (s.id == id) return s;
  }
  throw std::runtime_error("no section " + id);
}

TEST(ReportGather, ParetoFrontsRecallCurvesWinsAndSignificance) {
  testing::TempDir dir("embeval-report-gather");
  write_folder(dir, true);
  ReportOptions options;
  options.folders = {dir.path()};
  const ReportDocument doc = gather_report(options);
  EXPECT_EQ(doc.title, "embeval report: tiny");

  // Throughput (more is better): A and B on the front, C below A. Latency (less is better): A
  // and C; B is slower and worse than A. Storage: A (best score) and B (smallest); C is bigger
  // and worse than B.
  const ReportTable& fronts = section(doc, "tradeoffs").tables.at(0);
  // Cost: only A has one, alone on its front.
  ASSERT_EQ(fronts.columns,
            (std::vector<std::string>{"model", "throughput", "latency", "storage", "cost"}));
  EXPECT_EQ(fronts.rows.at(0), (std::vector<std::string>{"A", "yes", "yes", "yes", "yes"}));
  EXPECT_EQ(fronts.rows.at(1), (std::vector<std::string>{"B", "yes", "no", "yes", "-"}));
  EXPECT_EQ(fronts.rows.at(2), (std::vector<std::string>{"C", "no", "yes", "no", "-"}));
  EXPECT_EQ(section(doc, "tradeoffs").charts.size(), 4u);
  const ReportTable& cards = section(doc, "cards").tables.at(0);
  EXPECT_EQ(cards.rows.at(0).at(cards.columns.size() - 2), "12.50");
  EXPECT_EQ(cards.rows.at(0).back(),
            "acme embed-1, $0.0200/1M tokens (https://example.com/prices, table of 2026-11-30)");

  const ReportTable& recall = section(doc, "recall").tables.at(0);
  ASSERT_EQ(recall.columns, (std::vector<std::string>{"model", "R@1", "R@2", "R@3"}));
  EXPECT_EQ(recall.rows.at(0), (std::vector<std::string>{"A", "0.7500", "0.7500", "1.0000"}));

  // A against B (the two best): q1 +0.4 win, q2 tie, q3 -0.4 loss.
  const ReportSection& wl = section(doc, "win-loss");
  EXPECT_NE(wl.description.find("1 wins, 1 ties, 1 losses for A"), std::string::npos)
      << wl.description;
  EXPECT_EQ(wl.tables.at(0).rows.at(0),
            (std::vector<std::string>{"q1", "first query", "0.9000", "0.5000", "0.4000"}));
  EXPECT_EQ(wl.tables.at(0).rows.size(), 1u);
  EXPECT_EQ(wl.tables.at(1).rows.at(0),
            (std::vector<std::string>{"q3", "third query", "0.2000", "0.6000", "-0.4000"}));

  const ReportSection& summary = section(doc, "summary");
  const ReportTable& table = summary.tables.at(0);
  EXPECT_EQ(table.columns.back(), "significantly better than");
  EXPECT_EQ(table.columns.at(table.columns.size() - 2), "$ per 1M docs");
  EXPECT_EQ(table.rows.at(0).at(table.columns.size() - 2), "12.50");
  EXPECT_EQ(table.rows.at(1).at(table.columns.size() - 2), "-");
  EXPECT_EQ(table.rows.at(0).back(), "> C (p 0.0300)");
  EXPECT_EQ(table.rows.at(1).back(), "");
  EXPECT_EQ(table.rows.at(0).at(2), "0.700-0.900");
  ASSERT_EQ(summary.tables.size(), 2u);
  EXPECT_EQ(summary.tables.at(1).rows.size(), 2u);
  EXPECT_EQ(summary.tables.at(1).caption, "Pairwise tests: t, holm correction, alpha 0.0500");
}

TEST(ReportGather, WithoutTestsTheMarksAreLeftOutAndCompareCanBeChosen) {
  testing::TempDir dir("embeval-report-gather");
  write_folder(dir, false);
  ReportOptions options;
  options.folders = {dir.path()};
  options.compare_a = "B";
  options.compare_b = "A";
  const ReportDocument doc = gather_report(options);
  EXPECT_EQ(section(doc, "summary").tables.size(), 1u);
  EXPECT_NE(section(doc, "summary").tables.at(0).columns.back(), "significantly better than");
  EXPECT_EQ(section(doc, "win-loss").title, "Per query: B against A");
  options.compare_a = "nope";
  EXPECT_THROW((void)gather_report(options), InputError);
}

TEST(ReportGather, AFolderWithoutResultsIsAnInputError) {
  testing::TempDir dir("embeval-report-gather");
  ReportOptions options;
  options.folders = {dir.path()};
  EXPECT_THROW((void)gather_report(options), InputError);
  options.folders = {dir / "missing"};
  EXPECT_THROW((void)gather_report(options), InputError);
  dir.write("results.json", R"({"format": "embeval-results", "version": 1, "models": []})");
  options.folders = {dir.path()};
  EXPECT_THROW((void)gather_report(options), InputError);
}

}  // namespace
}  // namespace embeval
