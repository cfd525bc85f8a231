// chunk_dataset, document_qrels and heading_queries on small hand-built datasets: exact passage
// ids, texts, metadata and judgments, computed by hand from the byte offsets under each text.
#include "embeval/dataset/passages.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/dataset/heading_queries.h"

namespace embeval {
namespace {

ChunkOptions words(std::size_t size, std::size_t overlap, bool sections = false) {
  ChunkOptions o;
  o.size = size;
  o.overlap = overlap;
  o.sections = sections;
  return o;
}

Document doc(std::string id, std::string title, std::string text, std::string metadata = {}) {
  Document d;
  d.id = std::move(id);
  d.title = std::move(title);
  d.text = std::move(text);
  d.metadata = std::move(metadata);
  return d;
}

// "a b c d e": a 0-1, b 2-3, c 4-5, d 6-7, e 8-9.
TEST(ChunkDataset, PassagesKeepTheirParentAndJudgments) {
  Dataset source;
  source.corpus = {doc("d1", "T", "a b c d e"), doc("d2", "Empty", "")};
  source.queries = {{"q1", "find"}};
  source.qrels.judgments["q1"] = {{"d1", 2}, {"d2", 1}};
  ChunkingReport report;
  const Dataset out = chunk_dataset(source, words(2, 0), &report);
  ASSERT_EQ(out.corpus.size(), 4u);
  EXPECT_EQ(out.corpus[0].id, "d1#0");
  EXPECT_EQ(out.corpus[0].text, "a b");
  EXPECT_EQ(out.corpus[1].id, "d1#1");
  EXPECT_EQ(out.corpus[1].text, "c d");
  EXPECT_EQ(out.corpus[1].title, "T");
  EXPECT_EQ(out.corpus[1].metadata, R"({"parent":"d1","begin":4,"end":7,"heading_path":[]})");
  EXPECT_EQ(out.corpus[2].text, "e");
  EXPECT_EQ(out.corpus[3].id, "d2#0");  // an empty document keeps one empty passage
  EXPECT_EQ(out.corpus[3].text, "");
  EXPECT_EQ(out.corpus[3].title, "Empty");
  const auto& q1 = out.qrels.judgments.at("q1");
  EXPECT_EQ(q1.size(), 4u);
  EXPECT_EQ(q1.at("d1#0"), 2);
  EXPECT_EQ(q1.at("d1#2"), 2);
  EXPECT_EQ(q1.at("d2#0"), 1);
  EXPECT_EQ(report.documents, 2u);
  EXPECT_EQ(report.passages, 4u);
  EXPECT_EQ(report.empty_documents, 1u);
  EXPECT_EQ(report.documents_split, 1u);
  EXPECT_EQ(report.judgments_in, 2u);
  EXPECT_EQ(report.judgments_out, 4u);
  EXPECT_NE(out.metadata.find(R"("chunking":{"unit":"words")"), std::string::npos);

  // Back to documents: the highest grade per document, the original judgments.
  const PassageParents parents = passage_parents(out);
  EXPECT_EQ(parents.passages, 4u);
  EXPECT_EQ(parents.parent_ids, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_EQ(parents.parent_of, (std::vector<std::size_t>{0, 0, 0, 1}));
  const Qrels back = document_qrels(out, parents);
  EXPECT_EQ(back.judgments.at("q1").size(), 2u);
  EXPECT_EQ(back.judgments.at("q1").at("d1"), 2);
  EXPECT_EQ(back.judgments.at("q1").at("d2"), 1);
}

TEST(ChunkDataset, DocumentGradeIsTheHighestOfItsPassages) {
  Dataset passages;
  passages.corpus = {doc("x#0", "", "a", R"({"parent":"x"})"),
                     doc("x#1", "", "b", R"({"parent":"x"})"), doc("y", "", "c")};
  passages.qrels.judgments["q"] = {{"x#0", 1}, {"x#1", 2}, {"y", 1}};
  const Qrels back = document_qrels(passages, passage_parents(passages));
  EXPECT_EQ(back.judgments.at("q").at("x"), 2);
  EXPECT_EQ(back.judgments.at("q").at("y"), 1);  // not a passage: its own document
}

// "Intro. Install here now. Use it": Intro. 0-6, Install 7-14, here 15-19, now. 20-24,
// Use 25-28, it 29-31. Sections 7-24 (Install) and 25-31 (Use); pages 1: 0-20, 2: 20-31.
const char* kGuideMetadata =
    R"({"source":{"path":"guide.md","format":"markdown"},)"
    R"("sections":[{"begin":7,"end":24,"level":2,"heading":"Install","path":["Guide","Install"]},)"
    R"({"begin":25,"end":31,"level":2,"heading":"Use","path":["Guide","Use"]}],)"
    R"("pages":[{"page":1,"begin":0,"end":20},{"page":2,"begin":20,"end":31}]})";

TEST(ChunkDataset, SectionsPagesAndHeadingPaths) {
  Dataset source;
  source.corpus = {doc("guide.md", "Guide", "Intro. Install here now. Use it", kGuideMetadata)};
  const Dataset out = chunk_dataset(source, words(10, 0, true));
  ASSERT_EQ(out.corpus.size(), 3u);
  EXPECT_EQ(out.corpus[0].text, "Intro.");
  EXPECT_EQ(out.corpus[0].title, "Guide");
  EXPECT_EQ(out.corpus[1].text, "Install here now.");
  EXPECT_EQ(out.corpus[1].title, "Guide > Install");
  EXPECT_EQ(out.corpus[1].metadata,
            R"({"parent":"guide.md","begin":7,"end":24,"heading_path":["Guide","Install"],)"
            R"("sections":[{"index":0,"heading":"Install","path":["Guide","Install"]}],"page":1,)"
            R"("source":{"path":"guide.md","format":"markdown"},"parent_title":"Guide"})");
  EXPECT_EQ(out.corpus[2].text, "Use it");
  EXPECT_EQ(out.corpus[2].title, "Guide > Use");
  EXPECT_NE(out.corpus[2].metadata.find(R"("page":2)"), std::string::npos);

  // Without --sections one window spans both sections and records both.
  const Dataset whole = chunk_dataset(source, words(10, 0));
  ASSERT_EQ(whole.corpus.size(), 1u);
  EXPECT_EQ(whole.corpus[0].title, "Guide");
  EXPECT_NE(whole.corpus[0].metadata.find(R"("sections":[{"index":0,)"), std::string::npos);
  EXPECT_NE(whole.corpus[0].metadata.find(R"({"index":1,"heading":"Use")"), std::string::npos);
}

TEST(ChunkDataset, RefusesPassagesAndIdCollisions) {
  Dataset chunked;
  chunked.corpus = {doc("x#0", "", "a", R"({"parent":"x"})")};
  EXPECT_THROW((void)chunk_dataset(chunked, words(2, 0)), InputError);
  Dataset clash;
  clash.corpus = {doc("a", "", "one two three"), doc("a#1", "", "x")};
  EXPECT_THROW((void)chunk_dataset(clash, words(1, 0)), InputError);
  Dataset bad;
  bad.corpus = {doc("a", "", "x", "[1,2]")};
  EXPECT_THROW((void)chunk_dataset(bad, words(2, 0)), InputError);
  EXPECT_THROW((void)chunk_dataset(bad, words(2, 2)), InputError);
}

const char* sections_json(const std::vector<std::string>& headings) {
  static std::string s;
  s = R"({"sections":[)";
  for (std::size_t i = 0; i < headings.size(); ++i) {
    s += (i ? "," : "") + std::string(R"({"begin":0,"end":1,"heading":")") + headings[i] +
         R"(","path":[")" + headings[i] + R"("]})";
  }
  s += "]}";
  return s.c_str();
}

TEST(HeadingQueries, WholeDocumentsWithStopListShortAndSharedHeadings) {
  Dataset source;
  source.corpus = {
      doc("d1", "Install guide for embeval", "x",
          sections_json({"Introduction", "2.1 Building the  index:", "Tuning BM25"})),
      doc("d2", "Tuning BM25", "y", sections_json({"Go", "Install guide for embeval"})),
      doc("d3", "", "z")};
  HeadingQueryReport report;
  const Dataset out = heading_queries(source, {}, &report);
  // d1's title and d2's second heading are the same text in two documents: both skipped, as
  // d1's "Tuning BM25" and d2's title are.
  ASSERT_EQ(out.queries.size(), 1u);
  EXPECT_EQ(out.queries[0].id, "d1#h1");
  EXPECT_EQ(out.queries[0].text, "Building the index");
  EXPECT_EQ(out.qrels.judgments.at("d1#h1").size(), 1u);
  EXPECT_EQ(out.qrels.judgments.at("d1#h1").at("d1"), 2);
  EXPECT_EQ(report.candidates, 7u);
  EXPECT_EQ(report.skipped_generic, 1u);  // Introduction
  EXPECT_EQ(report.skipped_short, 1u);    // Go
  EXPECT_EQ(report.skipped_ambiguous, 4u);
  EXPECT_EQ(report.queries, 1u);
  EXPECT_NE(out.metadata.find(R"({"query":"d1#h1","document":"d1","heading":"Building the index")"),
            std::string::npos);
}

TEST(HeadingQueries, PassagesOfTheSectionAreGradeTwoTheOthersOne) {
  Dataset source;
  source.corpus = {
      doc("guide.md", "Guide book", "Intro. Install here now. Use it", kGuideMetadata)};
  const Dataset passages = chunk_dataset(source, words(10, 0, true));
  HeadingQueryReport report;
  const Dataset out = heading_queries(passages, {}, &report);
  ASSERT_EQ(out.queries.size(), 2u);  // "Use" is too short
  EXPECT_EQ(out.queries[0].id, "guide.md#title");
  EXPECT_EQ(out.queries[0].text, "Guide book");
  EXPECT_EQ(out.queries[1].id, "guide.md#h0");
  EXPECT_EQ(out.queries[1].text, "Install");
  const auto& title = out.qrels.judgments.at("guide.md#title");
  EXPECT_EQ(title.at("guide.md#0"), 2);
  EXPECT_EQ(title.at("guide.md#1"), 2);
  EXPECT_EQ(title.at("guide.md#2"), 2);
  const auto& install = out.qrels.judgments.at("guide.md#h0");
  EXPECT_EQ(install.at("guide.md#0"), 1);
  EXPECT_EQ(install.at("guide.md#1"), 2);
  EXPECT_EQ(install.at("guide.md#2"), 1);
  EXPECT_EQ(report.judgments_grade2, 4u);
  EXPECT_EQ(report.judgments_grade1, 2u);
}

TEST(HeadingQueries, NoQueryLeftIsAnInputError) {
  Dataset source;
  source.corpus = {doc("d", "Overview", "x")};
  EXPECT_THROW((void)heading_queries(source, {}), InputError);
}

}  // namespace
}  // namespace embeval
