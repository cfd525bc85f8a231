#include "embeval/report/comparison_table.h"

#include <cstdio>
#include <string>
#include <vector>

#include "report/text_table.h"

namespace embeval {
namespace {

std::string signed_number(double v) { return report::format("%+.4f", v); }

// p to four decimals, small ones in scientific notation so that 3e-7 does not print as 0.0000.
std::string p_value(double p) {
  return p != 0 && p < 1e-4 ? report::format("%.1e", p) : report::format("%.4f", p);
}

}  // namespace

std::string format_comparison_table(std::span<const PairComparison> tests,
                                    const CompareOptions& options) {
  const PairedTestOptions& t = options.test;
  std::string out;
  if (t.test == SignificanceTest::kT) {
    out += "paired t test (two-sided, df = n - 1)";
  } else {
    out += std::string(t.test == SignificanceTest::kFisher ? "Fisher sign-flip test"
                                                           : "bootstrap test") +
           ", " + std::to_string(t.samples) + " samples, seed " + std::to_string(t.seed) +
           (t.p_rule == PValueRule::kRanx ? ", p = count/B (ranx)" : ", p = (count+1)/(B+1)");
  }
  out += options.correction == PCorrection::kHolm
             ? "; Holm-corrected over " + std::to_string(tests.size()) +
                   (tests.size() == 1 ? " test" : " tests")
             : "; no correction";
  out += report::format("; * = p adjusted <= %g", options.alpha);
  out += options.complete ? "; every judged query (missing = 0)\n" : "\n";

  std::vector<report::Column> columns = {
      report::left_aligned("measure"), report::left_aligned("a"),
      report::left_aligned("b"),       report::right_aligned("queries"),
      report::right_aligned("mean a"), report::right_aligned("mean b"),
      report::right_aligned("a - b"),  report::right_aligned("95% CI"),
      report::right_aligned("p"),      report::right_aligned("p adj"),
      report::right_aligned("W/T/L"),  report::left_aligned("sig")};
  for (const PairComparison& c : tests) {
    const PairedTestResult& r = c.result;
    const std::string cells[] = {
        c.measure,
        c.a,
        c.b,
        std::to_string(r.n_queries),
        report::format("%.4f", r.mean_a),
        report::format("%.4f", r.mean_b),
        signed_number(r.diff),
        signed_number(r.ci_low) + " " + signed_number(r.ci_high),
        p_value(r.p),
        p_value(c.p_adjusted),
        std::to_string(r.wins) + "/" + std::to_string(r.ties) + "/" + std::to_string(r.losses),
        c.significant ? "*" : ""};
    for (std::size_t k = 0; k < columns.size(); ++k) columns[k].cells.push_back(cells[k]);
  }
  return out + report::render_table(columns);
}

}  // namespace embeval
