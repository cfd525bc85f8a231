// The price table: USD per million input tokens of hosted embedding APIs, read from a dated,
// user-editable TSV file (data/prices.tsv; docs/cost.md). No network: the numbers are what the
// file says, and every place that uses one prints the file's date and the row's source URL,
// because list prices change and the shipped table can be out of date.
//
// Format: '#' comment lines, one of which is "# date: YYYY-MM-DD" (required); a header line
// "model<TAB>provider<TAB>usd_per_mtok<TAB>source_url"; then one row per model. Model names are
// matched case-insensitively. Immutable once read: thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace embeval {

struct PriceRow {
  std::string model;     // the API's model name, e.g. "text-embedding-3-small"
  std::string provider;  // e.g. "openai"
  double usd_per_mtok = 0;
  std::string source_url;  // where the price was read
};

struct PriceTable {
  std::string path;  // the file read, as given
  std::string date;  // "# date:" line: when the prices were last checked
  std::vector<PriceRow> rows;

  // The row named `model` (case-insensitive), or nullptr.
  [[nodiscard]] const PriceRow* find(const std::string& model) const;
  // The row whose model name appears in `spec` (a model spec string such as
  // "openai:http://h/v1?model=text-embedding-3-small"), the longest name first so "-large" is not
  // taken for a shorter prefix; nullptr when none does.
  [[nodiscard]] const PriceRow* match_spec(const std::string& spec) const;
};

// InputError naming the file and line: no date line, a missing column, a price that is not a
// non-negative number, a model named twice.
[[nodiscard]] PriceTable read_price_table(const std::filesystem::path& path);

}  // namespace embeval
