// ann.json: the versioned record of an `embeval ann` run (spec: docs/ann.md).
// {"format": "embeval-ann", "version": 1, "dataset": {...}, "model": {...}, "settings": {...},
//  "exact": {...}, "points": [...], "truncation": [...], "precision": [...], "sweep": {...},
//  "sparse": {...}, "notes": [...]}
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

#include "embeval/pipeline/ann_evaluation.h"

namespace embeval {

inline constexpr const char* kAnnFormat = "embeval-ann";
inline constexpr int kAnnVersion = 1;

[[nodiscard]] nlohmann::json to_json(const AnnResults& results);

// Atomic write (temp file, fsync, rename).
void write_ann_json(const std::filesystem::path& path, const AnnResults& results);

}  // namespace embeval
