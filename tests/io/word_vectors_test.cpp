// Loaders and writers for static word vectors: every format, and every kind of bad file.
#include "embeval/io/word_vectors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

class WordVectorsTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) {
    return dir_.write(name, bytes);
  }

  // Expects an InputError whose line is `line` and whose message contains `needle`.
  template <typename F>
  void expect_input_error(F&& f, std::size_t line, const std::string& needle) {
    try {
      f();
      FAIL() << "expected InputError containing '" << needle << "'";
    } catch (const InputError& e) {
      EXPECT_EQ(e.line(), line) << e.what();
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
      EXPECT_FALSE(e.file().empty());
    }
  }

  embeval::testing::TempDir dir_{"embeval-wv"};
};

std::string binary_row(const std::string& word, std::vector<float> values) {
  std::string out = word + " ";
  out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return out + "\n";
}

TEST_F(WordVectorsTest, Word2VecTextLoadsRowsInFileOrder) {
  const fs::path p = write("v.txt", "3 2\nthe 0.5 -1\ncat 2 3.25\ndog -0.125 4e-1\n");
  EXPECT_EQ(detect_word_vector_format(p), WordVectorFormat::kWord2VecText);
  const WordVectors v = load_word_vectors(p);
  ASSERT_EQ(v.size(), 3u);
  ASSERT_EQ(v.dim(), 2u);
  EXPECT_EQ(v.words()[0], "the");
  EXPECT_EQ(v.words()[2], "dog");
  EXPECT_FLOAT_EQ(v.row(1)[1], 3.25f);
  EXPECT_FLOAT_EQ(v.row(2)[1], 0.4f);
  EXPECT_EQ(v.find("cat"), std::optional<std::size_t>(1));
  EXPECT_FALSE(v.find("bird").has_value());
}

TEST_F(WordVectorsTest, GloveHasNoHeaderAndTakesDimFromFirstRow) {
  const fs::path p = write("glove.6B.3d.txt", "the 1 2 3\nof 4 5 6\r\n\n");
  EXPECT_EQ(detect_word_vector_format(p), WordVectorFormat::kGloveText);
  const WordVectors v = load_word_vectors(p);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.dim(), 3u);
  EXPECT_FLOAT_EQ(v.row(1)[2], 6.0f);
}

TEST_F(WordVectorsTest, FastTextVecIsSelectedByExtension) {
  const fs::path p = write("wiki.vec", "2 2\n, 0.1 0.2 \nthe 0.3 0.4 \n");
  EXPECT_EQ(detect_word_vector_format(p), WordVectorFormat::kFastTextVec);
  const WordVectors v = load_word_vectors(p);
  EXPECT_EQ(v.words()[0], ",");
  EXPECT_FLOAT_EQ(v.row(1)[0], 0.3f);
}

TEST_F(WordVectorsTest, Word2VecBinaryReadsTheReferenceLayout) {
  // Byte layout as word2vec.c writes it: header, then "word " + floats + '\n'.
  const std::string bytes =
      "2 3\n" + binary_row("king", {1.0f, -2.0f, 0.5f}) + binary_row("queen", {0.25f, 8, -1});
  const fs::path p = write("model.bin", bytes);
  const WordVectors v = load_word_vectors(p);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.words()[1], "queen");
  EXPECT_FLOAT_EQ(v.row(0)[1], -2.0f);
  EXPECT_FLOAT_EQ(v.row(1)[1], 8.0f);
  // Without the newline after each vector (some writers omit it) the file reads the same.
  std::string no_newlines = "2 3\nking ";
  const float a[3] = {1.0f, -2.0f, 0.5f}, b[3] = {0.25f, 8, -1};
  no_newlines.append(reinterpret_cast<const char*>(a), sizeof a);
  no_newlines += "queen ";
  no_newlines.append(reinterpret_cast<const char*>(b), sizeof b);
  const WordVectors w = load_word_vectors(write("nl.bin", no_newlines));
  EXPECT_EQ(w.words()[1], "queen");
  EXPECT_FLOAT_EQ(w.row(1)[2], -1.0f);
}

