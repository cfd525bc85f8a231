// What callers ask the registry instead of testing build macros, for the families every build
// has (the gguf family: gguf_registry_capabilities_test.cpp).
#include <gtest/gtest.h>

#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"
#include "embeval/models/registry.h"

namespace embeval {
namespace {

TEST(RegistryCapabilities, FamiliesWithoutAStandaloneTokenizer) {
  EXPECT_TRUE(has_encoder_family("bm25"));
  EXPECT_TRUE(has_encoder_family("static"));
  EXPECT_FALSE(has_encoder_family("nope"));
  EXPECT_EQ(make_tokenizer(ModelSpec::parse("bm25")), nullptr);
  EXPECT_THROW((void)make_tokenizer(ModelSpec::parse("nope:x")), InputError);
}

}  // namespace
}  // namespace embeval
