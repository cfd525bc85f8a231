// Hybrid specs: parsed, printed canonically, and parsed back to the same settings.
#include "embeval/fusion/hybrid_spec.h"

#include <gtest/gtest.h>

#include "embeval/core/error.h"

namespace {

using embeval::FusionMethod;
using embeval::HybridSpec;
using embeval::ScoreNormalization;

TEST(HybridSpec, ParsesTheIssueExamples) {
  const HybridSpec rrf = HybridSpec::parse("hybrid:rrf(bm25,gguf:m.gguf)?k=60");
  EXPECT_EQ(rrf.fusion.method, FusionMethod::rrf);
  EXPECT_EQ(rrf.components, (std::vector<std::string>{"bm25", "gguf:m.gguf"}));
  EXPECT_EQ(rrf.fusion.rrf_k, 60.0);
  EXPECT_EQ(rrf.to_string(), "hybrid:rrf(bm25,gguf:m.gguf)?k=60");

  const HybridSpec wsum = HybridSpec::parse(
      "hybrid:wsum(bm25?k1=0.9&b=0.4,static:w.bin)?norm=minmax&weights=0.3,0.7&depth=1000");
  EXPECT_EQ(wsum.components, (std::vector<std::string>{"bm25?k1=0.9&b=0.4", "static:w.bin"}));
  EXPECT_EQ(wsum.fusion.norm, ScoreNormalization::minmax);
  EXPECT_EQ(wsum.fusion.weights, (std::vector<double>{0.3, 0.7}));
  EXPECT_EQ(wsum.fusion.depth, 1000u);
  EXPECT_EQ(wsum.to_string(),
            "hybrid:wsum(bm25?k1=0.9&b=0.4,static:w.bin)?depth=1000&norm=minmax&weights=0.3,0.7");
}

TEST(HybridSpec, CanonicalFormRoundTripsAndNamesDefaults) {
  for (const char* text : {"hybrid:rrf(a,b)", "hybrid:rrf(a,b,c)?k=10.5&weights=1,2,0.5",
                           "hybrid:combmnz(a,b)?norm=borda", "hybrid:wsum(a,b)?cv=5&norm=zmuv",
                           "hybrid:dbsf-qdrant(a,b)?depth=7", "hybrid:rsf(a,b)?cv=3"}) {
    SCOPED_TRACE(text);
    const std::string canonical = HybridSpec::parse(text).to_string();
    EXPECT_EQ(HybridSpec::parse(canonical).to_string(), canonical);
  }
  // Defaults are written out, so equal hybrids have one canonical spec.
  EXPECT_EQ(HybridSpec::parse("hybrid:rrf(a,b)").to_string(), "hybrid:rrf(a,b)?k=60");
  EXPECT_EQ(HybridSpec::parse("hybrid:combsum(a,b)").to_string(),
            "hybrid:combsum(a,b)?norm=minmax");
}

TEST(HybridSpec, MalformedSpecsAreInputErrors) {
  for (const char* text :
       {"rrf(a,b)", "hybrid:rrf", "hybrid:rrf(a,b", "hybrid:rrf(a)", "hybrid:rrf(a,)",
        "hybrid:rrf(a,hybrid:rrf(b,c))", "hybrid:rrf(a,b)k=3", "hybrid:rrf(a,b)?k=x",
        "hybrid:rrf(a,b)?q=1", "hybrid:wsum(a,b)?k=3", "hybrid:wsum(a,b)?weights=1",
        "hybrid:wsum(a,b)?cv=5&weights=0.5,0.5", "hybrid:combsum(a,b)?cv=5", "hybrid:rrf(a,b)?cv=1",
        "hybrid:borda(a,b)", "hybrid:rrf(a,b)?k=1&k=2"}) {
    SCOPED_TRACE(text);
    EXPECT_THROW((void)HybridSpec::parse(text), embeval::InputError);
  }
}

}  // namespace
