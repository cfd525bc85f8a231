// The report's tables as Markdown (GitHub-flavoured pipe tables), for a pull request or a wiki:
// no charts. Cells are escaped so that a label cannot break the table or inject markup: '|' and
// '\' are backslash-escaped, '<', '>' and '&' become character references, line breaks spaces.
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "embeval/report/report_document.h"

namespace embeval {

[[nodiscard]] std::string escape_markdown_cell(std::string_view text);

[[nodiscard]] std::string render_markdown_report(const ReportDocument& document);

}  // namespace embeval