TEST_F(WordVectorsTest, WritersRoundTripExactly) {
  DenseMatrix m(3, 2);
  m.data = {0.1f, -1e-7f, 3.4028235e38f, 1.0f / 3.0f, -0.0f, 12345.678f};
  const WordVectors original({"a", "b\xC3\xA9", "c"}, m);
  write_word2vec_text(dir_ / "out.txt", original);
  write_word2vec_binary(dir_ / "out.bin", original);
  for (const fs::path& p : {dir_ / "out.txt", dir_ / "out.bin"}) {
    const WordVectors back = load_word_vectors(p);
    EXPECT_EQ(back.words(), original.words()) << p;
    EXPECT_EQ(back.vectors().data, original.vectors().data) << p;
  }
}

TEST_F(WordVectorsTest, WinkJsonFollowsTheWordsRankAndDropsNormAndIndex) {
  // The npm package's layout: vectors carry [D values, l2 norm, rank]; "words" gives the order.
  const fs::path p =
      write("wink.json",
            R"({"precision":8,"l2NormIndex":2,"wordIndex":3,"size":2,"dimensions":2,)"
            R"("words":["the","a\"b"],)"
            R"("vectors":{"a\"b":[3,4,5,1],"the":[0.5,-0.5,0.7071,0]},"unkVector":[0,0,0,-1]})");
  EXPECT_EQ(detect_word_vector_format(p), WordVectorFormat::kWinkJson);
  const WordVectors v = load_word_vectors(p);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v.dim(), 2u);
  EXPECT_EQ(v.words()[0], "the");
  EXPECT_EQ(v.words()[1], "a\"b");
  EXPECT_FLOAT_EQ(v.row(1)[0], 3.0f);
  EXPECT_FLOAT_EQ(v.row(1)[1], 4.0f);
}

TEST_F(WordVectorsTest, WinkJsonWithWrongVectorLengthFails) {
  const fs::path p = write("bad.json", R"({"dimensions":2,"vectors":{"x":[1,2,3]}})");
  expect_input_error([&] { (void)load_word_vectors(p); }, 1, "has 3 entries");
  const fs::path q = write("broken.json", R"({"dimensions":2,"vectors":{"x":[1,2)");
  expect_input_error([&] { (void)load_word_vectors(q); }, 1, "malformed wink JSON");
}

TEST_F(WordVectorsTest, MalformedHeadersNameLineOne) {
  const fs::path one = write("a.vec", "3\nx 1 2 3\n");
  expect_input_error([&] { (void)load_word_vectors(one); }, 1, "expected 'COUNT DIM'");
  const fs::path words = write("b.vec", "three two\nx 1 2\n");
  expect_input_error([&] { (void)load_word_vectors(words); }, 1, "not a non-negative integer");
  const fs::path bin = write("c.bin", "2 x\nking ");
  expect_input_error([&] { (void)load_word_vectors(bin); }, 1, "malformed word2vec binary header");
}

TEST_F(WordVectorsTest, WrongDimensionsNameTheLine) {
  const fs::path p = write("v.txt", "2 3\nthe 1 2 3\ncat 1 2\n");
  expect_input_error([&] { (void)load_word_vectors(p); }, 3, "row has 2 values, expected 3");
  // A header DIM that contradicts the first row is a text error, not a binary file.
  const fs::path h = write("h.bin", "2 3\nthe 1 2\ncat 1 2\n");
  EXPECT_EQ(detect_word_vector_format(h), WordVectorFormat::kWord2VecText);
  expect_input_error([&] { (void)load_word_vectors(h); }, 2, "row has 2 values, expected 3");
  const fs::path g = write("g.txt", "the 1 2 3\nof 4 5 6\nin 7 8 9 10\n");
  expect_input_error([&] { (void)load_word_vectors(g); }, 3, "row has 4 values, expected 3");
}

TEST_F(WordVectorsTest, RowCountMustMatchHeader) {
  const fs::path p = write("v.txt", "3 2\nthe 1 2\ncat 1 2\n");
  expect_input_error([&] { (void)load_word_vectors(p); }, 3, "header declares 3 words");
  // Fewer declared than present: the rest is not dropped silently.
  const fs::path q = write("w.txt", "1 2\nthe 1 2\ncat 1 2\n");
  expect_input_error([&] { (void)load_word_vectors(q); }, 3,
                     "header declares 1 words, file has 2 rows");
  // A huge declared COUNT or DIM allocates nothing.
  const fs::path r = write("x.txt", "18446744073709551615 2\nthe 1 2\n");
  expect_input_error([&] { (void)load_word_vectors(r); }, 2,
                     "header declares 18446744073709551615 words, file has 1 rows");
  const fs::path d = write("y.txt", "1 18446744073709551615\nthe 1 2\n");
  expect_input_error([&] { (void)load_word_vectors(d); }, 2, "row has 2 values");
}

