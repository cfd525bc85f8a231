// openai-chat: is a row of the generator registry: built from its spec string (no server is
// contacted), its spec() the canonical one check_generator_spec() gives.
#include <gtest/gtest.h>

#include "embeval/core/error.h"
#include "embeval/models/generator_registry.h"

namespace embeval {
namespace {

TEST(OpenAiChatRegistry, BuildsFromItsSpecAndRoundTrips) {
  ASSERT_TRUE(has_generator_family("openai-chat"));
  const ModelSpec spec = ModelSpec::parse("openai-chat:m?base_url=http://127.0.0.1:9/v1");
  const std::string canonical = check_generator_spec(spec);
  EXPECT_EQ(canonical,
            "openai-chat:m?allow_http=false&api_key_env=OPENAI_API_KEY&"
            "base_url=http%3A//127.0.0.1%3A9/v1&max_retries=5&send_top_k=false&timeout_s=120");
  EXPECT_EQ(make_generator(spec)->spec(), canonical);
  EXPECT_EQ(make_generator(canonical)->spec(), canonical);
  EXPECT_THROW((void)make_generator("openai-chat:m?base_url=http://192.0.2.1/v1"), InputError);
}

}  // namespace
}  // namespace embeval
