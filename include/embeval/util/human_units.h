// Numbers for people: sizes in binary units ("24.4 MiB") and rates ("11.1k"), as the tables and
// `inspect` print them. Parsers never read these back: results.json keeps the exact values.
#pragma once

#include <string>

namespace embeval {

// "512 B", "1.5 KiB", "24.4 MiB", ... (1024-based, one decimal above bytes).
[[nodiscard]] std::string human_bytes(double bytes);
// "950", "11.1k" (from 10 000), "2.35M" (from 1 000 000) per second.
[[nodiscard]] std::string human_rate(double per_second);

}  // namespace embeval
