// The one UTF-8 validator: the boundaries of well-formed UTF-8 (Unicode Table 3-7), so that every
// reader that uses it (record ids, word-vector words, JSON Lines, man pages) accepts and rejects
// the same bytes.
#include "embeval/util/utf8.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace embeval {
namespace {

TEST(Utf8, ValidatesAndReplaces) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("caf\xc3\xa9"));
  EXPECT_FALSE(is_valid_utf8("caf\xc3"));
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));  // a UTF-16 surrogate
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));      // overlong '/'
  EXPECT_EQ(first_invalid_utf8("ab\xff"), 2u);
  std::size_t n = 0;
  EXPECT_EQ(replace_invalid_utf8("a\xff"
                                 "b\xfe",
                                 &n),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(replace_invalid_utf8("ok", &n), "ok");
  EXPECT_EQ(n, 0u);
}

TEST(Utf8, AcceptsEveryBoundaryOfWellFormedUtf8) {
  const std::string valid[] = {
      std::string("\x00", 1),  // NUL is a valid code point; callers reject it by policy
      "\x7f",                  // last 1-byte
      "\xc2\x80",              // first 2-byte
      "\xdf\xbf",              // last 2-byte
      "\xe0\xa0\x80",          // first 3-byte
      "\xed\x9f\xbf",          // U+D7FF, just below the surrogates
      "\xee\x80\x80",          // U+E000, just above them
      "\xef\xbf\xbf",          // U+FFFF
      "\xf0\x90\x80\x80",      // first 4-byte
      "\xf4\x8f\xbf\xbf",      // U+10FFFF, the last code point
  };
  for (const std::string& s : valid) {
    EXPECT_TRUE(is_valid_utf8(s)) << testing::PrintToString(s);
    std::uint32_t cp = 0;
    EXPECT_EQ(decode_utf8(s, 0, cp), s.size()) << testing::PrintToString(s);
  }
}

TEST(Utf8, RejectsOverlongsSurrogatesOutOfRangeAndBrokenSequences) {
  const std::string invalid[] = {
      "\x80",              // a continuation byte alone
      "\xc1\xbf",          // overlong 2-byte (U+007F)
      "\xe0\x9f\xbf",      // overlong 3-byte (U+07FF)
      "\xf0\x8f\xbf\xbf",  // overlong 4-byte (U+FFFF)
      "\xed\xa0\x80",      // U+D800
      "\xed\xbf\xbf",      // U+DFFF
      "\xf4\x90\x80\x80",  // U+110000
      "\xf5\x80\x80\x80",  // a lead byte that can only start code points above U+10FFFF
      "\xf8\x88\x80\x80",  // 5-byte forms are not UTF-8
      "\xe2\x82",          // truncated
      "\xe2\x28\xa1",      // second byte not a continuation
  };
  for (const std::string& s : invalid) {
    EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(s);
    EXPECT_EQ(first_invalid_utf8("ok" + s), 2u) << testing::PrintToString(s);
    std::uint32_t cp = 0;
    EXPECT_EQ(decode_utf8(s, 0, cp), 0u) << testing::PrintToString(s);
  }
}

TEST(Utf8, DecodesCodePointsAtAnOffset) {
  const std::string text = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";  // a é € 😀
  std::uint32_t cp = 0;
  EXPECT_EQ(decode_utf8(text, 0, cp), 1u);
  EXPECT_EQ(cp, 0x61u);
  EXPECT_EQ(decode_utf8(text, 1, cp), 2u);
  EXPECT_EQ(cp, 0xE9u);
  EXPECT_EQ(decode_utf8(text, 3, cp), 3u);
  EXPECT_EQ(cp, 0x20ACu);
  EXPECT_EQ(decode_utf8(text, 6, cp), 4u);
  EXPECT_EQ(cp, 0x1F600u);
  EXPECT_EQ(decode_utf8(text, 2, cp), 0u);  // inside a sequence
}

}  // namespace
}  // namespace embeval
