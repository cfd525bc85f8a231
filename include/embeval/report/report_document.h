// What a report says, apart from how it is drawn: sections of plain-text tables and Vega-Lite
// chart specs. report_gather.h fills one from results folders; html_report.h and
// markdown_report.h render it. Every string here is plain text as read from the files (model
// labels, query texts, titles may hold anything, "<script>" included): the renderers escape it,
// nothing upstream does. Plain values, no sharing: copy or move freely across threads.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace embeval {

struct ReportTable {
  std::string caption;
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each row has columns.size() cells
  // Long reference tables (every pairwise test) start folded in the HTML page, so the charts
  // stay near the top; the Markdown shows every table in full.
  bool collapsed = false;
};

struct ReportChart {
  std::string id;       // unique in the document; [a-z0-9-] only (it becomes an element id)
  nlohmann::json spec;  // a Vega-Lite spec with its data inline ("data": {"values": [...]})
};

struct ReportSection {
  std::string id;  // [a-z0-9-] only: the anchor of the table of contents
  std::string title;
  std::string description;  // one paragraph of plain text: what the section shows
  std::vector<ReportTable> tables;
  std::vector<ReportChart> charts;
};

struct ReportDocument {
  std::string title;
  std::vector<std::string> sources;  // the files read, one line each
  std::vector<std::string> notes;    // what could not be shown, and why
  std::vector<ReportSection> sections;
};

}  // namespace embeval
