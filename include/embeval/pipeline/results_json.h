// results.json: the versioned record of an evaluation (spec: docs/results-format.md).
// {"format": "embeval-results", "version": N, "dataset": {...}, "settings": {...},
//  "models": [{"spec", "label", "card", "timings", "metrics": {"mean", "per_query"}, ...}]}
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "embeval/pipeline/evaluation.h"

namespace embeval {

inline constexpr const char* kResultsFormat = "embeval-results";
// 2: per-model document_lengths / query_lengths (truncation) and cached_documents / queries.
// 3: the whole folder (models merged across invocations), written_by, dataset files, model
//    files and run checksums, per-model environment, load_s, headline_interval, run_depth,
//    notes; run_file and paths inside the folder relative to it. Versions 2 and 3 are read.
inline constexpr int kResultsVersion = 3;
inline constexpr int kOldestResultsVersionRead = 2;

[[nodiscard]] nlohmann::json to_json(const ModelResult& model);
// The "card" object (also used by ann.json).
[[nodiscard]] nlohmann::json card_to_json(const ModelCard& card);
// Throws InputError naming `source` when the JSON lacks a field or has the wrong type. A
// relative run_file is taken from `base_dir` (the folder holding results.json).
[[nodiscard]] ModelResult model_result_from_json(const nlohmann::json& j, const std::string& source,
                                                 const std::filesystem::path& base_dir = {});

[[nodiscard]] nlohmann::json to_json(const EvaluationResults& results);

// Atomic write of the whole results file.
void write_results_json(const std::filesystem::path& path, const EvaluationResults& results);

// Reads a results.json of version kOldestResultsVersionRead..kResultsVersion (fields a version 2
// file lacks stay empty); InputError naming the file otherwise.
[[nodiscard]] EvaluationResults read_results_json(const std::filesystem::path& path);

}  // namespace embeval
