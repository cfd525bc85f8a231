#include "report/text_table.h"

#include <algorithm>
#include <cstdio>

#include "embeval/core/error.h"

namespace embeval::report {

std::string format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

std::string render_table(const std::vector<Column>& columns) {
  if (columns.empty()) return {};
  const std::size_t rows = columns[0].cells.size();
  std::vector<std::size_t> widths;
  for (const auto& col : columns) {
    EMBEVAL_CHECK(col.cells.size() == rows, "render_table: ragged columns");
    std::size_t w = col.header.size();
    for (const auto& cell : col.cells) w = std::max(w, cell.size());
    widths.push_back(w);
  }
  std::string out;
  const auto emit_row = [&](auto cell_of) {
    std::string row;
    for (std::size_t c = 0; c < columns.size(); ++c) {
      const std::string cell = cell_of(c);
      const std::string pad(widths[c] - std::min(widths[c], cell.size()), ' ');
      row += c == 0 ? "" : "  ";
      row += columns[c].left_align ? cell + pad : pad + cell;
    }
    while (!row.empty() && row.back() == ' ') row.pop_back();
    out += row + "\n";
  };
  emit_row([&](std::size_t c) { return columns[c].header; });
  emit_row([&](std::size_t c) { return std::string(widths[c], '-'); });
  for (std::size_t r = 0; r < rows; ++r) {
    emit_row([&](std::size_t c) { return columns[c].cells[r]; });
  }
  return out;
}

}  // namespace embeval::report
