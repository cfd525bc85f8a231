#include "embeval/report/markdown_report.h"

#include <string>

namespace embeval {

std::string escape_markdown_cell(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '|':
        out += "\\|";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '\n':
      case '\r':
        out += ' ';
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string render_markdown_report(const ReportDocument& document) {
  std::string out = "# " + escape_markdown_cell(document.title) + "\n\n";
  for (const std::string& note : document.notes) out += "> " + escape_markdown_cell(note) + "\n";
  if (!document.notes.empty()) out += "\n";
  for (const ReportSection& s : document.sections) {
    if (s.tables.empty()) continue;  // a charts-only section has nothing to say here
    out += "## " + escape_markdown_cell(s.title) + "\n\n";
    if (!s.description.empty()) out += escape_markdown_cell(s.description) + "\n\n";
    for (const ReportTable& t : s.tables) {
      if (!t.caption.empty()) out += "**" + escape_markdown_cell(t.caption) + "**\n\n";
      out += "|";
      for (const std::string& c : t.columns) out += " " + escape_markdown_cell(c) + " |";
      out += "\n|";
      for (std::size_t i = 0; i < t.columns.size(); ++i) out += " --- |";
      out += "\n";
      for (const auto& row : t.rows) {
        out += "|";
        for (const std::string& cell : row) out += " " + escape_markdown_cell(cell) + " |";
        out += "\n";
      }
      out += "\n";
    }
  }
  out += "Read from:\n\n";
  for (const std::string& source : document.sources) {
    out += "- " + escape_markdown_cell(source) + "\n";
  }
  return out;
}

}  // namespace embeval
