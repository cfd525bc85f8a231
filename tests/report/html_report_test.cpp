// Escaping in the HTML and Markdown reports: hostile strings in titles, labels, queries and
// chart data stay text. Checked on the rendered bytes: every "<script", "</script", "<style" and
// "</style" in the page is one the renderer wrote itself, no attribute is opened by a label, and
// the JSON block parses back to the very strings that went in.
#include "embeval/report/html_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "embeval/report/markdown_report.h"
#include "embeval/report/report_gather.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

const std::string kLineSeparator = "\xE2\x80\xA8";
const std::vector<std::string> kHostile = {"<script>alert(1)</script>", "\" onerror=\"alert(2)",
                                           "</style><b>x</b>",          "</script>",
                                           "a" + kLineSeparator + "b",  "<!--",
                                           "' onload='alert(3)",        "x & y < z"};

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

ChartLibrary fake_library() { return {"/*vega*/", "/*vega-lite*/", "/*vega-embed*/", "test libs"}; }

// The page without the contents of its <script> elements, and those contents.
std::pair<std::string, std::string> split_scripts(const std::string& html) {
  std::string outside, inside;
  std::size_t at = 0;
  for (auto open = html.find("<script", at); open != std::string::npos;
       open = html.find("<script", at)) {
    const auto body = html.find('>', open) + 1;
    const auto close = html.find("</script", body);
    outside += html.substr(at, body - at);
    inside += html.substr(body, close - body);
    at = close;
  }
  outside += html.substr(at);
  return {outside, inside};
}

// The renderer writes 5 script elements (the JSON block, three libraries, its own) and 1 style;
// no label opens an element or an attribute, and no line separator reaches a script.
void expect_inert(const std::string& html) {
  EXPECT_EQ(count(html, "<script"), 5u);
  EXPECT_EQ(count(html, "</script"), 5u);
  EXPECT_EQ(count(html, "<style"), 1u);
  EXPECT_EQ(count(html, "</style"), 1u);
  EXPECT_EQ(count(html, "<!--"), 0u);
  const auto [outside, inside] = split_scripts(html);
  EXPECT_EQ(count(outside, "<b>"), 0u);
  EXPECT_EQ(count(outside, "alert(1)</"), 0u);
  EXPECT_EQ(count(outside, "\" onerror=\""), 0u);
  EXPECT_EQ(count(outside, "' onload='"), 0u);
  EXPECT_EQ(count(inside, "<"), 0u);  // the fake libraries hold none; the JSON none left
  EXPECT_EQ(count(inside, kLineSeparator), 0u);
}

TEST(HtmlReport, EscapeHtmlTurnsEveryMarkupCharacterIntoAReference) {
  EXPECT_EQ(escape_html("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(escape_html("\" onerror=\""), "&quot; onerror=&quot;");
  EXPECT_EQ(escape_html("a'b&c"), "a&#39;b&amp;c");
  EXPECT_EQ(escape_html("plain text"), "plain text");
}

TEST(HtmlReport, JsonForScriptLeavesNoBreakoutAndParsesBackToTheSameStrings) {
  nlohmann::json j = nlohmann::json::array();
  for (const std::string& s : kHostile) j.push_back({{"label", s}, {s, 1}});
  const std::string text = json_for_script(j);
  for (const char* bad : {"<", ">", "&"}) EXPECT_EQ(count(text, bad), 0u) << bad;
  EXPECT_EQ(count(text, kLineSeparator), 0u);
  EXPECT_EQ(count(text, "\xE2\x80\xA9"), 0u);
  EXPECT_NE(text.find("\\u003c/script\\u003e"), std::string::npos);
  EXPECT_NE(text.find("\\u2028"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text), j);
}

TEST(HtmlReport, InvalidUtf8IsReplacedNotPassedThrough) {
  const std::string text = json_for_script(nlohmann::json("bad \xFF byte"));
  EXPECT_EQ(text, "\"bad \xEF\xBF\xBD byte\"");
}

TEST(HtmlReport, HostileTitlesCellsAndChartDataStayInert) {
  ReportDocument doc;
  doc.title = "<script>alert(1)</script>";
  doc.notes = {"</style><b>x</b>"};
  doc.sources = {"\" onerror=\"alert(2)"};
  ReportSection s{"summary", "</script>", "a" + kLineSeparator + "b", {}, {}};
  ReportTable t{"<!--", {"' onload='alert(3)"}, {}};
  nlohmann::json values = nlohmann::json::array();
  for (const std::string& h : kHostile) {
    t.rows.push_back({h});
    values.push_back({{"model", h}, {"x", 1}, {"y", 2}});
  }
  s.tables.push_back(t);
  s.charts.push_back({"c1", {{"title", kHostile[0]}, {"data", {{"values", values}}}}});
  doc.sections.push_back(s);
  const std::string html = render_html_report(doc, fake_library());
  expect_inert(html);
  EXPECT_NE(html.find("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>"), std::string::npos);
  // The chart data arrives in the browser unchanged.
  const std::string open = "<script type=\"application/json\" id=\"embeval-charts\">";
  const auto begin = html.find(open) + open.size();
  const auto end = html.find("</script>", begin);
  const auto charts = nlohmann::json::parse(html.substr(begin, end - begin));
  EXPECT_EQ(charts[0]["spec"]["data"]["values"], values);
  EXPECT_EQ(charts[0]["spec"]["title"], kHostile[0]);
}

