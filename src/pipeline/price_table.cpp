#include "embeval/pipeline/price_table.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fstream>

#include "embeval/core/error.h"

namespace embeval {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t tab = line.find('\t', start);
    fields.push_back(trim(line.substr(start, tab - start)));
    if (tab == std::string::npos) break;
    start = tab + 1;
  }
  return fields;
}

}  // namespace

const PriceRow* PriceTable::find(const std::string& model) const {
  const std::string wanted = lower(model);
  for (const PriceRow& row : rows) {
    if (lower(row.model) == wanted) return &row;
  }
  return nullptr;
}

const PriceRow* PriceTable::match_spec(const std::string& spec) const {
  const std::string haystack = lower(spec);
  const PriceRow* best = nullptr;
  for (const PriceRow& row : rows) {
    const std::string name = lower(row.model);
    const std::size_t at = haystack.find(name);
    if (at == std::string::npos) continue;
    // A whole name: not followed by more of a longer name ("-3-large" in "-3-large-v2").
    const std::size_t end = at + name.size();
    if (end < haystack.size() && (std::isalnum(static_cast<unsigned char>(haystack[end])) ||
                                  haystack[end] == '-' || haystack[end] == '.')) {
      continue;
    }
    if (!best || row.model.size() > best->model.size()) best = &row;
  }
  return best;
}

PriceTable read_price_table(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw InputError("cannot open the price table", path.string(), 0,
                     "pass --price-table FILE (format: docs/cost.md), e.g. data/prices.tsv");
  }
  PriceTable table;
  table.path = path.string();
  std::string line;
  std::size_t line_no = 0;
  bool header_seen = false;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty()) continue;
    if (line[0] == '#') {
      const std::string body = trim(line.substr(1));
      if (lower(body).rfind("date:", 0) == 0) table.date = trim(body.substr(5));
      continue;
    }
    const std::vector<std::string> f = split_tabs(line);
    if (!header_seen) {
      if (f.size() < 4 || f[0] != "model" || f[1] != "provider" || f[2] != "usd_per_mtok" ||
          f[3] != "source_url") {
        throw InputError(
            "price table header must be model<TAB>provider<TAB>usd_per_mtok<TAB>"
            "source_url",
            path.string(), line_no, "see data/prices.tsv");
      }
      header_seen = true;
      continue;
    }
    if (f.size() != 4 || f[0].empty()) {
      throw InputError("price row needs 4 tab-separated fields", path.string(), line_no,
                       "model<TAB>provider<TAB>usd_per_mtok<TAB>source_url");
    }
    PriceRow row{f[0], f[1], 0, f[3]};
    const char* end = f[2].data() + f[2].size();
    const auto [ptr, ec] = std::from_chars(f[2].data(), end, row.usd_per_mtok);
    if (ec != std::errc() || ptr != end || !std::isfinite(row.usd_per_mtok) ||
        row.usd_per_mtok < 0) {
      throw InputError("price '" + f[2] + "' is not a non-negative number of USD", path.string(),
                       line_no, "USD per million input tokens, e.g. 0.02");
    }
    if (table.find(row.model)) {
      throw InputError("model '" + row.model + "' is priced twice", path.string(), line_no,
                       "keep one row per model");
    }
    table.rows.push_back(std::move(row));
  }
  if (table.date.empty()) {
    throw InputError("price table has no '# date: YYYY-MM-DD' line", path.string(), 0,
                     "prices change: say when they were checked");
  }
  if (!header_seen) throw InputError("price table has no header line", path.string());
  return table;
}

}  // namespace embeval
