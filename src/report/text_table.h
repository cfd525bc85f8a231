// Plain-text tables for the terminal (shared by every printed report): columns padded to their
// widest cell, numbers right-aligned, a dashed rule under the header, trailing spaces trimmed.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace embeval::report {

struct Column {
  std::string header;
  std::vector<std::string> cells;
  bool left_align = false;
};

[[nodiscard]] inline Column right_aligned(std::string header) {
  return {std::move(header), {}, false};
}
[[nodiscard]] inline Column left_aligned(std::string header) {
  return {std::move(header), {}, true};
}

// Header, rule, then one line per row. Every column must hold the same number of cells.
[[nodiscard]] std::string render_table(const std::vector<Column>& columns);

// printf-style formatting of one number.
[[nodiscard]] std::string format(const char* fmt, double v);
// 1023 B, 1.5 KiB, 24.4 MiB, ...
[[nodiscard]] std::string human_bytes(double bytes);
// 950, 12.3k, 1.20M
[[nodiscard]] std::string human_rate(double per_s);

}  // namespace embeval::report
