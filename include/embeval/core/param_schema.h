// The declarative parameter schema of a spec family (an encoder such as `bm25`, an index such as
// `hnsw`): each parameter's type, default, range and one line of help. Both registries
// (models/registry.h, ann/index_registry.h) hold one schema per family; from it come the key
// check, the value checks, the canonical spec, the `--help` lines and the docs tables, so none
// of these can drift from another.
//
// The canonical-spec policy, the same for encoders and indexes: a canonical spec lists every
// parameter whose default is a fixed value, written out (`bm25` -> `bm25?analyzer=english&b=0.4&
// k1=0.9`), with values in one spelling (numbers shortest-exact, integers in decimal, booleans
// `true`/`false`, `auto` kept as `auto`), so a recorded spec rebuilds the same encoder or index
// even if a default changes. Two kinds of parameter are the exception, marked in their rule:
// a default the family resolves from the file it reads (a GGUF's pooling, a vector file's format)
// is written out by the family once resolved; an option that is off unless given (`window`) is
// left out when absent, so turning it on is the only way it appears.
//
// Schemas are immutable values built once (function-local statics in the registries); every
// function here is pure and thread-safe.
#pragma once

#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/model_spec.h"

namespace embeval {

enum class ParamType {
  kInteger,  // decimal, within [min, max]
  kNumber,   // a finite real number within [min, max] (or (min, max] when min_exclusive)
  kBoolean,  // true|false (1|0 and yes|no accepted, written true|false)
  kChoice,   // one of `choices`, exactly as listed
  kText,     // any text (the family checks it further: analyzer names, prefixes)
};

// What a canonical spec holds when the parameter is absent (see the policy above).
enum class ParamAbsent {
  kWrittenOut,        // the default value, `fallback`
  kResolvedByFamily,  // the family writes the value it resolves (or leaves it out if it can't)
  kLeftOut,           // nothing: an option that is off, or whose default the family decides
};

// Every member has a default, so a rule is written with designated initializers naming only what
// differs.
struct ParamRule {
  std::string key{};
  ParamType type = ParamType::kText;
  std::string fallback{};  // the default as a spec writes it ("0.9", "auto", "true"); may be ""
  double min = -std::numeric_limits<double>::infinity();  // kInteger, kNumber
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false;          // kNumber: min itself is refused (sif_a > 0)
  std::vector<std::string> choices{};  // kChoice
  bool allows_auto = false;            // `auto` is accepted besides the type's values
  ParamAbsent absent = ParamAbsent::kWrittenOut;
  std::string help{};          // one line: what it does, usual values
  std::string default_help{};  // the default in words when it is not a fixed value ("by family")
};

struct ParamSchema {
  std::string family;     // "bm25", "hnsw": the spec's scheme
  std::string path_help;  // what `family:PATH` names ("a GGUF file"); "" = the family takes no path
  std::vector<ParamRule> rules;  // in the order help and docs list them

  // The rule for `key`, or nullptr.
  [[nodiscard]] const ParamRule* find(std::string_view key) const;
};

// InputError when `spec` has a key outside the schema: names the unknown keys and lists the known
// ones (keys are case-sensitive).
void check_known_keys(const ParamSchema& schema, const ModelSpec& spec);

// A number as a spec writes it: the shortest text that reads back as the same double, so a
// printed spec rebuilds the same encoder or index.
[[nodiscard]] std::string format_spec_number(double v);

// `value` checked against `rule` and written in its canonical spelling. InputError naming the
// spec, the key, the value and the accepted range or choices, with the rule's help as the hint.
[[nodiscard]] std::string canonical_value(const ParamRule& rule, const std::string& value,
                                          const ModelSpec& spec);

// check_known_keys, canonical_value for every given parameter, and every absent kWrittenOut
// parameter's default added. Scheme and path are kept as they are (the registry resolves
// aliases and paths). Parameters resolved by the family are left for the family to add.
[[nodiscard]] ModelSpec canonicalise(const ParamSchema& schema, const ModelSpec& spec);

// One line for --help: "k1=0.9 b=0.4 analyzer=english", a `PATH` first when the family takes
// one; a parameter without a fixed default shows its choices or its type ("pooling=mean|cls|last",
// "window=N").
[[nodiscard]] std::string parameters_line(const ParamSchema& schema);

// The docs table (GitHub Markdown, one row per parameter, a trailing newline):
// | key | type | default | meaning |
[[nodiscard]] std::string markdown_table(const ParamSchema& schema);

}  // namespace embeval
