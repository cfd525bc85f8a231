#include "embeval/text/analyzer.h"

#include <gtest/gtest.h>

#include "embeval/core/error.h"

namespace embeval {
namespace {

std::vector<std::string> terms(const std::string& analyzer, std::string_view text) {
  auto a = Analyzer::create(analyzer);
  std::vector<std::string> out;
  a->analyze(text, out);
  return out;
}

using V = std::vector<std::string>;

TEST(Analyzer, EnglishFoldsStopsAndStemsLikeAnserini) {
  EXPECT_EQ(terms("english", "The Cats are RUNNING to the station's platforms"),
            (V{"cat", "run", "station", "platform"}));
  EXPECT_EQ(terms("english", "copy files and directories"), (V{"copi", "file", "directori"}));
  EXPECT_EQ(terms("english", "don't stop"), (V{"don't", "stop"}));
}

TEST(Analyzer, StandardOnlyFoldsAndTokenizes) {
  EXPECT_EQ(terms("standard", "The Cats, 42 ÉCOLES—Straße!"),
            (V{"the", "cats", "42", "écoles", "strasse"}));
  EXPECT_EQ(terms("standard", "ﬁle Ⅻ"), (V{"file", "xii"}));  // NFKC: ligature, roman numeral
  EXPECT_EQ(terms("standard", "日本語 text"), (V{"日", "本", "語", "text"}));
  EXPECT_EQ(terms("standard", "a'  'b' c''d"), (V{"a", "b", "c", "d"}));
}

TEST(Analyzer, InvalidUtf8IsASeparatorNotACrash) {
  EXPECT_EQ(terms("standard", std::string("ab\xff"
                                          "cd\xc3")),
            (V{"ab", "cd"}));
  EXPECT_EQ(terms("english", std::string("\x80\x80", 2)), V{});
  EXPECT_EQ(terms("standard", std::string("a\0b", 3)), (V{"a", "b"}));
  EXPECT_EQ(terms("whitespace", std::string("a\0b  c", 6)), (V{std::string("a\0b", 3), "c"}));
}

TEST(Analyzer, SnowballLanguagesAndErrors) {
  EXPECT_EQ(terms("german", "Häuser"), (V{"haus"}));
  EXPECT_EQ(terms("whitespace", " A  b\tC "), (V{"A", "b", "C"}));
  EXPECT_EQ(terms("none", "Dogs' É"), (V{"Dogs'", "É"}));
  EXPECT_THROW((void)Analyzer::create("klingon"), InputError);
  auto a = Analyzer::create("english");
  auto b = a->clone();
  EXPECT_EQ(b->name(), "english");
}

}  // namespace
}  // namespace embeval
