#include "embeval/report/report_gather.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "embeval/core/error.h"
#include "embeval/pipeline/ann_json.h"
#include "embeval/pipeline/results_json.h"
#include "report/report_inputs.h"

namespace embeval {
namespace report {
namespace {

namespace fs = std::filesystem;

// Folders eval writes into its output that hold no report input of their own.
const std::set<std::string> kSkippedFolders = {"cache", "models", "runs", "dataset", "qrels"};

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError("cannot read " + path.string(), path.string());
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw InputError(std::string("not valid JSON: ") + e.what(), path.string(), 0,
                     "is this a file embeval wrote?");
  }
}

void check_version(const nlohmann::json& j, const fs::path& path, int oldest, int newest) {
  const int version = j.value("version", 0);
  if (version < oldest || version > newest) {
    throw InputError(
        "version " + std::to_string(version) + " of " + j.value("format", "") + " is not supported",
        path.string(), 0,
        "this embeval reads versions " + std::to_string(oldest) + ".." + std::to_string(newest) +
            "; rerun the command that wrote it");
  }
}

void classify(const fs::path& path, const fs::path& folder, ReportInputs& in) {
  nlohmann::json j = read_json(path);
  if (!j.is_object()) return;
  const std::string format = j.value("format", "");
  if (format == kResultsFormat) {
    check_version(j, path, kOldestResultsVersionRead, kResultsVersion);
    if (!j.contains("models") || !j["models"].is_array()) {
      throw InputError("results file has no \"models\" array", path.string());
    }
    in.results.push_back({path, folder, std::move(j)});
  } else if (format == kAnnFormat) {
    check_version(j, path, 1, kAnnVersion);
    in.ann.push_back({path, folder, std::move(j)});
  } else if (format == "embeval-parity") {
    in.parity.push_back({path, folder, std::move(j)});
  } else if (format.empty() && path.filename() != "dataset.json") {
    in.probes.push_back({path, folder, std::move(j)});  // probe --json files carry no format
  }
}

std::vector<fs::path> json_files(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    if (e.is_regular_file() && e.path().extension() == ".json") files.push_back(e.path());
    if (e.is_directory() && !kSkippedFolders.count(e.path().filename().string())) {
      for (const auto& inner : fs::directory_iterator(e.path())) {
        if (inner.is_regular_file() && inner.path().extension() == ".json") {
          files.push_back(inner.path());
        }
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

ReportInputs load_report_inputs(const std::vector<fs::path>& folders) {
  ReportInputs in;
  for (const fs::path& folder : folders) {
    if (!fs::is_directory(folder)) {
      throw InputError("no such folder: " + folder.string(), folder.string(), 0,
                       "name the --out folder of embeval eval (it holds results.json)");
    }
    const std::size_t before = in.results.size() + in.ann.size();
    for (const fs::path& path : json_files(folder)) classify(path, folder, in);
    if (in.results.size() + in.ann.size() == before) {
      throw InputError("no results.json or ann.json in " + folder.string(), folder.string(), 0,
                       "name the --out folder of embeval eval or embeval ann");
    }
  }
  // Labels are unique within a folder; across folders the folder's name tells them apart.
  for (const JsonFile& file : in.results) {
    for (const nlohmann::json& m : file.json["models"]) {
      ModelEntry entry;
      entry.model = &m;
      entry.results = &file;
      entry.label = m.value("label", "?");
      if (in.results.size() > 1) {
        entry.label = file.folder.filename().string() + "/" + entry.label;
        if (file.folder.filename().empty()) entry.label = file.folder.string() + entry.label;
      }
      const nlohmann::json& interval =
          m.contains("headline_interval") ? m["headline_interval"] : nlohmann::json();
      entry.headline = interval.is_object() ? interval.value("measure", "ndcg_cut_10")
                                            : std::string("ndcg_cut_10");
      in.models.push_back(std::move(entry));
    }
  }
  return in;
}

std::optional<double> number_at(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return std::nullopt;
  const auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

std::string fixed(std::optional<double> v, int decimals) {
  if (!v || !std::isfinite(*v)) return "-";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}

std::string cell_of(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "-";
  if (j.is_number_float()) {
    const double v = j.get<double>();
    char buf[64];
    std::snprintf(buf, sizeof buf, std::fabs(v) >= 1000 || v == std::floor(v) ? "%.1f" : "%.4f", v);
    return buf;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

double headline_mean(const ModelEntry& m) {
  const nlohmann::json& metrics = (*m.model)["metrics"];
  return number_at(metrics.value("mean", nlohmann::json::object()), m.headline.c_str())
      .value_or(std::nan(""));
}

std::optional<double> usd_per_million_documents(const nlohmann::json& model) {
  if (auto v = number_at(model.value("api_cost", nlohmann::json()), "usd_per_million_documents")) {
    return v;
  }
  // A "cost" object of a newer results.json: its number, or its total (else encode) figure,
  // under a key naming per million documents ("per_million_documents": {"total_usd", ...}).
  const nlohmann::json cost = model.value("cost", nlohmann::json());
  if (cost.is_object()) {
    for (const auto& [key, value] : cost.items()) {
      if (key.find("million_documents") == std::string::npos) continue;
      if (value.is_number()) return value.get<double>();
      for (const char* figure : {"total_usd", "encode_usd", "usd"}) {
        if (auto usd = number_at(value, figure)) return usd;
      }
    }
  }
  return std::nullopt;
}

std::string price_source(const nlohmann::json& model) {
  const nlohmann::json cost = model.value("cost", nlohmann::json());
  if (!cost.is_object() || !cost.contains("price") || !cost["price"].is_object()) return "";
  const nlohmann::json& price = cost["price"];
  std::string text = cell_of(price.value("provider", nlohmann::json())) + " " +
                     cell_of(price.value("model", nlohmann::json()));
  if (auto usd = number_at(price, "usd_per_mtok")) text += ", $" + fixed(usd, 4) + "/1M tokens";
  text += " (" + cell_of(price.value("source_url", nlohmann::json())) + ", table of " +
          cell_of(price.value("table_date", nlohmann::json())) + ")";
  return text;
}

std::vector<const nlohmann::json*> pairwise_tests(const JsonFile& results) {
  std::vector<const nlohmann::json*> tests;
  for (const char* key : {"significance", "pairwise", "comparisons", "tests"}) {
    const auto it = results.json.find(key);
    if (it == results.json.end()) continue;
    const nlohmann::json* list = &*it;
    if (list->is_object() && list->contains("tests")) list = &(*list)["tests"];
    if (!list->is_array()) continue;
    for (const nlohmann::json& t : *list) {
      if (t.is_object() && t.contains("a") && t.contains("b") && t.contains("p")) {
        tests.push_back(&t);
      }
    }
    if (!tests.empty()) break;
  }
  return tests;
}

}  // namespace report

ReportDocument gather_report(const ReportOptions& options) {
  using namespace report;
  if (options.folders.empty()) {
    throw InputError("report needs at least one results folder", {}, 0,
                     "embeval report results/ --out report.html");
  }
  ReportInputs in = load_report_inputs(options.folders);
  ReportDocument doc;
  doc.title = options.title;
  if (doc.title.empty()) {
    std::set<std::string> names;
    std::string joined;
    for (const JsonFile& f : in.results) {
      const std::string name = f.json.value("dataset", nlohmann::json::object()).value("name", "");
      if (names.insert(name).second) joined += (joined.empty() ? "" : ", ") + name;
    }
    doc.title = "embeval report" + (joined.empty() ? std::string() : ": " + joined);
  }
  for (const auto* list : {&in.results, &in.ann, &in.parity, &in.probes}) {
    for (const JsonFile& f : *list) doc.sources.push_back(f.path.string());
  }
  std::vector<std::string> notes = in.notes;
  if (!in.models.empty()) {
    doc.sections.push_back(summary_section(in));
    doc.sections.push_back(tradeoff_section(in));
    doc.sections.push_back(recall_section(in, notes));
    if (auto s = win_loss_section(in, options, notes)) doc.sections.push_back(std::move(*s));
  }
  if (auto s = ann_section(in)) doc.sections.push_back(std::move(*s));
  if (!in.models.empty()) doc.sections.push_back(card_section(in));
  if (auto s = tokenizer_section(in)) doc.sections.push_back(std::move(*s));
  if (auto s = probe_section(in)) doc.sections.push_back(std::move(*s));
  doc.notes = std::move(notes);
  return doc;
}

}  // namespace embeval
