// One joining of title and body for every command: what `encode` reads from a JSONL file and
// what `eval` loads from the same BEIR corpus are the same strings, byte for byte, including a
// title with an empty body (once "title " in encode, "title" in eval).
#include "embeval/dataset/document_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "dataset/fake_man_dir.h"
#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;

TEST(DocumentText, JoinsTitleAndBodyWithOneSpace) {
  EXPECT_EQ(document_text({"d", "Title", "Body text"}), "Title Body text");
}

TEST(DocumentText, NoJoiningSpaceWhenOneSideIsEmpty) {
  EXPECT_EQ(document_text({"d", "Title", ""}), "Title");
  EXPECT_EQ(document_text({"d", "", "Body"}), "Body");
  EXPECT_EQ(document_text({"d", "", ""}), "");
}

TEST(DocumentText, KeepsTheTextsOwnSpaces) {
  // Only the joining space is ours: what the file holds reaches the model unchanged.
  EXPECT_EQ(document_text({"d", "Title ", " Body"}), "Title   Body");
  EXPECT_EQ(document_text({"d", " ", ""}), " ");
}

class DocumentTextFiles : public ::testing::Test {
 protected:
  const testing::TempDir dir_{"embeval-document-text"};
};

TEST_F(DocumentTextFiles, EncodeAndEvalReadTheSameTextsFromOneCorpus) {
  testing::write_plain(dir_ / "corpus.jsonl",
                       "{\"_id\": \"title-only\", \"title\": \"Title\", \"text\": \"\"}\n"
                       "{\"_id\": \"both\", \"title\": \"Title\", \"text\": \"Body\"}\n"
                       "{\"_id\": \"body-only\", \"title\": \"\", \"text\": \"Body\"}\n"
                       "{\"_id\": \"no-title\", \"text\": \"Body\"}\n");
  testing::write_plain(dir_ / "queries.jsonl", "{\"_id\": \"q\", \"text\": \"query\"}\n");
  testing::write_plain(dir_ / "qrels" / "test.tsv", "query-id\tcorpus-id\tscore\nq\tboth\t1\n");
  BeirLoadOptions quiet;
  quiet.show_progress = false;
  const Dataset eval_view = load_beir(dir_, quiet);
  const TextRecords encode_view = read_text_records(dir_ / "corpus.jsonl");
  const std::vector<std::string> expected = {"Title", "Title Body", "Body", "Body"};
  EXPECT_EQ(document_texts(eval_view.corpus), expected);
  EXPECT_EQ(encode_view.texts, expected);
  EXPECT_EQ(encode_view.ids,
            (std::vector<std::string>{"title-only", "both", "body-only", "no-title"}));
}

TEST_F(DocumentTextFiles, RecordsWithoutIdAreNamedByLine) {
  testing::write_plain(dir_ / "texts.jsonl",
                       "{\"text\": \"a\"}\n\n{\"_id\": 7, \"text\": \"b\"}\n");
  const TextRecords r = read_text_records(dir_ / "texts.jsonl");
  EXPECT_EQ(r.ids, (std::vector<std::string>{"1", "7"}));
  EXPECT_EQ(r.texts, (std::vector<std::string>{"a", "b"}));
}

TEST_F(DocumentTextFiles, ARecordWithoutTextNamesFileAndLine) {
  testing::write_plain(dir_ / "texts.jsonl", "{\"text\": \"a\"}\n{\"title\": \"only\"}\n");
  try {
    (void)read_text_records(dir_ / "texts.jsonl");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(e.line(), 2u);
    EXPECT_NE(std::string(e.what()).find("\"text\""), std::string::npos);
  }
}

}  // namespace
}  // namespace embeval
