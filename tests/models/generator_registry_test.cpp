#include "embeval/models/generator_registry.h"

#include <gtest/gtest.h>

#include "embeval/core/error.h"

namespace embeval {
namespace {

TEST(GeneratorRegistry, FamiliesAreUniqueAndDescribed) {
  const auto& kinds = generator_kinds();
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    EXPECT_FALSE(kinds[i].summary.empty());
    EXPECT_NE(kinds[i].schema, nullptr);
    EXPECT_TRUE(has_generator_family(kinds[i].scheme));
    for (std::size_t j = i + 1; j < kinds.size(); ++j) EXPECT_NE(kinds[i].scheme, kinds[j].scheme);
  }
  EXPECT_FALSE(has_generator_family("bm25"));  // an encoder, not a generator
}

TEST(GeneratorRegistry, UnknownSchemeIsAnInputError) {
  try {
    (void)make_generator("word3vec:x.gguf");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("word3vec"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)check_generator_spec(ModelSpec::parse("nope")), InputError);
}

}  // namespace
}  // namespace embeval
