// read_bitext_tsv: pairs read byte for byte, and every malformed line refused with its file and
// line number.
#include "embeval/io/bitext_pairs.h"

#include <gtest/gtest.h>

#include <string>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

using testing::TempDir;

// The InputError read_bitext_tsv throws for `bytes`, or a failed test when it does not throw.
InputError error_for(const std::string& bytes) {
  const TempDir dir("embeval-bitext");
  const auto path = dir.write("pairs.tsv", bytes);
  try {
    (void)read_bitext_tsv(path);
  } catch (const InputError& e) {
    EXPECT_EQ(e.file(), path.string());
    return e;
  }
  ADD_FAILURE() << "no error for: " << bytes;
  return InputError("none");
}

TEST(BitextPairs, ReadsPairsInOrderDroppingBomAndCarriageReturns) {
  const TempDir dir("embeval-bitext");
  const auto path =
      dir.write("pairs.tsv", "\xEF\xBB\xBFthe house\tdas Haus\r\ncaf\xC3\xA9 \tKaffee\nsun\tSonne");
  const BitextPairs pairs = read_bitext_tsv(path);
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs.sources[0], "the house");
  EXPECT_EQ(pairs.targets[0], "das Haus");
  EXPECT_EQ(pairs.sources[1], "caf\xC3\xA9 ");  // kept byte for byte, trailing space included
  EXPECT_EQ(pairs.targets[1], "Kaffee");
  EXPECT_EQ(pairs.sources[2], "sun");  // the last line needs no line end
  EXPECT_EQ(pairs.targets[2], "Sonne");
}

TEST(BitextPairs, ALineWithoutExactlyOneTabNamesItsLine) {
  InputError none = error_for("a\tb\nno tab here\nc\td\n");
  EXPECT_EQ(none.line(), 2u);
  EXPECT_EQ(none.message(), "no tab on the line");
  EXPECT_NE(none.hint().find("source<TAB>target"), std::string::npos);
  InputError two = error_for("a\tb\nc\td\ne\tf\tg\n");
  EXPECT_EQ(two.line(), 3u);
  EXPECT_EQ(two.message(), "more than one tab on the line");
  InputError blank = error_for("a\tb\n\nc\td\n");  // a blank line is a line without a tab
  EXPECT_EQ(blank.line(), 2u);
}

TEST(BitextPairs, EmptySidesAndInvalidUtf8AreRefused) {
  InputError source = error_for("a\tb\n\tc\n");
  EXPECT_EQ(source.line(), 2u);
  EXPECT_EQ(source.message(), "empty source text");
  InputError target = error_for("a\t \r\nb\tc\n");
  EXPECT_EQ(target.line(), 1u);
  EXPECT_EQ(target.message(), "empty target text");
  InputError utf8 = error_for("a\tb\nc\td\ne\tf\xC3(\n");
  EXPECT_EQ(utf8.line(), 3u);
  EXPECT_EQ(utf8.message(), "invalid UTF-8 in the target text at byte 2");
}

TEST(BitextPairs, FewerThanTwoPairsAreRefused) {
  EXPECT_EQ(error_for("").message(), "only 0 pair(s); alignment needs at least 2");
  EXPECT_EQ(error_for("a\tb\n").message(), "only 1 pair(s); alignment needs at least 2");
  const TempDir dir("embeval-bitext");
  EXPECT_THROW((void)read_bitext_tsv(dir / "missing.tsv"), InputError);
}

TEST(BitextSide, TabsAndLineBreaksBecomeOneSpace) {
  EXPECT_EQ(bitext_side("  copy\tfiles \r\n and\n\ndirectories \v\f"),
            "copy files and directories");
  EXPECT_EQ(bitext_side("\t\n "), "");
  EXPECT_EQ(bitext_side("caf\xC3\xA9"), "caf\xC3\xA9");  // other bytes kept
}

TEST(BitextPairs, WrittenPairsReadBackExactly) {
  const TempDir dir("embeval-bitext");
  BitextPairs pairs;
  pairs.sources = {"list directory contents", bitext_side("copy\tfiles\n")};
  pairs.targets = {"Verzeichnisinhalte auflisten", "kopieren"};
  const auto path = dir.path() / "out.tsv";
  write_bitext_tsv(path, pairs);
  const BitextPairs back = read_bitext_tsv(path);
  EXPECT_EQ(back.sources, pairs.sources);
  EXPECT_EQ(back.targets, pairs.targets);
}

}  // namespace
}  // namespace embeval
