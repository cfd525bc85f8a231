// `embeval report`'s data gathering: results folders -> a ReportDocument (report_document.h).
// Reads each folder's results.json (pipeline/results_json.h), and every ann.json, parity and
// probe JSON file in the folder or one level below; computes what the files do not hold
// (recall@k curves from the run files and qrels, Pareto fronts, per-query wins and losses with
// the query texts from the dataset's queries.jsonl). Pairwise significance tests and costs are
// shown when results.json carries them and skipped otherwise, with a note. Reads only; no
// shared state, thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "embeval/report/report_document.h"

namespace embeval {

struct ReportOptions {
  std::vector<std::filesystem::path> folders;  // results folders, at least one
  std::string title;                           // empty: "embeval report: DATASET, ..."
  // The two models whose per-query values are compared (labels as the summary table prints
  // them); empty: the two best by the headline measure.
  std::string compare_a, compare_b;
  int examples = 5;  // biggest wins and losses listed with their query texts
};

// InputError when a folder does not exist or holds no results.json and no ann.json, when a
// results.json or ann.json is not one (wrong format or version), or when --compare names an
// unknown model.
[[nodiscard]] ReportDocument gather_report(const ReportOptions& options);

}  // namespace embeval
