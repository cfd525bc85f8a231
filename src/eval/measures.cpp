// Parsing of trec_eval-style measure arguments and the print order.
#include "embeval/eval/measures.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "embeval/core/error.h"

namespace embeval {
namespace {

struct Family {
  const char* name;  // as given to -m
  MeasureKind kind;
  bool has_cutoffs;
  std::vector<long> default_cutoffs;
};

// trec_eval's measure table order (measures.c) decides the print order; ours come last.
const std::vector<Family>& families() {
  static const std::vector<long> kStd = {5, 10, 15, 20, 30, 100, 200, 500, 1000};
  static const std::vector<Family> kFamilies = {
      {"num_q", MeasureKind::kNumQ, false, {}},
      {"num_ret", MeasureKind::kNumRet, false, {}},
      {"num_rel", MeasureKind::kNumRel, false, {}},
      {"num_rel_ret", MeasureKind::kNumRelRet, false, {}},
      {"map", MeasureKind::kMap, false, {}},
      {"Rprec", MeasureKind::kRprec, false, {}},
      {"recip_rank", MeasureKind::kRecipRank, false, {}},
      {"P", MeasureKind::kP, true, kStd},
      {"recall", MeasureKind::kRecall, true, kStd},
      {"ndcg", MeasureKind::kNdcg, false, {}},
      {"ndcg_cut", MeasureKind::kNdcgCut, true, kStd},
      {"map_cut", MeasureKind::kMapCut, true, kStd},
      {"success", MeasureKind::kSuccess, true, {1, 5, 10}},
      {"recall_cap", MeasureKind::kRecallCap, true, {10, 100}},
      {"mrr_cut", MeasureKind::kMrrCut, true, {10}},
  };
  return kFamilies;
}

std::string known_list() {
  std::string out;
  for (const auto& f : families()) {
    out += (out.empty() ? "" : " ") + std::string(f.name) + (f.has_cutoffs ? ".K" : "");
  }
  return out;
}

std::size_t family_index(MeasureKind kind) {
  const auto& fs = families();
  for (std::size_t i = 0; i < fs.size(); ++i) {
    if (fs[i].kind == kind) return i;
  }
  return fs.size();
}

std::vector<long> parse_cutoffs(std::string_view text, const std::string& arg) {
  std::vector<long> cutoffs;
  if (text.empty() || text.back() == ',') {
    throw InputError("measure '" + arg + "' has an empty cutoff", {}, 0,
                     "write e.g. ndcg_cut.10,100");
  }
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    long value = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size() || value <= 0) {
      throw InputError(
          "measure '" + arg + "': cutoff '" + std::string(part) + "' is not a positive integer", {},
          0, "write e.g. ndcg_cut.10,100");
    }
    cutoffs.push_back(value);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
  }
  return cutoffs;
}

void add_family(const Family& f, const std::vector<long>& cutoffs, std::vector<Measure>& out) {
  if (!f.has_cutoffs) {
    out.push_back({f.kind, 0, f.name});
    return;
  }
  for (long k : cutoffs) out.push_back({f.kind, k, std::string(f.name) + "_" + std::to_string(k)});
}

}  // namespace

bool Measure::is_count() const {
  return kind == MeasureKind::kNumQ || kind == MeasureKind::kNumRet ||
         kind == MeasureKind::kNumRel || kind == MeasureKind::kNumRelRet;
}

MeasureSet parse_measures(std::span<const std::string> args) {
  std::vector<Measure> measures;
  for (const std::string& arg : args) {
    if (arg == "all_embeval") {
      for (const auto& f : families()) add_family(f, f.default_cutoffs, measures);
      continue;
    }
    const std::size_t dot = arg.find('.');
    const std::string name = arg.substr(0, dot);
    const auto& fs = families();
    const auto it =
        std::find_if(fs.begin(), fs.end(), [&](const Family& f) { return name == f.name; });
    if (it == fs.end()) {
      throw InputError("unknown measure '" + arg + "'", {}, 0, "known: " + known_list());
    }
    if (dot != std::string::npos && !it->has_cutoffs) {
      throw InputError("measure '" + name + "' takes no cutoff ('" + arg + "')");
    }
    const std::vector<long> cutoffs =
        dot == std::string::npos ? it->default_cutoffs
                                 : parse_cutoffs(std::string_view(arg).substr(dot + 1), arg);
    add_family(*it, cutoffs, measures);
  }
  // trec_eval prints in its table order, each family's cutoffs ascending, each measure once.
  std::stable_sort(measures.begin(), measures.end(), [](const Measure& a, const Measure& b) {
    const auto fa = family_index(a.kind);
    const auto fb = family_index(b.kind);
    return fa != fb ? fa < fb : a.cutoff < b.cutoff;
  });
  measures.erase(std::unique(measures.begin(), measures.end(),
                             [](const Measure& a, const Measure& b) { return a.name == b.name; }),
                 measures.end());
  return MeasureSet{std::move(measures)};
}

}  // namespace embeval
