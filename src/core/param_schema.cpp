#include "embeval/core/param_schema.h"

#include <charconv>
#include <cmath>
#include <cstdlib>

#include "embeval/core/error.h"

namespace embeval {
namespace {

std::string format_bound(const ParamRule& rule, double v) {
  if (rule.type == ParamType::kInteger) return std::to_string(static_cast<long long>(v));
  return format_spec_number(v);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

// "in [0, 1]", "> 0", ">= 1", "" when unbounded.
std::string range_text(const ParamRule& rule) {
  const bool low = std::isfinite(rule.min);
  const bool high = std::isfinite(rule.max);
  if (low && high) {
    return std::string("in ") + (rule.min_exclusive ? "(" : "[") + format_bound(rule, rule.min) +
           ", " + format_bound(rule, rule.max) + "]";
  }
  if (low) return (rule.min_exclusive ? "> " : ">= ") + format_bound(rule, rule.min);
  if (high) return "<= " + format_bound(rule, rule.max);
  return "";
}

// "integer in [2, 512]", "number > 0", "true or false", "one of mean, tfidf, sif", "text";
// with " or auto" when auto is accepted.
std::string accepted_values(const ParamRule& rule) {
  std::string out;
  switch (rule.type) {
    case ParamType::kInteger:
    case ParamType::kNumber: {
      out = rule.type == ParamType::kInteger ? "integer" : "number";
      const std::string range = range_text(rule);
      if (!range.empty()) out += " " + range;
      break;
    }
    case ParamType::kBoolean:
      out = "true or false";
      break;
    case ParamType::kChoice:
      out = "one of " + join(rule.choices, ", ");
      break;
    case ParamType::kText:
      out = "text";
      break;
  }
  if (rule.allows_auto) out += " or auto";
  return out;
}

bool in_range(const ParamRule& rule, double v) {
  const bool above = rule.min_exclusive ? v > rule.min : v >= rule.min;
  return above && v <= rule.max;
}

[[noreturn]] void refuse(const ParamRule& rule, const std::string& value, const ModelSpec& spec) {
  const std::string article = rule.type == ParamType::kInteger ? "an " : "a ";
  const bool needs_article = rule.type == ParamType::kInteger || rule.type == ParamType::kNumber;
  throw InputError(
      "spec '" + spec.to_string() + "': " + rule.key + " must be " +
          (needs_article ? article : "") + accepted_values(rule) + ", got '" + value + "'",
      {}, 0, rule.help + (rule.fallback.empty() ? "" : " (default " + rule.fallback + ")"));
}

}  // namespace

std::string format_spec_number(double v) {
  char buf[32];
  const auto result = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, result.ptr);
}

const ParamRule* ParamSchema::find(std::string_view key) const {
  for (const auto& rule : rules) {
    if (rule.key == key) return &rule;
  }
  return nullptr;
}

void check_known_keys(const ParamSchema& schema, const ModelSpec& spec) {
  std::vector<std::string> unknown;
  for (const auto& [key, value] : spec.params) {
    if (schema.find(key) == nullptr) unknown.push_back(key);
  }
  if (unknown.empty()) return;
  std::vector<std::string> known;
  for (const auto& rule : schema.rules) known.push_back(rule.key);
  throw InputError(
      "spec '" + spec.to_string() + "' has unknown parameter(s): " + join(unknown, ", "), {}, 0,
      known.empty() ? schema.family + " takes no parameters"
                    : "parameters of " + schema.family + ": " + join(known, ", ") +
                          " (names are case-sensitive)");
}

std::string canonical_value(const ParamRule& rule, const std::string& value,
                            const ModelSpec& spec) {
  if (rule.allows_auto && value == "auto") return value;
  switch (rule.type) {
    case ParamType::kInteger: {
      long v = 0;
      const char* first = value.data();
      const char* last = first + value.size();
      const auto [end, ec] = std::from_chars(first, last, v);
      if (ec != std::errc() || end != last || !in_range(rule, static_cast<double>(v))) {
        refuse(rule, value, spec);
      }
      return std::to_string(v);
    }
    case ParamType::kNumber: {
      char* end = nullptr;
      const double v = std::strtod(value.c_str(), &end);
      if (value.empty() || *end != '\0' || !std::isfinite(v) || !in_range(rule, v)) {
        refuse(rule, value, spec);
      }
      return format_spec_number(v);
    }
    case ParamType::kBoolean:
      if (value == "true" || value == "1" || value == "yes") return "true";
      if (value == "false" || value == "0" || value == "no") return "false";
      refuse(rule, value, spec);
    case ParamType::kChoice:
      for (const auto& choice : rule.choices) {
        if (choice == value) return value;
      }
      refuse(rule, value, spec);
    case ParamType::kText:
      return value;
  }
  EMBEVAL_CHECK(false, "unhandled parameter type of " + rule.key);
}

ModelSpec canonicalise(const ParamSchema& schema, const ModelSpec& spec) {
  check_known_keys(schema, spec);
  ModelSpec out;
  out.scheme = spec.scheme;
  out.path = spec.path;
  for (const auto& [key, value] : spec.params) {
    out.params[key] = canonical_value(*schema.find(key), value, spec);
  }
  for (const auto& rule : schema.rules) {
    if (rule.absent == ParamAbsent::kWrittenOut) out.params.try_emplace(rule.key, rule.fallback);
  }
  return out;
}

std::string parameters_line(const ParamSchema& schema) {
  std::vector<std::string> items;
  if (!schema.path_help.empty()) items.push_back("PATH");
  for (const auto& rule : schema.rules) {
    std::string value;
    if (rule.type == ParamType::kChoice) {
      value = join(rule.choices, "|");
    } else if (rule.absent == ParamAbsent::kWrittenOut && !rule.fallback.empty()) {
      value = rule.fallback;
    } else if (rule.type == ParamType::kInteger) {
      value = "N";
    } else if (rule.type == ParamType::kNumber) {
      value = "X";
    } else if (rule.type == ParamType::kBoolean) {
      value = "true|false";
    }
    items.push_back(rule.key + "=" + value);
  }
  return join(items, " ");
}

std::string markdown_table(const ParamSchema& schema) {
  std::string out = "| key | values | default | meaning |\n| --- | --- | --- | --- |\n";
  for (const auto& rule : schema.rules) {
    std::string fallback = rule.default_help;
    if (fallback.empty() && !rule.fallback.empty()) fallback = "`" + rule.fallback + "`";
    out += "| `" + rule.key + "` | " + accepted_values(rule) + " | " + fallback + " | " +
           rule.help + " |\n";
  }
  return out;
}

}  // namespace embeval
