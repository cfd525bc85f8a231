#include "embeval/report/html_report.h"

#include <string>

namespace embeval {
namespace {

// Vega-Lite's output is SVG; the page styles only its own elements.
constexpr const char* kStyle =
    R"(body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left;vertical-align:top}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.3em 0}summary{font-weight:600;cursor:pointer}
.charts{display:flex;flex-wrap:wrap;gap:1.5em}.chart{min-width:300px;min-height:200px}
.note{color:#8a4b00}.sources{color:#555;font-size:12px}nav a{margin-right:1em})";

// The page's own script: draws every chart from the JSON block, marks each container with the
// outcome (data-rendered / data-error, which the browser test reads) and reports failures on the
// console, so that a broken chart cannot go unnoticed.
constexpr const char* kDrawCharts = R"((function () {
  var charts = JSON.parse(document.getElementById("embeval-charts").textContent);
  var pending = charts.map(function (chart) {
    var element = document.getElementById("chart-" + chart.id);
    return vegaEmbed(element, chart.spec, {mode: "vega-lite", renderer: "svg", actions: false})
      .then(function () { element.setAttribute("data-rendered", "true"); })
      .catch(function (error) {
        element.setAttribute("data-error", String(error));
        console.error("embeval report: chart " + chart.id + " failed: " + error);
      });
  });
  Promise.all(pending).then(function () {
    document.body.setAttribute("data-charts-done", String(charts.length));
  });
})();)";

bool looks_numeric(const std::string& cell) {
  if (cell.empty()) return false;
  for (char c : cell) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == '%' || c == 'e' ||
          c == 'k' || c == ' ' || c == '(' || c == ')' || c == 'x')) {
      return false;
    }
  }
  return cell.find_first_of("0123456789") != std::string::npos;
}

void append_table(std::string& out, const ReportTable& table) {
  if (table.collapsed) {
    out += "<details><summary>" + escape_html(table.caption) + " (" +
           std::to_string(table.rows.size()) + " rows)</summary>";
  }
  out += "<table>";
  if (!table.caption.empty()) out += "<caption>" + escape_html(table.caption) + "</caption>";
  out += "<thead><tr>";
  for (const std::string& c : table.columns) out += "<th>" + escape_html(c) + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (const std::string& cell : row) {
      out += looks_numeric(cell) ? "<td class=\"num\">" : "<td>";
      out += escape_html(cell) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody></table>\n";
  if (table.collapsed) out += "</details>\n";
}

}  // namespace

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string json_for_script(const nlohmann::json& value) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // Outside strings JSON has none of these characters, so each escape lands inside a string,
    // where JSON.parse turns it back into the same character.
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_html_report(const ReportDocument& document, const ChartLibrary& library) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  // No source but the page itself: whatever a library might try, the browser fetches nothing.
  out +=
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:\">\n";
  out += "<title>" + escape_html(document.title) + "</title>\n<style>" + kStyle + "</style>\n";
  out += "</head><body>\n<h1>" + escape_html(document.title) + "</h1>\n<nav>";
  for (const ReportSection& s : document.sections) {
    out += "<a href=\"#" + escape_html(s.id) + "\">" + escape_html(s.title) + "</a>";
  }
  out += "</nav>\n";
  for (const std::string& note : document.notes) {
    out += "<p class=\"note\">" + escape_html(note) + "</p>\n";
  }
  nlohmann::json charts = nlohmann::json::array();
  for (const ReportSection& s : document.sections) {
    out += "<section id=\"" + escape_html(s.id) + "\"><h2>" + escape_html(s.title) + "</h2>\n";
    if (!s.description.empty()) out += "<p>" + escape_html(s.description) + "</p>\n";
    if (!s.charts.empty()) {
      out += "<div class=\"charts\">";
      for (const ReportChart& c : s.charts) {
        out += "<div class=\"chart\" id=\"chart-" + escape_html(c.id) + "\"></div>";
        charts.push_back({{"id", c.id}, {"spec", c.spec}});
      }
      out += "</div>\n";
    }
    for (const ReportTable& t : s.tables) append_table(out, t);
    out += "</section>\n";
  }
  out += "<p class=\"sources\">Read from:<br>";
  for (const std::string& source : document.sources) out += escape_html(source) + "<br>";
  out += "Charts: " + escape_html(library.versions) + ", inlined.</p>\n";
  out += "<script type=\"application/json\" id=\"embeval-charts\">" + json_for_script(charts) +
         "</script>\n";
  out += "<script>" + library.vega + "\n</script>\n";
  out += "<script>" + library.vega_lite + "\n</script>\n";
  out += "<script>" + library.vega_embed + "\n</script>\n";
  out += "<script>" + std::string(kDrawCharts) + "</script>\n</body></html>\n";
  return out;
}

}  // namespace embeval
