// Issue 9: a UTF-8 byte-order mark opening a word-vector file is dropped by every loader (it
// used to be glued to the first word, or to break the header), and by format detection.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "embeval/io/word_vectors.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

const std::string kBom = "\xEF\xBB\xBF";

class WordVectorsBomTest : public ::testing::Test {
 protected:
  fs::path write(const std::string& name, const std::string& bytes) {
    return dir_.write(name, bytes);
  }

  // The first word is found under its own name, with its values.
  static void expect_first_word(const WordVectors& v, const std::string& word, float first) {
    ASSERT_GE(v.size(), 1u);
    EXPECT_EQ(v.words()[0], word);
    EXPECT_EQ(v.find(word), std::optional<std::size_t>(0));
    EXPECT_FLOAT_EQ(v.row(0)[0], first);
  }

  embeval::testing::TempDir dir_{"embeval-wv-bom"};
};

TEST_F(WordVectorsBomTest, Word2VecTextHeader) {
  const fs::path p = write("v.txt", kBom + "2 2\nthe 0.5 -1\ncat 2 3\n");
  EXPECT_EQ(detect_word_vector_format(p), WordVectorFormat::kWord2VecText);
  const WordVectors v = load_word_vectors(p);
  EXPECT_EQ(v.size(), 2u);
  expect_first_word(v, "the", 0.5f);
}

TEST_F(WordVectorsBomTest, GloveFirstWord) {
  const fs::path p = write("glove.txt", kBom + "the 1 2 3\nof 4 5 6\n");
  EXPECT_EQ(detect_word_vector_format(p), WordVectorFormat::kGloveText);
  expect_first_word(load_word_vectors(p), "the", 1.0f);
}

TEST_F(WordVectorsBomTest, FastTextVec) {
  const fs::path p = write("wiki.vec", kBom + "1 2\nthe 7 8\r\n");
  expect_first_word(load_word_vectors(p), "the", 7.0f);
}

TEST_F(WordVectorsBomTest, Word2VecBinaryHeader) {
  std::string bytes = kBom + "1 2\nking ";
  const std::vector<float> values = {1.5f, -2.0f};
  bytes.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  bytes += "\n";
  expect_first_word(load_word_vectors(write("v.bin", bytes)), "king", 1.5f);
}

TEST_F(WordVectorsBomTest, WinkJson) {
  const fs::path p =
      write("wink.json", kBom + R"({"dimensions":2,"words":["the"],"vectors":{"the":[3,4,5,0]}})");
  EXPECT_EQ(detect_word_vector_format(p), WordVectorFormat::kWinkJson);
  expect_first_word(load_word_vectors(p), "the", 3.0f);
}

}  // namespace
}  // namespace embeval