TEST_F(WordVectorsTest, TruncatedBinaryFails) {
  std::string bytes = "2 3\n" + binary_row("king", {1, 2, 3}) + binary_row("queen", {1, 2, 3});
  bytes.resize(bytes.size() - 6);  // cut into the last vector
  const fs::path p = write("t.bin", bytes);
  expect_input_error([&] { (void)load_word_vectors(p); }, 0, "vector of word 2 ('queen')");
  // A header COUNT the file cannot hold fails before reading (or allocating) anything.
  const fs::path q = write("u.bin", "3 3\n" + binary_row("king", {1, 2, 3}));
  expect_input_error([&] { (void)load_word_vectors(q); }, 1,
                     "header declares 3 words of 3 floats, but the file's 18 data bytes hold at "
                     "most 1");
  // A file that can hold the COUNT but ends early still names the entry.
  std::string cut =
      "2 3\n" + binary_row("king", {1, 2, 3}) + "queen_with_a_long_name" + std::string(3, 'x');
  const fs::path r = write("v.bin", cut);
  expect_input_error([&] { (void)load_word_vectors(r); }, 0, "data ends in word 2");
}

TEST_F(WordVectorsTest, BinaryHeaderSizesAreBoundedByTheFileBeforeAllocating) {
  // DIM and COUNT near the integer limits: an InputError, never a huge allocation.
  const std::string row = binary_row("king", {1, 2, 3});
  expect_input_error([&] { (void)load_word_vectors(write("d.bin", "1 4000000000\n" + row)); }, 1,
                     "header declares DIM 4000000000 but the file holds only 18 bytes");
  expect_input_error(
      [&] { (void)load_word_vectors(write("e.bin", "1 18446744073709551615\n" + row)); }, 1,
      "header declares DIM 18446744073709551615");
  expect_input_error(
      [&] { (void)load_word_vectors(write("c.bin", "18446744073709551615 3\n" + row)); }, 1,
      "header declares 18446744073709551615 words of 3 floats");
}

TEST_F(WordVectorsTest, BinaryHeaderCountSmallerThanTheDataFails) {
  const std::string rows =
      binary_row("king", {1, 2, 3}) + binary_row("queen", {4, 5, 6}) + binary_row("x", {7, 8, 9});
  expect_input_error([&] { (void)load_word_vectors(write("a.bin", "1 3\n" + rows)); }, 1,
                     "header declares 1 words, but the file holds 3");
  expect_input_error([&] { (void)load_word_vectors(write("b.bin", "2 3\n" + rows)); }, 1,
                     "header declares 2 words, but the file holds 3");
  // Trailing bytes that are not a whole entry are still reported.
  expect_input_error([&] { (void)load_word_vectors(write("c.bin", "3 3\n" + rows + "y ab")); }, 1,
                     "the last incomplete");
  // max_words stops early on purpose: no complaint about the rest.
  EXPECT_EQ(
      load_word_vectors(write("d.bin", "3 3\n" + rows), WordVectorFormat::kAuto, nullptr, 1).size(),
      1u);
}

