#include "embeval/report/parity_table.h"

#include <cstdio>

#include "report/text_table.h"

namespace embeval {
namespace {

std::string line(const char* fmt, double a, double b) {
  char buf[160];
  std::snprintf(buf, sizeof buf, fmt, a, b);
  return buf;
}

}  // namespace

std::string format_parity_table(const ParityResult& r) {
  using report::format;
  std::string out = "parity on " + r.dataset + ": " + std::to_string(r.documents) + " documents, " +
                    std::to_string(r.queries) + " queries\n";
  out += "A: " + r.spec_a + " (dim " + std::to_string(r.dim_a) + ")\n";
  out += "B: " + r.spec_b + " (dim " + std::to_string(r.dim_b) + ")\n";

  report::Column role = report::left_aligned("cosine(A, B)");
  report::Column texts = report::right_aligned("texts");
  report::Column min = report::right_aligned("min");
  report::Column p1 = report::right_aligned("p1");
  report::Column median = report::right_aligned("median");
  report::Column mean = report::right_aligned("mean");
  auto row = [&](const char* name, std::size_t n, const std::optional<CosineSummary>& s) {
    role.cells.emplace_back(name);
    texts.cells.push_back(std::to_string(s ? s->texts : n));
    min.cells.push_back(s ? format("%.6f", s->min) : "-");
    p1.cells.push_back(s ? format("%.6f", s->p1) : "-");
    median.cells.push_back(s ? format("%.6f", s->median) : "-");
    mean.cells.push_back(s ? format("%.6f", s->mean) : "-");
  };
  row("documents", r.documents, r.document_cosine);
  row("queries", r.queries, r.query_cosine);
  out += report::render_table({role, texts, min, p1, median, mean});

  out += "top-" + std::to_string(r.overlap_k) +
         " overlap per query: " + line("mean %.4f, min %.4f", r.overlap_mean, r.overlap_min) + "\n";
  out += "nDCG@10 over " + std::to_string(r.ndcg.n_queries) +
         " judged queries: " + line("A %.4f, B %.4f", r.ndcg.mean_a, r.ndcg.mean_b) + ", " +
         line("A - B %+.4f (95%% CI %+.4f", r.ndcg.diff, r.ndcg.ci_low) +
         format(" to %+.4f, paired t)", r.ndcg.ci_high) + "\n";
  for (const auto& note : r.notes) out += "note: " + note + "\n";
  return out;
}

}  // namespace embeval
