#include "embeval/report/ann_table.h"

#include <cstdio>

#include "report/text_table.h"

namespace embeval {
namespace {

using report::Column;
using report::format;
using report::human_bytes;
using report::human_rate;
using report::left_aligned;
using report::right_aligned;

std::string signed4(double v) { return format("%+.4f", v); }

std::string param_cell(const AnnPoint& p) {
  if (p.search_parameter.empty()) return "-";
  return p.search_parameter + "=" + std::to_string(p.search_value);
}

std::string point_name(const AnnPoint& p) {
  std::string name = p.label;
  if (!p.search_parameter.empty()) {
    name += ' ';
    name += param_cell(p);
  }
  return name;
}

std::string index_table(const AnnResults& r, bool mark_pareto) {
  std::vector<Column> cols = {
      left_aligned("index"),   left_aligned("param"),     right_aligned("R@10"),
      right_aligned("R@100"),  right_aligned("dnDCG@10"), right_aligned("QPS"),
      right_aligned("p50 ms"), right_aligned("p95 ms"),   right_aligned("p99 ms"),
      right_aligned("build"),  right_aligned("index"),    right_aligned("B/vec")};
  if (mark_pareto) cols.push_back(right_aligned("pareto"));
  const auto add = [&](const AnnPoint& p) {
    std::size_t c = 0;
    cols[c++].cells.push_back(p.label);
    cols[c++].cells.push_back(param_cell(p));
    cols[c++].cells.push_back(format("%.4f", p.recall_at_10));
    cols[c++].cells.push_back(format("%.4f", p.recall_at_100));
    cols[c++].cells.push_back(signed4(p.ndcg_at_10_delta));
    cols[c++].cells.push_back(human_rate(p.cost.batch_queries_per_s));
    cols[c++].cells.push_back(format("%.3f", p.cost.latency_p50_ms));
    cols[c++].cells.push_back(format("%.3f", p.cost.latency_p95_ms));
    cols[c++].cells.push_back(format("%.3f", p.cost.latency_p99_ms));
    cols[c++].cells.push_back(format("%.2fs", p.build_s));
    cols[c++].cells.push_back(human_bytes(static_cast<double>(p.index_bytes)));
    cols[c++].cells.push_back(format("%.1f", p.bytes_per_vector));
    if (mark_pareto) cols[c++].cells.push_back(p.pareto ? "*" : "");
  };
  for (const auto& p : r.points) add(p);  // the exact oracle first (ann_evaluation.h)
  return report::render_table(cols);
}

std::string quality_table(const std::vector<AnnPoint>& points, const char* first_header,
                          bool with_rescore) {
  std::vector<Column> cols = {left_aligned(first_header), right_aligned("R@10"),
                              right_aligned("R@100"),     right_aligned("nDCG@10"),
                              right_aligned("dnDCG@10"),  right_aligned("QPS"),
                              right_aligned("B/vec"),     right_aligned("per 1M docs")};
  for (const auto& p : points) {
    std::size_t c = 0;
    cols[c++].cells.push_back(p.label);
    cols[c++].cells.push_back(format("%.4f", p.recall_at_10));
    cols[c++].cells.push_back(format("%.4f", p.recall_at_100));
    cols[c++].cells.push_back(format("%.4f", p.ndcg_at_10));
    cols[c++].cells.push_back(signed4(p.ndcg_at_10_delta));
    cols[c++].cells.push_back(human_rate(p.cost.batch_queries_per_s));
    cols[c++].cells.push_back(format("%.1f", p.bytes_per_vector));
    std::string million = human_bytes(p.bytes_per_vector * 1e6);
    if (with_rescore && p.rescore_bytes > 0) {
      const double docs =
          p.bytes_per_vector > 0 ? static_cast<double>(p.index_bytes) / p.bytes_per_vector : 1.0;
      million += " + " + human_bytes(static_cast<double>(p.rescore_bytes) / docs * 1e6) + " f32";
    }
    cols[c++].cells.push_back(million);
  }
  return report::render_table(cols);
}

std::string sparse_section(const SparseSummary& s) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof line,
                "sparse postings: %zu documents, %zu terms, %zu postings, %.1f terms/document, "
                "%.1f terms/query (longest %zu), index %s\n",
                s.postings.documents, s.postings.terms_with_postings, s.postings.postings,
                s.postings.average_terms_per_document, s.average_terms_per_query, s.longest_query,
                human_bytes(static_cast<double>(s.postings.bytes)).c_str());
  out += line;
  std::string lists;
  for (std::size_t n : s.longest_lists) lists += (lists.empty() ? "" : ", ") + std::to_string(n);
  out += "longest posting lists: " + lists + "\n";
  std::vector<Column> cols = {left_aligned("search"), right_aligned("QPS"), right_aligned("p50 ms"),
                              right_aligned("p95 ms"), right_aligned("p99 ms")};
  for (const auto& c : s.searches) {
    cols[0].cells.push_back(c.strategy);
    cols[1].cells.push_back(human_rate(c.cost.batch_queries_per_s));
    cols[2].cells.push_back(format("%.3f", c.cost.latency_p50_ms));
    cols[3].cells.push_back(format("%.3f", c.cost.latency_p95_ms));
    cols[4].cells.push_back(format("%.3f", c.cost.latency_p99_ms));
  }
  out += report::render_table(cols);
  std::snprintf(line, sizeof line,
                "identical top 10 (maxscore vs exhaustive): %.1f%% of queries; "
                "nDCG@10 %.4f\n",
                100.0 * s.identical_top10_share, s.ndcg_at_10);
  out += line;
  return out;
}

}  // namespace

