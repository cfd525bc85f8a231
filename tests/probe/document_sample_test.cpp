// The tokenizer probes' document sample: which documents, which text, where it is cut.
#include "embeval/probe/document_sample.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace embeval {
namespace {

std::vector<Document> numbered_corpus(std::size_t n) {
  std::vector<Document> corpus;
  for (std::size_t i = 0; i < n; ++i) {
    corpus.push_back({"d" + std::to_string(i), "title " + std::to_string(i), "body"});
  }
  return corpus;
}

TEST(SampleDocuments, TakesEveryStepThDocumentFromTheFirst) {
  // 7 documents, target 3: step 7 / 3 = 2, documents 0, 2, 4, 6.
  const DocumentSample s = sample_documents(numbered_corpus(7), 3, 1000);
  EXPECT_EQ(s.step, 2u);
  EXPECT_EQ(s.texts, (std::vector<std::string>{"title 0 body", "title 2 body", "title 4 body",
                                               "title 6 body"}));
}

TEST(SampleDocuments, SmallCorpusIsTakenWhole) {
  const DocumentSample s = sample_documents(numbered_corpus(3), 1000, 1000);
  EXPECT_EQ(s.step, 1u);
  EXPECT_EQ(s.texts.size(), 3u);
  EXPECT_TRUE(sample_documents({}, 1000, 1000).texts.empty());
}

TEST(SampleDocuments, UsesTheDocumentTextEvalEncodes) {
  const std::vector<Document> corpus = {{"a", "only a title", ""}, {"b", "", "only a body"}};
  const DocumentSample s = sample_documents(corpus, 1000, 1000);
  EXPECT_EQ(s.texts, (std::vector<std::string>{"only a title", "only a body"}));
}

TEST(SampleDocuments, CutsLongTextsAtACharacterBoundary) {
  // "ab" + U+00E9 (2 bytes) + U+20AC (3 bytes): 7 bytes.
  const std::vector<Document> corpus = {{"a", "", "ab\xC3\xA9\xE2\x82\xAC"}};
  EXPECT_EQ(sample_documents(corpus, 1, 3).texts.front(), "ab");
  EXPECT_EQ(sample_documents(corpus, 1, 4).texts.front(), "ab\xC3\xA9");
  EXPECT_EQ(sample_documents(corpus, 1, 6).texts.front(), "ab\xC3\xA9");
  EXPECT_EQ(sample_documents(corpus, 1, 7).texts.front(), "ab\xC3\xA9\xE2\x82\xAC");
}

TEST(Utf8PrefixLength, NeverSplitsASequence) {
  const std::string euro = "\xE2\x82\xAC";  // U+20AC, 3 bytes
  EXPECT_EQ(utf8_prefix_length(euro + euro, 5), 3u);
  EXPECT_EQ(utf8_prefix_length(euro + euro, 6), 6u);
  EXPECT_EQ(utf8_prefix_length(euro, 2), 0u);
  EXPECT_EQ(utf8_prefix_length("plain", 3), 3u);
  EXPECT_EQ(utf8_prefix_length("", 3), 0u);
  EXPECT_EQ(utf8_prefix_length("abc", 0), 0u);
}

}  // namespace
}  // namespace embeval
