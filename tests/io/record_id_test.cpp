#include "embeval/io/record_id.h"

#include <gtest/gtest.h>

#include <string>

#include "embeval/core/error.h"

namespace embeval {
namespace {

TEST(RecordId, PlainIdsOfAnyScriptPass) {
  for (const std::string id : {"doc1", "MED-10", "a.b_c:d/e#1", "42", "-7", "caf\xC3\xA9",
                               "\xE6\x96\x87\xE6\x9B\xB8", "\xF0\x9F\x98\x80", "x\xC2\xA1"}) {
    EXPECT_EQ(record_id_problem(id), "") << id;
  }
}

TEST(RecordId, EmptyWhitespaceAndControlsAreRefused) {
  EXPECT_EQ(record_id_problem(""), "is empty");
  EXPECT_EQ(record_id_problem("a b"), "holds a space (U+0020) at byte 2");
  EXPECT_EQ(record_id_problem("ab\t"), "holds a tab (U+0009) at byte 3");
  EXPECT_EQ(record_id_problem("a\nb"), "holds a newline (U+000A) at byte 2");
  EXPECT_EQ(record_id_problem("a\rb"), "holds a carriage return (U+000D) at byte 2");
  EXPECT_EQ(record_id_problem(std::string("a\0b", 3)), "holds a NUL (U+0000) at byte 2");
  EXPECT_EQ(record_id_problem("a\vb"), "holds a vertical tab (U+000B) at byte 2");
  EXPECT_EQ(record_id_problem("a\fb"), "holds a form feed (U+000C) at byte 2");
  EXPECT_EQ(record_id_problem("\x01"), "holds a control character (U+0001) at byte 1");
  EXPECT_EQ(record_id_problem("\x1B[0m"), "holds a control character (U+001B) at byte 1");
  EXPECT_EQ(record_id_problem("a\x7F"), "holds a control character (U+007F) at byte 2");
  EXPECT_EQ(record_id_problem("a\xC2\x85"), "holds a next-line control (U+0085) at byte 2");
  EXPECT_EQ(record_id_problem("a\xC2\x9B"), "holds a control character (U+009B) at byte 2");
  EXPECT_EQ(record_id_problem("a\xC2\xA0"), "holds a no-break space (U+00A0) at byte 2");
  EXPECT_EQ(record_id_problem("a\xE2\x80\xA8"), "holds a line separator (U+2028) at byte 2");
  EXPECT_EQ(record_id_problem("a\xE2\x80\xA9"), "holds a paragraph separator (U+2029) at byte 2");
  EXPECT_EQ(record_id_problem("a\xE3\x80\x80"), "holds a Unicode space (U+3000) at byte 2");
  EXPECT_EQ(record_id_problem("\xEF\xBB\xBFq1"), "holds a byte-order mark (U+FEFF) at byte 1");
}

TEST(RecordId, InvalidUtf8IsRefused) {
  EXPECT_EQ(record_id_problem("a\xFF"), "is not valid UTF-8 (byte 2)");
  EXPECT_EQ(record_id_problem("\xC0\xAF"), "is not valid UTF-8 (byte 1)");          // overlong '/'
  EXPECT_EQ(record_id_problem("\xED\xA0\x80"), "is not valid UTF-8 (byte 1)");      // surrogate
  EXPECT_EQ(record_id_problem("ab\xE6\x96"), "is not valid UTF-8 (byte 3)");        // truncated
  EXPECT_EQ(record_id_problem("\xF4\x90\x80\x80"), "is not valid UTF-8 (byte 1)");  // > U+10FFFF
}

TEST(RecordId, ValidateNamesFileLineAndEscapesControls) {
  try {
    validate_record_id("q\n1", "query id", "run.trec", 7);
    FAIL() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), "run.trec");
    EXPECT_EQ(e.line(), 7u);
    EXPECT_EQ(e.message(), "query id \"q\\x0A1\" holds a newline (U+000A) at byte 2");
  }
  EXPECT_NO_THROW(validate_record_id("q1", "query id", "run.trec", 7));
}

}  // namespace
}  // namespace embeval