std::string format_ann_report(const AnnResults& r) {
  std::string out;
  char line[1024];
  std::snprintf(line, sizeof line, "dataset %s: %zu documents, %zu queries; model %s\n",
                r.dataset_name.c_str(), r.num_documents, r.num_queries, r.model_spec.c_str());
  out += line;
  if (r.exact) {
    std::snprintf(line, sizeof line,
                  "dense %zu-d, metric %s, %d thread%s; exact search nDCG@10 %.4f; recall and "
                  "dnDCG@10 against it; QPS at k=100 in one batch, latency at k=10 one query at "
                  "a time (%zu queries)\n\n",
                  r.dimension, r.metric.c_str(), r.threads, r.threads == 1 ? "" : "s",
                  r.exact->ndcg_at_10, r.exact->cost.latency_queries);
    out += line;
    out += index_table(r, r.sweep.has_value());
  }
  if (r.sweep) {
    const SweepSummary& s = *r.sweep;
    out += "\nPareto frontier (recall@10 vs QPS), fastest first:\n";
    for (std::size_t i : s.frontier) {
      const AnnPoint& p = r.points[i];
      std::snprintf(line, sizeof line, "  %-28s R@10 %.4f  %s QPS  %s\n", point_name(p).c_str(),
                    p.recall_at_10, human_rate(p.cost.batch_queries_per_s).c_str(),
                    human_bytes(static_cast<double>(p.index_bytes)).c_str());
      out += line;
    }
    const auto pick = [&](const char* what, const std::optional<std::size_t>& i) {
      if (!i) {
        std::snprintf(line, sizeof line, "%s with R@10 >= %.2f: none reached it\n", what,
                      s.recall_target);
      } else {
        const AnnPoint& p = r.points[*i];
        std::snprintf(line, sizeof line, "%s with R@10 >= %.2f: %s (R@10 %.4f, %s QPS, %s)\n", what,
                      s.recall_target, p.index_spec.c_str(), p.recall_at_10,
                      human_rate(p.cost.batch_queries_per_s).c_str(),
                      human_bytes(static_cast<double>(p.index_bytes)).c_str());
      }
      out += line;
    };
    pick("fastest", s.fastest_meeting_target);
    pick("smallest", s.smallest_meeting_target);
  }
  if (!r.truncation.empty()) {
    out +=
        "\ntruncated dimensions (first d, renormalised; exact search; vs full-dimension exact):\n";
    out += quality_table(r.truncation, "dims", false);
  }
  if (!r.precision.empty()) {
    out += "\nstorage precision (exact search over codes; vs float32 exact):\n";
    out += quality_table(r.precision, "precision", true);
  }
  if (r.sparse) {
    out += "\n";
    out += sparse_section(*r.sparse);
  }
  if (r.hybrid) {
    const HybridAnnSummary& h = *r.hybrid;
    out += "\nhybrid " + h.spec + "\ncomponent " + std::to_string(h.dense_component + 1) +
           " (dense) through each index above, the others searched exactly; fused from exact "
           "search nDCG@10 " +
           format("%.4f", h.exact_ndcg_at_10) +
           "; dnDCG@10 against it; R@10: fused top 10 against the exact-fused top 10\n\n";
    std::vector<Column> cols = {left_aligned("index"), left_aligned("param"),
                                right_aligned("nDCG@10"), right_aligned("dnDCG@10"),
                                right_aligned("R@10")};
    for (const HybridAnnPoint& p : h.points) {
      cols[0].cells.push_back(p.label);
      cols[1].cells.push_back(p.search_parameter.empty()
                                  ? std::string("-")
                                  : p.search_parameter + "=" + std::to_string(p.search_value));
      cols[2].cells.push_back(format("%.4f", p.ndcg_at_10));
      cols[3].cells.push_back(signed4(p.ndcg_at_10_delta));
      cols[4].cells.push_back(format("%.4f", p.recall_at_10));
    }
    out += report::render_table(cols);
  }
  for (const auto& note : r.notes) out += "note: " + note + "\n";
  return out;
}

}  // namespace embeval