TEST(HtmlReport, ACollapsedTableIsFoldedUnderItsEscapedCaptionWithItsRowCount) {
  ReportDocument doc;
  ReportSection s{"summary", "Summary", "", {}, {}};
  ReportTable folded{"<script>alert(1)</script>", {"a"}, {{"1"}, {"2"}, {"3"}}};
  folded.collapsed = true;
  s.tables.push_back(folded);
  s.tables.push_back({"open", {"b"}, {{"4"}}});
  doc.sections.push_back(s);
  const std::string html = render_html_report(doc, fake_library());
  expect_inert(html);
  EXPECT_EQ(count(html, "<details>"), 1u);
  EXPECT_NE(html.find("<details><summary>&lt;script&gt;alert(1)&lt;/script&gt; (3 rows)</summary>"
                      "<table><caption>&lt;script&gt;"),
            std::string::npos)
      << html;
  EXPECT_LT(html.find("</details>"), html.find("<caption>open</caption>"));
}

TEST(MarkdownReport, CellsCannotBreakTheTableOrCarryMarkup) {
  EXPECT_EQ(escape_markdown_cell("a|b\\c\nd"), "a\\|b\\\\c d");
  EXPECT_EQ(escape_markdown_cell("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;");
  ReportDocument doc;
  doc.title = "</style>";
  ReportSection s{"x", "t", "", {}, {}};
  s.tables.push_back({"", {"model", "value"}, {{"<script>alert(1)</script>", "1|2"}}});
  doc.sections.push_back(s);
  const std::string md = render_markdown_report(doc);
  EXPECT_EQ(count(md, "<"), 0u);
  EXPECT_NE(md.find("| &lt;script&gt;alert(1)&lt;/script&gt; | 1\\|2 |"), std::string::npos);
}

// The whole path: a results folder whose model labels, dataset name and query texts are hostile,
// gathered and rendered.
TEST(HtmlReport, HostileLabelsAndQueriesFromAResultsFolderStayInert) {
  testing::TempDir dir("embeval-report");
  nlohmann::json models = nlohmann::json::array();
  std::string queries;
  for (std::size_t i = 0; i < 3; ++i) {
    nlohmann::json per_query;
    for (std::size_t q = 0; q < kHostile.size(); ++q) {
      per_query[kHostile[q]] = {{"ndcg_cut_10", (q * 7 + i * 3) % 5 / 4.0}};
    }
    models.push_back(
        {{"label", kHostile[i]},
         {"spec", kHostile[i + 3]},
         {"card", {{"family", kHostile[i + 4]}, {"dimension", 8}}},
         {"timings", {{"documents_per_s", 100.0 * (i + 1)}, {"queries_per_s", 50.0 / (i + 1)}}},
         {"index_bytes", 1000 * (i + 1)},
         {"run_file", "runs/missing.trec"},
         {"metrics",
          {{"mean", {{"ndcg_cut_10", 0.5 + 0.1 * i}, {"recall_10", 0.4}, {"recall_100", 0.9}}},
           {"per_query", per_query}}}});
  }
  for (const std::string& h : kHostile) {
    queries += nlohmann::json({{"_id", h}, {"text", h}}).dump() + "\n";
  }
  dir.write("data/queries.jsonl", queries);
  const nlohmann::json results = {
      {"format", "embeval-results"},
      {"version", 3},
      {"dataset", {{"name", kHostile[1]}, {"path", "data"}, {"files", nlohmann::json::array()}}},
      {"settings", {{"k", 100}, {"run_depth", 100}}},
      {"models", models}};
  dir.write("results.json", results.dump());
  ReportOptions options;
  options.folders = {dir.path()};
  const ReportDocument doc = gather_report(options);
  // The comparison picked the two best models and found the hostile query texts.
  bool found_query = false;
  for (const ReportSection& s : doc.sections) {
    for (const ReportTable& t : s.tables) {
      for (const auto& row : t.rows) {
        // Wins and losses: query id, then its text (the same hostile string here).
        if (row.size() == 5 && !row[1].empty() && row[0] == row[1]) found_query = true;
      }
    }
  }
  EXPECT_TRUE(found_query);
  expect_inert(render_html_report(doc, fake_library()));
  EXPECT_EQ(count(render_markdown_report(doc), "<"), 0u);
}

}  // namespace
}  // namespace embeval
