#include "embeval/models/registry.h"

#include <gtest/gtest.h>

#include "embeval/core/error.h"

namespace embeval {
namespace {

TEST(Registry, ListsEveryFamilyOnceAndBuildsEach) {
  const auto& kinds = encoder_kinds();
  ASSERT_FALSE(kinds.empty());
  EXPECT_EQ(kinds.front().scheme, "bm25");
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_FALSE(kinds[i].summary.empty());
    for (std::size_t j = i + 1; j < kinds.size(); ++j) EXPECT_NE(kinds[i].scheme, kinds[j].scheme);
  }
}

TEST(Registry, UnknownSchemeListsTheKnownOnes) {
  try {
    (void)make_encoder("word3vec:x");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bm25"), std::string::npos) << e.what();
  }
}

TEST(Registry, SpecsRoundTripThroughEncoders) {
  for (const char* text : {"bm25", "bm25?analyzer=standard", "bm25?b=0.75&k1=1.2"}) {
    const auto encoder = make_encoder(text);
    const ModelSpec canonical = ModelSpec::parse(encoder->spec());
    EXPECT_EQ(make_encoder(canonical)->spec(), encoder->spec()) << text;
  }
}

TEST(Registry, CheckModelSpecGivesTheEncodersCanonicalSpecWithoutLoading) {
  for (const char* text : {"bm25", "bm25?analyzer=standard", "bm25?k1=1.2&b=0.75"}) {
    const ModelSpec spec = ModelSpec::parse(text);
    EXPECT_EQ(check_model_spec(spec), make_encoder(spec)->spec()) << text;
  }
  // A missing vector file, a bad value and an unknown key fail before anything is loaded.
  for (const char* bad : {"static:/no/such/vectors.txt", "bm25?b=2", "bm25?k2=1", "bm25:path",
                          "static:", "word3vec"}) {
    EXPECT_THROW((void)check_model_spec(ModelSpec::parse(bad)), InputError) << bad;
  }
}

}  // namespace
}  // namespace embeval
