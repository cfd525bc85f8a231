#include "embeval/core/model_spec.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "embeval/core/error.h"

namespace embeval {
namespace {

TEST(ModelSpec, ParsesSchemePathAndParams) {
  const ModelSpec s =
      ModelSpec::parse("gguf:models/bge small.gguf?pooling=mean&query_prefix=query:%20");
  EXPECT_EQ(s.scheme, "gguf");
  EXPECT_EQ(s.path, "models/bge small.gguf");
  ASSERT_EQ(s.params.size(), 2u);
  EXPECT_EQ(s.params.at("pooling"), "mean");
  EXPECT_EQ(s.params.at("query_prefix"), "query: ");
}

TEST(ModelSpec, ALeadingTildeIsTheHomeFolder) {
  const char* home = std::getenv("HOME");
  ASSERT_NE(home, nullptr);
  EXPECT_EQ(ModelSpec::parse("gguf:~/models/bge.gguf?pooling=mean").path,
            std::string(home) + "/models/bge.gguf");
  EXPECT_EQ(ModelSpec::parse("static:~").path, std::string(home));
  // Round-trips through the expanded form.
  const ModelSpec s = ModelSpec::parse("gguf:~/m.gguf");
  EXPECT_EQ(ModelSpec::parse(s.to_string()), s);
  // Not a home folder: another user's, or a ~ inside the path.
  EXPECT_EQ(ModelSpec::parse("gguf:~bob/m.gguf").path, "~bob/m.gguf");
  EXPECT_EQ(ModelSpec::parse("gguf:models/~/m.gguf").path, "models/~/m.gguf");
}

TEST(ModelSpec, CanonicalFormSortsKeysAndRoundTrips) {
  const ModelSpec s = ModelSpec::parse("bm25?k1=1.2&b=0.75");
  EXPECT_EQ(s.to_string(), "bm25?b=0.75&k1=1.2");
  for (const char* text : {"bm25", "bm25?b=0.4&k1=0.9", "static:a b/c.txt?pool=sif",
                           "gguf:x.gguf?query_prefix=query:%20&doc=a%26b%3Dc%25"}) {
    const ModelSpec parsed = ModelSpec::parse(text);
    EXPECT_EQ(ModelSpec::parse(parsed.to_string()), parsed) << text;
  }
  EXPECT_EQ(ModelSpec::parse("gguf:x?doc=a%26b%3Dc%25").params.at("doc"), "a&b=c%");
}

TEST(ModelSpec, RejectsMalformedSpecs) {
  EXPECT_THROW(ModelSpec::parse(""), InputError);
  EXPECT_THROW(ModelSpec::parse("?k1=1"), InputError);
  EXPECT_THROW(ModelSpec::parse("bm25?k1"), InputError);
  EXPECT_THROW(ModelSpec::parse("bm25?k1=1&k1=2"), InputError);
  EXPECT_THROW(ModelSpec::parse("bm25?k1=%zz"), InputError);
  EXPECT_THROW(ModelSpec::parse("bm25?k1=%2"), InputError);
}

TEST(ModelSpec, TypedAccessorsValidate) {
  const ModelSpec s = ModelSpec::parse("bm25?k1=1.5&n=7&flag=true&bad=x");
  EXPECT_DOUBLE_EQ(s.get_double("k1", 0.9), 1.5);
  EXPECT_DOUBLE_EQ(s.get_double("missing", 0.9), 0.9);
  EXPECT_EQ(s.get_int("n", 0), 7);
  EXPECT_TRUE(s.get_bool("flag", false));
  EXPECT_THROW(s.get_double("bad", 0), InputError);
  EXPECT_THROW(s.get_int("k1", 0), InputError);
}

TEST(ModelSpec, LabelIsFileNameSafe) {
  EXPECT_EQ(spec_label(ModelSpec::parse("bm25?k1=1.2")), "bm25_k1-1.2");
  EXPECT_EQ(spec_label(ModelSpec::parse("gguf:/m/bge-small.gguf")), "gguf-bge-small");
}

}  // namespace
}  // namespace embeval
