// HybridSpec::parse and to_string. The component list is split by hand (ModelSpec::parse would
// take the first '?' inside the parentheses for the hybrid's own parameters).
#include "embeval/fusion/hybrid_spec.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

#include "embeval/core/error.h"

namespace embeval {
namespace {

constexpr std::string_view kPrefix = "hybrid:";

[[noreturn]] void bad(std::string_view spec, const std::string& what) {
  throw InputError("hybrid spec '" + std::string(spec) + "': " + what, {}, 0,
                   "e.g. hybrid:rrf(bm25,static:w.bin)?k=60 or "
                   "hybrid:wsum(bm25,static:w.bin)?norm=minmax&weights=0.3,0.7");
}

double parse_number(std::string_view spec, std::string_view key, std::string_view text) {
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    bad(spec, std::string(key) + "=" + std::string(text) + " is not a number");
  }
  return value;
}

std::size_t parse_count(std::string_view spec, std::string_view key, std::string_view text) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    bad(spec, std::string(key) + "=" + std::string(text) + " is not a whole number");
  }
  return value;
}

std::string number_text(double value) {
  char buffer[64];
  const auto res = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, res.ptr);
}

}  // namespace

bool is_hybrid_spec(std::string_view text) { return text.starts_with(kPrefix); }

HybridSpec HybridSpec::parse(std::string_view text) {
  if (!is_hybrid_spec(text)) bad(text, "does not start with 'hybrid:'");
  const std::string_view body = text.substr(kPrefix.size());
  const std::size_t open = body.find('(');
  if (open == std::string_view::npos) bad(text, "no '(' after the method");
  HybridSpec spec;
  spec.fusion.method = parse_fusion_method(body.substr(0, open));
  // Components: split at top-level commas up to the matching ')'.
  int nesting = 0;
  std::size_t close = std::string_view::npos;
  std::size_t start = open + 1;
  for (std::size_t i = open + 1; i < body.size(); ++i) {
    const char c = body[i];
    if (c == '(') ++nesting;
    if (c == ')' && nesting-- == 0) {
      close = i;
      break;
    }
    if (c == ',' && nesting == 0) {
      spec.components.emplace_back(body.substr(start, i - start));
      start = i + 1;
    }
  }
  if (close == std::string_view::npos) bad(text, "no ')' closes the component list");
  spec.components.emplace_back(body.substr(start, close - start));
  for (const std::string& c : spec.components) {
    if (c.empty()) bad(text, "an empty component");
    if (is_hybrid_spec(c)) bad(text, "a hybrid cannot be a component of a hybrid");
  }
  if (spec.components.size() < 2) bad(text, "a hybrid needs at least 2 components");

  std::string_view rest = body.substr(close + 1);
  bool k_given = false;
  if (!rest.empty()) {
    if (rest.front() != '?') bad(text, "expected '?key=value' after ')'");
    rest.remove_prefix(1);
    std::map<std::string, bool> seen;
    while (!rest.empty()) {
      const std::size_t amp = rest.find('&');
      const std::string_view pair = rest.substr(0, amp);
      rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos) bad(text, "'" + std::string(pair) + "' is not key=value");
      const std::string key(pair.substr(0, eq));
      const std::string_view value = pair.substr(eq + 1);
      if (seen[key]) bad(text, "'" + key + "' is given twice");
      seen[key] = true;
      if (key == "k") {
        spec.fusion.rrf_k = parse_number(text, key, value);
        k_given = true;
      } else if (key == "norm") {
        spec.fusion.norm = parse_score_normalization(value);
      } else if (key == "weights") {
        std::string_view list = value;
        while (true) {
          const std::size_t comma = list.find(',');
          spec.fusion.weights.push_back(parse_number(text, key, list.substr(0, comma)));
          if (comma == std::string_view::npos) break;
          list.remove_prefix(comma + 1);
        }
      } else if (key == "depth") {
        spec.fusion.depth = parse_count(text, key, value);
      } else if (key == "tune") {
        spec.tune_split = std::string(value);
        const bool plain = !value.empty() && value != "." && value != ".." &&
                           std::all_of(value.begin(), value.end(), [](char c) {
                             return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' ||
                                    c == '_' || c == '.';
                           });
        if (!plain) bad(text, "tune=" + std::string(value) + " is not a split name");
      } else if (key == "cv") {
        spec.cv_folds = parse_count(text, key, value);
        if (spec.cv_folds < 2) bad(text, "cv needs at least 2 folds");
      } else {
        bad(text, "unknown key '" + key + "' (known: cv, depth, k, norm, tune, weights)");
      }
    }
  }
  if (k_given && spec.fusion.method != FusionMethod::rrf) bad(text, "k applies to rrf only");
  spec.rrf_k_given = k_given;
  if (spec.cv_folds != 0 && !spec.tune_split.empty()) {
    bad(text, "cv and tune are two ways to tune: give one");
  }
  if (spec.cv_folds != 0 || !spec.tune_split.empty()) {
    if (!spec.fusion.weights.empty() || k_given) {
      bad(text, std::string(spec.cv_folds != 0 ? "cv" : "tune") +
                    " tunes the weights (and k for rrf): do not give them too");
    }
    if (!fusion_method_uses_weights(spec.fusion.method)) {
      bad(text, std::string(fusion_method_name(spec.fusion.method)) + " has nothing to tune");
    }
  }
  check_fusion_options(spec.fusion, spec.components.size());
  return spec;
}

std::string HybridSpec::to_string() const {
  std::string out = std::string(kPrefix) + std::string(fusion_method_name(fusion.method)) + "(";
  for (std::size_t i = 0; i < components.size(); ++i) {
    if (i != 0) out += ',';
    out += components[i];
  }
  out += ')';
  std::vector<std::string> pairs;  // in key order: cv, depth, k, norm, tune, weights
  if (cv_folds != 0) pairs.push_back("cv=" + std::to_string(cv_folds));
  if (fusion.depth != 0) pairs.push_back("depth=" + std::to_string(fusion.depth));
  if (fusion.method == FusionMethod::rrf && cv_folds == 0 && tune_split.empty()) {
    pairs.push_back("k=" + number_text(fusion.rrf_k));
  }
  if (fusion_method_uses_norm(fusion.method)) {
    pairs.push_back("norm=" + std::string(score_normalization_name(fusion.norm)));
  }
  if (!tune_split.empty()) pairs.push_back("tune=" + tune_split);
  if (!fusion.weights.empty()) {
    std::string list;
    for (const double w : fusion.weights) {
      if (!list.empty()) list += ',';
      list += number_text(w);
    }
    pairs.push_back("weights=" + list);
  }
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += pairs[i];
  }
  return out;
}

}  // namespace embeval
