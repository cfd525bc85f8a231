// --help text generated from the two registries (encoders, indexes) and their parameter schemas
// (param_schema.h), so it can't drift from the code.
#pragma once

#include <string>

#include "embeval/ann/index_registry.h"
#include "embeval/core/param_schema.h"
#include "embeval/models/registry.h"
#include "embeval/models/reranker_registry.h"

namespace embeval::cli {

inline std::string model_kinds_help() {
  std::string out = "Families:";
  for (const auto& kind : encoder_kinds()) {
    out += "\n  " + kind.scheme + ": " + kind.summary;
    const std::string parameters = parameters_line(*kind.schema);
    if (!parameters.empty()) out += " [" + parameters + "]";
  }
  return out;
}

// One line per reranker family, as model_kinds_help().
inline std::string reranker_kinds_help() {
  std::string out = "Reranker families:";
  for (const auto& kind : reranker_kinds()) {
    out += "\n  " + kind.scheme + ": " + kind.summary;
    const std::string parameters = parameters_line(*kind.schema);
    if (!parameters.empty()) out += " [" + parameters + "]";
  }
  return out;
}

// One line per index kind: "name (ALIAS): summary [key=default ...]".
inline std::string index_kinds_help() {
  std::string out = "Indexes:";
  for (const auto& kind : ann_index_kinds()) {
    out += "\n  " + kind.name;
    for (const auto& alias : kind.aliases) out += " (" + alias + ")";
    out += ": " + kind.summary;
    const std::string parameters = parameters_line(kind.schema);
    if (!parameters.empty()) out += " [" + parameters + "]";
  }
  return out;
}

// docs/ann.md's table of index kinds (GitHub Markdown).
inline std::string index_kinds_markdown() {
  std::string out =
      "| index (alias) | takes | what it is | parameters | search knob |\n"
      "| --- | --- | --- | --- | --- |\n";
  for (const auto& kind : ann_index_kinds()) {
    std::string name = "`" + kind.name + "`";
    for (const auto& alias : kind.aliases) name += " (" + alias + ")";
    const char* takes = kind.input == IndexInput::kDense    ? "dense"
                        : kind.input == IndexInput::kSparse ? "sparse"
                        : kind.input == IndexInput::kChunks ? "chunks"
                                                            : "token vectors";
    std::string parameters;
    for (const auto& rule : kind.schema.rules) {
      parameters += (parameters.empty() ? "`" : ", `") + rule.key + "=" + rule.fallback + "`";
    }
    const std::string knob = kind.search_parameter.empty() ? "" : "`" + kind.search_parameter + "`";
    out += "| " + name + " | " + takes + " | " + kind.summary + " | " + parameters + " | " + knob +
           " |\n";
  }
  return out;
}

// docs/ann.md's table of index parameters: each key once (a key means the same in every index
// that takes it).
inline std::string index_parameters_markdown() {
  ParamSchema all{"indexes", "", {}};
  for (const auto& kind : ann_index_kinds()) {
    for (const auto& rule : kind.schema.rules) {
      if (all.find(rule.key) == nullptr) all.rules.push_back(rule);
    }
  }
  return markdown_table(all);
}

}  // namespace embeval::cli
