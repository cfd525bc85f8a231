// The registry passes run options (threads) through to the GGUF encoder it builds.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "embeval/core/model_spec.h"
#include "embeval/gguf/gguf_encoder.h"
#include "embeval/models/registry.h"
#include "embeval/util/thread_count.h"
#include "gguf/tiny_model_fixture.h"

namespace embeval {
namespace {

using testing_gguf::tiny_model;

ModelSpec spec_for(const std::string& file) {
  return ModelSpec::parse("gguf:" + tiny_model(file).string() + "?query_prefix=&document_prefix=");
}

TEST(GgufRegistry, ThreadsComeThroughTheRegistry) {
  const ModelSpec s = spec_for("tiny-bert-mean.gguf");
  const auto one = make_encoder(s, EncoderOptions{1});
  EXPECT_EQ(dynamic_cast<const GgufEncoder&>(*one).threads(), 1);
  if (std::getenv("EMBEVAL_LLAMA_THREADS") == nullptr) {
    // The default is the physical cores, not every hardware thread.
    const auto dflt = make_encoder(s);
    EXPECT_EQ(static_cast<std::size_t>(dynamic_cast<const GgufEncoder&>(*dflt).threads()),
              physical_core_count());
  }
}

}  // namespace
}  // namespace embeval
