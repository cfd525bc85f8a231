// BM25 specs through the registry: defaults written out, ranges checked before any corpus is read.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "embeval/core/error.h"
#include "embeval/models/registry.h"

namespace embeval {
namespace {

TEST(Bm25Encoder, SpecRoundTripsWithDefaultsMadeExplicit) {
  EXPECT_EQ(make_encoder("bm25")->spec(), "bm25?analyzer=english&b=0.4&k1=0.9");
  for (const char* text : {"bm25", "bm25?k1=1.2&b=0.75", "bm25?analyzer=german", "bm25?b=0"}) {
    const std::string once = make_encoder(text)->spec();
    EXPECT_EQ(make_encoder(once)->spec(), once) << text;
  }
}

TEST(Bm25Encoder, RejectsBadParameters) {
  for (const char* bad : {"bm25?k1=-1", "bm25?b=1.5", "bm25?k1=x", "bm25?analyzer=nope",
                          "bm25?kl=1", "bm25:some/path", "nosuch"}) {
    EXPECT_THROW((void)make_encoder(bad), InputError) << bad;
  }
}

TEST(Bm25Encoder, ParameterRangesAreCheckedAtSpecTimeWithAHint) {
  // k1=1e100 once underflowed every float32 weight to 0 and ranked by id.
  for (const char* not_finite : {"bm25?k1=nan", "bm25?k1=inf", "bm25?b=nan", "bm25?b=-inf"}) {
    EXPECT_THROW((void)check_model_spec(ModelSpec::parse(not_finite)), InputError) << not_finite;
  }
  for (const char* bad : {"bm25?k1=1e100", "bm25?k1=1000.5", "bm25?k1=-0.1", "bm25?b=-0",
                          "bm25?b=1.0000001", "bm25?b=-1e-300"}) {
    try {
      (void)check_model_spec(ModelSpec::parse(bad));
      if (std::string(bad) != "bm25?b=-0") ADD_FAILURE() << bad << " was accepted";
    } catch (const InputError& e) {
      EXPECT_FALSE(e.hint().empty()) << bad;
      EXPECT_NE(std::string(e.what()).find("must be"), std::string::npos) << e.what();
    }
  }
  // The bounds themselves are legal.
  for (const char* good : {"bm25?k1=0", "bm25?k1=1000", "bm25?b=0", "bm25?b=1"}) {
    EXPECT_NO_THROW((void)check_model_spec(ModelSpec::parse(good))) << good;
  }
}

TEST(Bm25Encoder, SpecNumbersRoundTripExactly) {
  // %g kept 6 digits: k1=1.23456789 printed as 1.23457 and rebuilt another encoder.
  const std::string spec = make_encoder("bm25?k1=1.23456789&b=0.123456789")->spec();
  EXPECT_EQ(spec, "bm25?analyzer=english&b=0.123456789&k1=1.23456789");
  EXPECT_EQ(make_encoder(spec)->spec(), spec);
}

}  // namespace
}  // namespace embeval