TEST_F(WordVectorsTest, FormatIsDetectedFromTheContentNotTheName) {
  // word2vec text and GloVe text named .bin read as text.
  const fs::path text = write("text.bin", "2 2\nthe 0.5 -1\ncat 2 3.25\n");
  EXPECT_EQ(detect_word_vector_format(text), WordVectorFormat::kWord2VecText);
  const WordVectors t = load_word_vectors(text);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_FLOAT_EQ(t.row(1)[1], 3.25f);
  const fs::path glove = write("glove.bin", "the 0.5 -1\ncat 2 3.25\n");
  EXPECT_EQ(detect_word_vector_format(glove), WordVectorFormat::kGloveText);
  EXPECT_EQ(load_word_vectors(glove).size(), 2u);
  // A binary file named .txt reads as binary; wink JSON named .txt reads as wink.
  const fs::path bin = write("bin.txt", "1 3\n" + binary_row("king", {1.0f, -2.0f, 0.5f}));
  EXPECT_EQ(detect_word_vector_format(bin), WordVectorFormat::kWord2VecBinary);
  EXPECT_FLOAT_EQ(load_word_vectors(bin).row(0)[1], -2.0f);
  const fs::path json = write("w.txt", R"( {"dimensions":1,"vectors":{"a":[1]}})");
  EXPECT_EQ(detect_word_vector_format(json), WordVectorFormat::kWinkJson);
  // A GloVe row whose word is "{" is not JSON.
  EXPECT_EQ(detect_word_vector_format(write("brace.txt", "{ 1 2\n} 3 4\n")),
            WordVectorFormat::kGloveText);
  // Asking for binary on a text file (or the reverse) names what the content is.
  expect_input_error(
      [&] { (void)load_word_vectors(text, WordVectorFormat::kWord2VecBinary); }, 0,
      "the file holds word2vec-text vectors (detected from its content), not word2vec-binary");
  expect_input_error([&] { (void)load_word_vectors(bin, WordVectorFormat::kGloveText); }, 0,
                     "the file holds word2vec-binary vectors");
  // Every reader's error says which format it read and why.
  expect_input_error([&] { (void)load_word_vectors(write("r.txt", "2 2\nthe 1 2\ncat 1\n")); }, 3,
                     "(read as word2vec-text, detected from the content)");
  expect_input_error(
      [&] {
        (void)load_word_vectors(write("s.txt", "the 1 2\ncat 1\n"), WordVectorFormat::kGloveText);
      },
      2, "(read as glove, as requested)");
}

TEST_F(WordVectorsTest, WinkJsonRejectsRepeatedAndContradictingKeys) {
  // A second "dimensions" after "vectors" once changed the row stride (heap over-read).
  const fs::path p = write("twice.json", R"({"dimensions":2,"words":["a","b"],)"
                                         R"("vectors":{"a":[1,2],"b":[3,4]},"dimensions":100})");
  expect_input_error([&] { (void)load_word_vectors(p); }, 1, "key \"dimensions\" appears twice");
  for (const char* key : {"words", "vectors", "l2NormIndex", "unkVector", "precision"}) {
    const std::string value = std::string(key) == "words"       ? R"(["a"])"
                              : std::string(key) == "vectors"   ? R"({"a":[1]})"
                              : std::string(key) == "unkVector" ? "[0]"
                                                                : "1";
    const fs::path q = write(std::string(key) + ".json",
                             R"({"dimensions":1,"words":["a"],"vectors":{"a":[1]},"l2NormIndex":1,)"
                             R"("precision":8,"unkVector":[0],")" +
                                 std::string(key) + "\":" + value + "}");
    expect_input_error([&] { (void)load_word_vectors(q); }, 1,
                       "key \"" + std::string(key) + "\" appears twice");
  }
  const fs::path norm =
      write("norm.json", R"({"dimensions":2,"l2NormIndex":5,"vectors":{"a":[1,2,3,4]}})");
  expect_input_error([&] { (void)load_word_vectors(norm); }, 1,
                     "contradicting header: \"l2NormIndex\" is 5, \"dimensions\" 2");
  const fs::path word_index =
      write("wi.json", R"({"dimensions":2,"wordIndex":2,"vectors":{"a":[1,2,3,4]}})");
  expect_input_error([&] { (void)load_word_vectors(word_index); }, 1, "\"wordIndex\" is 2");
  const fs::path unlisted =
      write("unlisted.json", R"({"dimensions":1,"words":["a"],"vectors":{"a":[1],"b":[2]}})");
  expect_input_error([&] { (void)load_word_vectors(unlisted); }, 1,
                     "word 'b' has a vector but is not listed");
  // Every row has the one dimension: a shorter or longer row is named.
  const fs::path ragged =
      write("ragged.json", R"({"dimensions":2,"vectors":{"a":[1,2],"b":[1,2,3,4,5]}})");
  expect_input_error([&] { (void)load_word_vectors(ragged); }, 1, "'b' has 5 entries, expected 2");
  // A value beyond float32 is not silently made infinite.
  const fs::path huge = write("huge.json", R"({"dimensions":1,"vectors":{"a":[1e300]}})");
  expect_input_error([&] { (void)load_word_vectors(huge); }, 1, "not a finite float32");
}

