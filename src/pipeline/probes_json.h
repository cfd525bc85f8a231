// The "probes" object of a model in results.json and models/<label>.json (eval --probes;
// docs/results-format.md): written and read back exactly, so a resumed model keeps its probes.
#pragma once

#include <nlohmann/json.hpp>

#include "embeval/probe/model_probes.h"

namespace embeval::records {

[[nodiscard]] nlohmann::json probes_to_json(const ModelProbes& probes);
// Throws nlohmann::json exceptions on a malformed object (the caller names the file).
[[nodiscard]] ModelProbes probes_from_json(const nlohmann::json& j);

}  // namespace embeval::records
