// Internal to the report layer: the JSON files `embeval report` found, and the section builders
// that turn them into a ReportDocument (report_sections_*.cpp). Files are kept as parsed JSON:
// the report shows fields newer embeval versions add (significance tests, costs) when present.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "embeval/report/report_document.h"
#include "embeval/report/report_gather.h"

namespace embeval::report {

struct JsonFile {
  std::filesystem::path path;
  std::filesystem::path folder;  // the results folder it was found in
  nlohmann::json json;
};

// One model row of the report: a model of some results.json, with the label the report prints
// (the folder's name is prefixed when several folders are read).
struct ModelEntry {
  std::string label;
  const nlohmann::json* model = nullptr;
  const JsonFile* results = nullptr;
  std::string headline;  // its headline measure ("ndcg_cut_10")
};

struct ReportInputs {
  std::vector<JsonFile> results, ann, parity, probes;
  std::vector<ModelEntry> models;
  std::vector<std::string> notes;
};

[[nodiscard]] ReportInputs load_report_inputs(const std::vector<std::filesystem::path>& folders);

// Numbers as the tables print them; "-" when absent.
[[nodiscard]] std::optional<double> number_at(const nlohmann::json& j, const char* key);
[[nodiscard]] std::string fixed(std::optional<double> v, int decimals);
[[nodiscard]] std::string cell_of(const nlohmann::json& j);  // any scalar as text
[[nodiscard]] double headline_mean(const ModelEntry& m);
// USD per million documents, from api_cost or a "cost" object when results.json has one.
[[nodiscard]] std::optional<double> usd_per_million_documents(const nlohmann::json& model);
// The price a hosted model's cost used, with its source and the price table's date; "" if none.
[[nodiscard]] std::string price_source(const nlohmann::json& model);
// Pairwise tests when results.json carries them ({"measure","a","b","p",...} objects).
[[nodiscard]] std::vector<const nlohmann::json*> pairwise_tests(const JsonFile& results);

[[nodiscard]] ReportSection summary_section(const ReportInputs& in);
[[nodiscard]] ReportSection tradeoff_section(const ReportInputs& in);
[[nodiscard]] ReportSection recall_section(const ReportInputs& in, std::vector<std::string>& notes);
[[nodiscard]] std::optional<ReportSection> win_loss_section(const ReportInputs& in,
                                                            const ReportOptions& options,
                                                            std::vector<std::string>& notes);
[[nodiscard]] std::optional<ReportSection> ann_section(const ReportInputs& in);
[[nodiscard]] ReportSection card_section(const ReportInputs& in);
[[nodiscard]] std::optional<ReportSection> tokenizer_section(const ReportInputs& in);
[[nodiscard]] std::optional<ReportSection> probe_section(const ReportInputs& in);

}  // namespace embeval::report
