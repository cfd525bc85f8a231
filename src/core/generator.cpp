#include "embeval/core/generator.h"

#include "embeval/core/error.h"
#include "embeval/core/param_schema.h"

namespace embeval {

void check_generation_options(const GenerationOptions& options) {
  const auto bad = [](const std::string& what, const std::string& hint) {
    throw InputError("generation option " + what, {}, 0, hint);
  };
  if (options.max_tokens == 0) bad("max_tokens must be > 0", "e.g. --max-tokens 256");
  if (!(options.temperature >= 0.0)) {
    bad("temperature must be >= 0 (got " + format_spec_number(options.temperature) + ")",
        "0 = greedy; 0.7-1.0 samples");
  }
  if (!(options.top_p > 0.0 && options.top_p <= 1.0)) {
    bad("top_p must be in (0, 1] (got " + format_spec_number(options.top_p) + ")",
        "0.95 keeps the tokens making up 95% of the probability");
  }
  if (options.top_k < 0) {
    bad("top_k must be >= 0 (got " + std::to_string(options.top_k) + ")", "0 = no top-k cut");
  }
  for (const auto& s : options.stop) {
    if (s.empty()) bad("stop strings must not be empty", "drop the empty stop string");
  }
}

std::string sampling_label(const GenerationOptions& options) {
  return "max_tokens=" + std::to_string(options.max_tokens) +
         "&seed=" + std::to_string(options.seed) +
         "&temperature=" + format_spec_number(options.temperature) +
         "&top_k=" + std::to_string(options.top_k) + "&top_p=" + format_spec_number(options.top_p);
}

}  // namespace embeval
