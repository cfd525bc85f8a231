#include "embeval/models/generator_registry.h"

#include "embeval/core/error.h"
#include "embeval/remote/openai_chat_generator.h"
#ifdef EMBEVAL_HAVE_LLAMA
#include "embeval/gguf/gguf_chat_generator.h"
#endif

namespace embeval {
namespace {

using Factory = std::unique_ptr<Generator> (*)(const ModelSpec&);
using Checker = std::string (*)(const ModelSpec&);  // see check_generator_spec()

struct Entry {
  GeneratorKind kind;
  Factory make;
  Checker check;
};

// The one table from generator schemes to implementations. Rows are added here: the local GGUF
// chat model (gguf layer, only with llama.cpp) and the hosted OpenAI-compatible chat client
// (remote layer).
const std::vector<Entry>& entries() {
  static const std::vector<Entry> kEntries = {
#ifdef EMBEVAL_HAVE_LLAMA
      {{"gguf", "A local chat model (GGUF causal LM) through llama.cpp, with its own chat template",
        &gguf_chat_param_schema()},
       make_gguf_chat_generator,
       check_gguf_chat_spec},
#endif
      {{"openai-chat", "A hosted or served OpenAI-compatible /chat/completions endpoint",
        &openai_chat_param_schema(), false},
       make_openai_chat_generator,
       [](const ModelSpec& spec) { return check_openai_chat_spec(spec); }},
  };
  return kEntries;
}

const Entry& entry_for(const ModelSpec& spec) {
  for (const auto& e : entries()) {
    if (e.kind.scheme == spec.scheme) return e;
  }
  std::string known;
  for (const auto& e : entries()) known += (known.empty() ? "" : ", ") + e.kind.scheme;
  throw InputError(
      "unknown generator family '" + spec.scheme + "' in spec '" + spec.to_string() + "'", {}, 0,
      known.empty() ? "no generator family is built into this binary"
                    : "known generator families: " + known);
}

}  // namespace

const std::vector<GeneratorKind>& generator_kinds() {
  static const std::vector<GeneratorKind> kKinds = [] {
    std::vector<GeneratorKind> kinds;
    for (const auto& e : entries()) kinds.push_back(e.kind);
    return kinds;
  }();
  return kKinds;
}

bool has_generator_family(std::string_view scheme) {
  for (const auto& e : entries()) {
    if (e.kind.scheme == scheme) return true;
  }
  return false;
}

std::unique_ptr<Generator> make_generator(const ModelSpec& spec) {
  return entry_for(spec).make(spec);
}

std::string check_generator_spec(const ModelSpec& spec) { return entry_for(spec).check(spec); }

}  // namespace embeval
