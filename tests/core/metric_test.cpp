// Metric names: the CLI spellings round-trip and anything else is an InputError with a hint.
#include "embeval/core/metric.h"

#include <gtest/gtest.h>

#include <string>

#include "embeval/core/error.h"

namespace embeval {
namespace {

TEST(MetricTest, NamesRoundTrip) {
  for (const Metric m : {Metric::kInnerProduct, Metric::kCosine, Metric::kL2}) {
    EXPECT_EQ(parse_metric(metric_name(m)), m) << metric_name(m);
  }
  EXPECT_STREQ(metric_name(Metric::kInnerProduct), "ip");
  EXPECT_STREQ(metric_name(Metric::kCosine), "cos");
  EXPECT_STREQ(metric_name(Metric::kL2), "l2");
}

TEST(MetricTest, UnknownNamesAreInputErrorsNamingTheChoices) {
  for (const char* bad : {"dot", "COS", "", "l2 ", "cosine"}) {
    try {
      (void)parse_metric(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const InputError& e) {
      EXPECT_EQ(e.message(), "unknown metric '" + std::string(bad) + "'");
      EXPECT_EQ(e.hint(), "use ip (inner product), cos (cosine) or l2 (Euclidean)");
    }
  }
}

}  // namespace
}  // namespace embeval
