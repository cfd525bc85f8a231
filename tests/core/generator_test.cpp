#include "embeval/core/generator.h"

#include <gtest/gtest.h>

#include "embeval/core/error.h"

namespace embeval {
namespace {

TEST(GenerationOptions, DefaultsAreBeirGenQs) {
  const GenerationOptions o;
  EXPECT_EQ(o.top_k, 25);
  EXPECT_DOUBLE_EQ(o.top_p, 0.95);
  EXPECT_DOUBLE_EQ(o.temperature, 1.0);
  EXPECT_NO_THROW(check_generation_options(o));
}

TEST(GenerationOptions, SamplingLabelIsCanonical) {
  GenerationOptions o;
  o.max_tokens = 64;
  o.seed = 7;
  o.temperature = 0.7;
  o.top_k = 0;
  o.top_p = 1;
  o.stop = {"\n\n"};
  EXPECT_EQ(sampling_label(o), "max_tokens=64&seed=7&temperature=0.7&top_k=0&top_p=1");
  EXPECT_EQ(sampling_label(GenerationOptions{}),
            "max_tokens=256&seed=42&temperature=1&top_k=25&top_p=0.95");
}

TEST(GenerationOptions, OutOfRangeIsAnInputError) {
  const auto refused = [](auto edit) {
    GenerationOptions o;
    edit(o);
    EXPECT_THROW(check_generation_options(o), InputError);
  };
  refused([](GenerationOptions& o) { o.max_tokens = 0; });
  refused([](GenerationOptions& o) { o.temperature = -0.1; });
  refused([](GenerationOptions& o) { o.top_p = 0; });
  refused([](GenerationOptions& o) { o.top_p = 1.01; });
  refused([](GenerationOptions& o) { o.top_k = -1; });
  refused([](GenerationOptions& o) { o.stop = {""}; });
  GenerationOptions greedy;
  greedy.temperature = 0;
  EXPECT_NO_THROW(check_generation_options(greedy));
}

}  // namespace
}  // namespace embeval