TEST_F(WordVectorsTest, LoadReportCountsEveryDroppedKind) {
  // Binary: an empty word, a duplicate and a non-UTF-8 word, each counted; the report is reset.
  const std::string bytes = "4 1\n" + binary_row("a", {1}) + binary_row("", {2}) +
                            binary_row("a", {3}) + binary_row("b\xFF", {4});
  WordVectorLoadReport report;
  report.duplicate_words = 99;
  const WordVectors v = load_word_vectors(write("r.bin", bytes), WordVectorFormat::kAuto, &report);
  EXPECT_EQ(v.size(), 1u);
  EXPECT_EQ(report.words_loaded, 1u);
  EXPECT_EQ(report.empty_words, 1u);
  EXPECT_EQ(report.duplicate_words, 1u);
  EXPECT_EQ(report.invalid_utf8, 1u);
  EXPECT_EQ(report.dropped(), 3u);
  // Wink: a word listed twice in "words" and a word given two vectors both count.
  WordVectorLoadReport wink;
  const WordVectors w = load_word_vectors(
      write("d.json",
            R"({"dimensions":1,"words":["a","b","a"],"vectors":{"a":[1],"b":[2],"a":[3]}})"),
      WordVectorFormat::kAuto, &wink);
  EXPECT_EQ(w.size(), 2u);
  EXPECT_FLOAT_EQ(w.row(0)[0], 1.0f);
  EXPECT_EQ(wink.duplicate_words, 2u);
  EXPECT_EQ(wink.words_loaded, 2u);
}

TEST_F(WordVectorsTest, NonNumbersAndNonFiniteValuesFail) {
  const fs::path p = write("v.txt", "2 2\nthe 1 2\ncat 1 x\n");
  expect_input_error([&] { (void)load_word_vectors(p); }, 3, "value 2 ('x')");
  const fs::path q = write("w.txt", "the 1 nan\n");
  expect_input_error([&] { (void)load_word_vectors(q); }, 1, "not a finite number");
}

TEST_F(WordVectorsTest, DuplicatesAndInvalidUtf8AreSkippedAndCounted) {
  const fs::path p =
      write("v.txt", "5 1\nthe 1\ncat 2\nthe 3\nbad\xFF\xFEword 4\nover\xC0\xAFlong 5\n");
  WordVectorLoadReport report;
  const WordVectors v = load_word_vectors(p, WordVectorFormat::kAuto, &report);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_FLOAT_EQ(v.row(*v.find("the"))[0], 1.0f);  // the first (most frequent) row wins
  EXPECT_EQ(report.duplicate_words, 1u);
  EXPECT_EQ(report.invalid_utf8, 2u);
  // Valid multi-byte UTF-8 is kept.
  const WordVectors u = load_word_vectors(write("u.txt", "caf\xC3\xA9 1\n\xE6\x97\xA5 2\n"));
  EXPECT_EQ(u.size(), 2u);
}

TEST_F(WordVectorsTest, MaxWordsKeepsTheFirstRows) {
  const fs::path p = write("v.txt", "3 1\na 1\nb 2\nc 3\n");
  const WordVectors v = load_word_vectors(p, WordVectorFormat::kAuto, nullptr, 2);
  EXPECT_EQ(v.size(), 2u);
  EXPECT_EQ(v.words()[1], "b");
}

TEST_F(WordVectorsTest, MissingFileAndUnknownFormatName) {
  expect_input_error([&] { (void)load_word_vectors(dir_ / "nope.txt"); }, 0, "not found");
  EXPECT_THROW((void)parse_word_vector_format("gensim"), InputError);
  EXPECT_EQ(parse_word_vector_format("wink"), WordVectorFormat::kWinkJson);
}

TEST(WordVectors, NormalizeRowsMakesUnitRowsAndKeepsZeroRows) {
  DenseMatrix m(2, 2);
  m.data = {3, 4, 0, 0};
  WordVectors v({"a", "b"}, m);
  v.normalize_rows();
  EXPECT_FLOAT_EQ(v.row(0)[0], 0.6f);
  EXPECT_FLOAT_EQ(v.row(0)[1], 0.8f);
  EXPECT_FLOAT_EQ(v.row(1)[0], 0.0f);
}

}  // namespace
}  // namespace embeval
