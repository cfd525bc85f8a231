// The registry's `gguf` generator row: the spec a built generator reports is the one
// check_generator_spec predicts without loading the model.
#include <gtest/gtest.h>

#include "embeval/core/error.h"
#include "embeval/models/generator_registry.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

TEST(GgufGeneratorRegistry, BuildsTheLocalChatModel) {
  ASSERT_TRUE(has_generator_family("gguf"));
  const std::string spec =
      "gguf:" + testing_gguf::tiny_model("tiny-qwen3-chat.gguf").string() + "?threads=1";
  const auto generator = make_generator(spec);
  EXPECT_EQ(generator->spec(), check_generator_spec(ModelSpec::parse(spec)));
  EXPECT_EQ(make_generator(generator->spec())->spec(), generator->spec());  // round trip
  EXPECT_THROW((void)check_generator_spec(ModelSpec::parse("gguf:/no/such.gguf")), InputError);
  EXPECT_THROW((void)check_generator_spec(ModelSpec::parse("gguf")), InputError);
}

}  // namespace
}  // namespace embeval
