// The parameter schema: canonical values in one spelling, defaults written out per the policy,
// every kind of bad value refused with the rule's help as the hint, and the help line and docs
// table it generates.
#include "embeval/core/param_schema.h"

#include <gtest/gtest.h>

#include "embeval/core/error.h"

namespace embeval {
namespace {

const ParamSchema& sample_schema() {
  static const ParamSchema kSchema{
      "demo",
      "",
      {{.key = "k",
        .type = ParamType::kNumber,
        .fallback = "0.9",
        .min = 0,
        .max = 2,
        .help = "saturation"},
       {.key = "a",
        .type = ParamType::kNumber,
        .fallback = "0.001",
        .min = 0,
        .min_exclusive = true,
        .help = "smoothing"},
       {.key = "n",
        .type = ParamType::kInteger,
        .fallback = "auto",
        .min = 1,
        .max = 64,
        .allows_auto = true,
        .help = "lists"},
       {.key = "norm", .type = ParamType::kBoolean, .fallback = "true", .help = "normalise"},
       {.key = "pool",
        .type = ParamType::kChoice,
        .fallback = "mean",
        .choices = {"mean", "max"},
        .help = "pooling"},
       {.key = "fmt",
        .type = ParamType::kChoice,
        .fallback = "auto",
        .choices = {"auto", "txt"},
        .absent = ParamAbsent::kResolvedByFamily,
        .help = "format"},
       {.key = "window",
        .type = ParamType::kInteger,
        .min = 1,
        .absent = ParamAbsent::kLeftOut,
        .help = "windows",
        .default_help = "off"},
       {.key = "name", .type = ParamType::kText, .fallback = "x", .help = "free text"}}};
  return kSchema;
}

std::string canonical(const std::string& text) {
  return canonicalise(sample_schema(), ModelSpec::parse(text)).to_string();
}

TEST(ParamSchema, WritesEveryFixedDefaultAndNothingElse) {
  // fmt (resolved by the family) and window (off unless given) stay out.
  EXPECT_EQ(canonical("demo"), "demo?a=0.001&k=0.9&n=auto&name=x&norm=true&pool=mean");
  EXPECT_EQ(canonical("demo?window=8&fmt=txt"),
            "demo?a=0.001&fmt=txt&k=0.9&n=auto&name=x&norm=true&pool=mean&window=8");
}

TEST(ParamSchema, ValuesGetOneSpelling) {
  // Numbers shortest-exact, integers decimal, booleans true/false, text and choices as given.
  EXPECT_EQ(canonical("demo?k=1.50&a=1e-3&n=007&norm=yes&name=A%20b"),
            "demo?a=0.001&k=1.5&n=7&name=A%20b&norm=true&pool=mean");
  EXPECT_EQ(canonical("demo?k=0.123456789&norm=0"),
            "demo?a=0.001&k=0.123456789&n=auto&name=x&norm=false&pool=mean");
  // Canonical is a fixed point.
  for (const char* text : {"demo", "demo?k=2&n=64&pool=max&window=1", "demo?a=1e-300"}) {
    EXPECT_EQ(canonical(canonical(text)), canonical(text)) << text;
  }
}

TEST(ParamSchema, RefusesBadValuesNamingKeyRangeAndHint) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c :
       {Case{"demo?k=2.0000001", "k must be a number in [0, 2], got '2.0000001'"},
        Case{"demo?k=-0.1", "k must be a number in [0, 2]"},
        Case{"demo?k=nan", "k must be a number"}, Case{"demo?k=inf", "k must be a number"},
        Case{"demo?k=", "k must be a number"}, Case{"demo?k=1x", "k must be a number"},
        Case{"demo?a=0", "a must be a number > 0, got '0'"},
        Case{"demo?n=65", "n must be an integer in [1, 64] or auto, got '65'"},
        Case{"demo?n=1.5", "n must be an integer in [1, 64] or auto"},
        Case{"demo?n=0", "n must be an integer"},
        Case{"demo?window=0", "window must be an integer >= 1, got '0'"},
        Case{"demo?norm=maybe", "norm must be true or false, got 'maybe'"},
        Case{"demo?pool=Mean", "pool must be one of mean, max, got 'Mean'"},
        Case{"demo?k=auto", "k must be a number in [0, 2], got 'auto'"}}) {
    try {
      (void)canonical(c.text);
      ADD_FAILURE() << c.text << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
      EXPECT_FALSE(e.hint().empty()) << c.text;
    }
  }
  // The bounds themselves are legal.
  EXPECT_NO_THROW((void)canonical("demo?k=0&n=1&a=5e-324"));
  EXPECT_NO_THROW((void)canonical("demo?k=2&n=64"));
}

TEST(ParamSchema, UnknownKeysListTheKnownOnesCaseSensitively) {
  try {
    (void)canonical("demo?K=1&zz=2");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("unknown parameter(s): K, zz"), std::string::npos)
        << e.what();
    EXPECT_EQ(e.hint(),
              "parameters of demo: k, a, n, norm, pool, fmt, window, name (names are "
              "case-sensitive)");
  }
  const ParamSchema none{"flat", "", {}};
  try {
    check_known_keys(none, ModelSpec::parse("flat?x=1"));
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(e.hint(), "flat takes no parameters");
  }
}

TEST(ParamSchema, HelpLineAndDocsTableComeFromTheRules) {
  EXPECT_EQ(parameters_line(sample_schema()),
            "k=0.9 a=0.001 n=auto norm=true pool=mean|max fmt=auto|txt window=N name=x");
  const ParamSchema with_path{"static", "a file", {{.key = "on", .type = ParamType::kBoolean}}};
  EXPECT_EQ(parameters_line(with_path), "PATH on=true|false");
  EXPECT_EQ(markdown_table(sample_schema()),
            "| key | values | default | meaning |\n"
            "| --- | --- | --- | --- |\n"
            "| `k` | number in [0, 2] | `0.9` | saturation |\n"
            "| `a` | number > 0 | `0.001` | smoothing |\n"
            "| `n` | integer in [1, 64] or auto | `auto` | lists |\n"
            "| `norm` | true or false | `true` | normalise |\n"
            "| `pool` | one of mean, max | `mean` | pooling |\n"
            "| `fmt` | one of auto, txt | `auto` | format |\n"
            "| `window` | integer >= 1 | off | windows |\n"
            "| `name` | text | `x` | free text |\n");
}

}  // namespace
}  // namespace embeval
