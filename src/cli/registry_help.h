// --help text generated from the encoder registry, so it can't drift from the code.
#pragma once

#include <string>

#include "embeval/models/registry.h"

namespace embeval::cli {

inline std::string model_kinds_help() {
  std::string out = "Families:";
  for (const auto& kind : encoder_kinds()) {
    out += "\n  " + kind.scheme + ": " + kind.summary;
    if (!kind.parameters.empty()) out += " [" + kind.parameters + "]";
  }
  return out;
}

}  // namespace embeval::cli
