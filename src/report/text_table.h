// Plain-text tables for the terminal (shared by every printed report): columns padded to their
// widest cell, numbers right-aligned, a dashed rule under the header, trailing spaces trimmed.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "embeval/util/human_units.h"

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
// Sizes and rates for people (embeval/util/human_units.h), under the names the tables use.
using embeval::human_bytes;
using embeval::human_rate;

}  // namespace embeval::report
