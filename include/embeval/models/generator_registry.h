// One registry from generator spec schemes to implementations (core/generator.h), like the
// encoder registry (registry.h): `gguf:CHAT.gguf?ctx=4096` is a local chat model through
// llama.cpp; `openai-chat:MODEL?base_url=...` (a hosted OpenAI-compatible chat endpoint) is added
// by the remote layer's client. A family is one row of the table in generator_registry.cpp: its
// scheme, a line of help, its parameter schema (param_schema.h: key checks, canonical spec,
// --help), and two functions, make and check. Adding a family is adding a row.
//
// Everything here is thread-safe (the table is immutable); a built generator is not (one caller
// at a time, generator.h).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/generator.h"
#include "embeval/core/model_spec.h"
#include "embeval/core/param_schema.h"

namespace embeval {

struct GeneratorKind {
  std::string scheme;   // "gguf", "openai-chat"
  std::string summary;  // one line for --help
  // The family's parameters (param_schema.h). Static storage.
  const ParamSchema* schema = nullptr;
  // The spec's path names a file (a GGUF); false when it names a model a server resolves.
  bool path_is_file = true;
};

// Every registered family, in a stable order ("gguf" only when llama.cpp was available at build).
[[nodiscard]] const std::vector<GeneratorKind>& generator_kinds();

// True when the family `scheme` is built into this binary.
[[nodiscard]] bool has_generator_family(std::string_view scheme);

// Builds the generator for `spec` (loading the model). InputError for an unknown scheme (listing
// the known ones), unknown parameters, bad values, or a missing or unusable model file.
[[nodiscard]] std::unique_ptr<Generator> make_generator(const ModelSpec& spec);
[[nodiscard]] inline std::unique_ptr<Generator> make_generator(std::string_view spec) {
  return make_generator(ModelSpec::parse(spec));
}

// Checks `spec` as make_generator() would, loading no model, and returns its canonical spec
// (equal to the built generator's spec()). InputError like make_generator().
[[nodiscard]] std::string check_generator_spec(const ModelSpec& spec);

}  // namespace embeval
