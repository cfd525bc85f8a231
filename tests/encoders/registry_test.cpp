#include "embeval/registry.h"

#include <gtest/gtest.h>

#include "embeval/error.h"

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

}  // namespace
}  // namespace embeval
