// The report as one self-contained HTML page: tables as escaped HTML, charts drawn in the
// browser by Vega-Lite from specs kept in a <script type="application/json"> block, the chart
// libraries inlined (chart_library.h). The page makes no network request: a Content-Security-
// Policy of default-src 'none' forbids every fetch, and nothing refers outside the file.
// Escaping (docs/report.md): text goes through escape_html(); JSON inside <script> through
// json_for_script(), which leaves no '<', '>', '&', U+2028 or U+2029 unescaped, so "</script>"
// or "<!--" in a label cannot end the block. Pure functions, thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "embeval/report/chart_library.h"
#include "embeval/report/report_document.h"

namespace embeval {

// &, <, >, " and ' as character references: safe in element content and quoted attributes.
[[nodiscard]] std::string escape_html(std::string_view text);

// `value` as JSON text safe inside any <script> element: '<', '>' and '&' as \u003c, \u003e,
// \u0026 and the line separators U+2028 / U+2029 as \u2028 / \u2029 (JSON.parse gives back the
// same strings). Invalid UTF-8 is replaced (U+FFFD), never passed through.
[[nodiscard]] std::string json_for_script(const nlohmann::json& value);

// The whole page. `library` supplies the three scripts (inlined as they are; load_chart_library
// refuses a script that could end its <script> element).
[[nodiscard]] std::string render_html_report(const ReportDocument& document,
                                             const ChartLibrary& library);

}  // namespace embeval
