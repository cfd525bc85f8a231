// results.json: the versioned record of an evaluation (spec: docs/results-format.md).
// {"format": "embeval-results", "version": N, "dataset": {...}, "settings": {...},
//  "models": [{"spec", "label", "card", "timings", "metrics": {"mean", "per_query"}, ...}]}
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "embeval/evaluation.h"

namespace embeval {

inline constexpr const char* kResultsFormat = "embeval-results";
// 2: per-model document_lengths / query_lengths (truncation) and cached_documents / queries.
inline constexpr int kResultsVersion = 2;

[[nodiscard]] nlohmann::json to_json(const ModelResult& model);
// The "card" object (also used by ann.json).
[[nodiscard]] nlohmann::json card_to_json(const ModelCard& card);
// Throws InputError naming `source` when the JSON lacks a field or has the wrong type.
[[nodiscard]] ModelResult model_result_from_json(const nlohmann::json& j,
                                                 const std::string& source);

[[nodiscard]] nlohmann::json to_json(const EvaluationResults& results);

// Atomic write of the whole results file.
void write_results_json(const std::filesystem::path& path, const EvaluationResults& results);

// Reads a results.json written by this or an older compatible version; InputError otherwise.
[[nodiscard]] EvaluationResults read_results_json(const std::filesystem::path& path);

}  // namespace embeval
