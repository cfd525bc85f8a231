// format_recommendation(), format_recommendation_line() and recommendation_json().
#include <cstdio>
#include <nlohmann/json.hpp>

#include "embeval/decide/recommendation.h"

namespace embeval {
namespace {

template <typename... Args>
std::string format(const char* fmt, Args... args) {
  char buf[512];
  std::snprintf(buf, sizeof buf, fmt, args...);
  return buf;
}

std::string describe(const ModelVerdict& v, const std::string& measure) {
  std::string out = v.label + format(" (%s %.4f", measure.c_str(), v.quality);
  if (v.usd)
    out += *v.usd != 0 && *v.usd < 0.01 ? format(", $%.2g", *v.usd) : format(", $%.2f", *v.usd);
  if (v.query_ms > 0) out += format(", %.3g ms/query", v.query_ms);
  return out + ")";
}

std::string constraints_text(const RecommendConstraints& c) {
  std::string out;
  const auto add = [&](const std::string& s) { out += (out.empty() ? "" : ", ") + s; };
  if (c.max_query_ms) add(format("query <= %g ms", *c.max_query_ms));
  if (c.max_index_gib) add(format("index <= %g GiB", *c.max_index_gib));
  if (c.max_usd) add(format("cost <= $%g", *c.max_usd));
  if (c.min_recall_at_100) add(format("recall@100 >= %g", *c.min_recall_at_100));
  if (!c.languages.empty()) {
    std::string langs;
    for (const std::string& l : c.languages) langs += (langs.empty() ? "" : ",") + l;
    add("languages " + langs);
  }
  return out.empty() ? "none" : out;
}

nlohmann::ordered_json optional_number(const std::optional<double>& v) {
  return v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

}  // namespace

std::string format_recommendation(const Recommendation& r) {
  std::string out =
      "constraints: " + constraints_text(r.constraints) + "; measure " + r.measure + "\n";
  if (r.best) out += "best: " + describe(r.models[*r.best], r.measure) + "\n";
  if (r.recommended) {
    out += "recommended: " + describe(r.models[*r.recommended], r.measure) + ", the cheapest (by " +
           r.cheapest_by + ") not significantly worse than the best\n";
  }
  for (const std::string& n : r.notes) out += "note: " + n + "\n";
  for (const ModelVerdict& v : r.models) {
    if (v.reasons.empty()) continue;
    out += "  " + v.label + ": ";
    for (std::size_t i = 0; i < v.reasons.size(); ++i) out += (i ? "; " : "") + v.reasons[i];
    out += "\n";
  }
  return out;
}

std::string format_recommendation_line(const Recommendation& r) {
  if (!r.best) return "recommendation: none (" + (r.notes.empty() ? "" : r.notes[0]) + ")\n";
  std::string out = "recommendation: " + r.models[*r.best].label + " is best on " + r.measure;
  if (!r.tested) {
    out += " (no paired tests on it: the cheapest equivalent is not known)";
  } else if (r.recommended && *r.recommended != *r.best) {
    out += "; " + r.models[*r.recommended].label + " is cheaper (by " + r.cheapest_by +
           ") and not significantly worse";
  } else if (r.recommended) {
    out += " and the cheapest (by " + r.cheapest_by + ") of those not significantly worse";
  }
  return out + " (embeval recommend OUT; docs/recommend.md)\n";
}

std::string recommendation_json(const Recommendation& r) {
  nlohmann::ordered_json j;
  nlohmann::ordered_json c;
  c["max_query_ms"] = optional_number(r.constraints.max_query_ms);
  c["max_index_gib"] = optional_number(r.constraints.max_index_gib);
  c["max_usd"] = optional_number(r.constraints.max_usd);
  c["min_recall_at_100"] = optional_number(r.constraints.min_recall_at_100);
  c["languages"] = r.constraints.languages;
  j["constraints"] = std::move(c);
  j["measure"] = r.measure;
  j["cheapest_by"] = r.cheapest_by;
  j["best"] = r.best ? nlohmann::ordered_json(r.models[*r.best].label) : nullptr;
  j["recommended"] =
      r.recommended ? nlohmann::ordered_json(r.models[*r.recommended].label) : nullptr;
  j["notes"] = r.notes;
  nlohmann::ordered_json models = nlohmann::ordered_json::array();
  for (const ModelVerdict& v : r.models) {
    nlohmann::ordered_json m;
    m["label"] = v.label;
    m["quality"] = v.quality;
    m["query_ms"] = v.query_ms;
    m["index_gib"] = v.index_gib;
    m["usd"] = optional_number(v.usd);
    m["recall_at_100"] = optional_number(v.recall_at_100);
    m["languages"] = v.languages;
    m["meets_constraints"] = v.meets_constraints;
    m["reasons"] = v.reasons;
    models.push_back(std::move(m));
  }
  j["models"] = std::move(models);
  return j.dump(1) + "\n";
}

}  // namespace embeval
