#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "dataset/fake_man_dir.h"
#include "embeval/core/error.h"
#include "embeval/dataset/dataset.h"
#include "support/read_file.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

namespace fs = std::filesystem;
using testing::read_file;
using Judgments = std::map<std::string, std::map<std::string, int>>;

Judgments sorted_qrels(const Qrels& qrels) {
  Judgments out;
  for (const auto& [qid, docs] : qrels.judgments) {
    out[qid] = std::map<std::string, int>(docs.begin(), docs.end());
  }
  return out;
}

class BeirTest : public ::testing::Test {
 protected:
  // Writes a dataset directory from raw file contents.
  fs::path make(const std::string& name, const std::string& corpus, const std::string& queries,
                const std::string& qrels, const std::string& split = "test") {
    const fs::path d = dir_ / name;
    testing::write_plain(d / "corpus.jsonl", corpus);
    testing::write_plain(d / "queries.jsonl", queries);
    testing::write_plain(d / "qrels" / (split + ".tsv"), qrels);
    return d;
  }

  static BeirLoadOptions quiet(Utf8Policy utf8 = Utf8Policy::kReplace) {
    BeirLoadOptions o;
    o.show_progress = false;
    o.utf8 = utf8;
    return o;
  }

  static InputError error_of(const fs::path& d, const BeirLoadOptions& options) {
    try {
      (void)load_beir(d, options);
    } catch (const InputError& e) {
      return e;
    }
    ADD_FAILURE() << "expected an InputError";
    return InputError("none");
  }

  testing::TempDir dir_{"embeval-beir"};
};

TEST_F(BeirTest, RoundTripWriteThenLoadIsEqual) {
  Dataset original;
  original.corpus = {
      {"d1", "Title \"quoted\"", "line one\nline two\twith tab \\ backslash"},
      {"d2", "", "caf\u00e9 \u65e5\u672c \U0001F600 control \x01\x1f end"},
      {"d3", "only title", ""},
  };
  original.queries = {{"q1", "what is \"d1\"?"}, {"q2", "\u00fcber"}};
  original.qrels.judgments["q1"] = {{"d1", 2}, {"d3", 0}};
  original.qrels.judgments["q2"] = {{"d2", 1}, {"d1", -1}};
  const fs::path d = dir_ / "roundtrip";
  write_beir(d, original, "dev");

  const Dataset loaded = load_beir(d, [] {
    BeirLoadOptions o = quiet();
    o.split = "dev";
    return o;
  }());
  EXPECT_EQ(loaded.name, "roundtrip");
  ASSERT_EQ(loaded.corpus.size(), original.corpus.size());
  for (std::size_t i = 0; i < loaded.corpus.size(); ++i) {
    EXPECT_EQ(loaded.corpus[i].id, original.corpus[i].id);
    EXPECT_EQ(loaded.corpus[i].title, original.corpus[i].title);
    EXPECT_EQ(loaded.corpus[i].text, original.corpus[i].text);
  }
  ASSERT_EQ(loaded.queries.size(), 2u);
  EXPECT_EQ(loaded.queries[0].id, "q1");
  EXPECT_EQ(loaded.queries[0].text, original.queries[0].text);
  EXPECT_EQ(loaded.queries[1].text, original.queries[1].text);
  EXPECT_EQ(sorted_qrels(loaded.qrels), sorted_qrels(original.qrels));
  EXPECT_EQ(loaded.report.empty_documents, 0u);
  EXPECT_TRUE(loaded.report.warnings.empty());
  // Deterministic qrels file: header, then sorted by query and document.
  EXPECT_EQ(read_file(d / "qrels" / "dev.tsv"),
            "query-id\tcorpus-id\tscore\nq1\td1\t2\nq1\td3\t0\nq2\td1\t-"
            "1\nq2\td2\t1\n");
  EXPECT_FALSE(fs::exists(d / "qrels" / "test.tsv"));
}

TEST_F(BeirTest, WriterReplacesInvalidUtf8SoOutputIsValidJson) {
  Dataset dataset;
  dataset.corpus = {{"d1", "", "bad \xff byte"}};
  dataset.queries = {{"q1", "x"}};
  dataset.qrels.judgments["q1"] = {{"d1", 1}};
  const fs::path d = dir_ / "bad";
  write_beir(d, dataset);
  const Dataset loaded = load_beir(d, quiet(Utf8Policy::kReject));  // valid UTF-8 now
  EXPECT_EQ(loaded.corpus[0].text, "bad \xEF\xBF\xBD byte");
}

TEST_F(BeirTest, WriterRejectsIdsThatBreakTheTsvAndWritesNothing) {
  Dataset dataset;
  dataset.corpus = {{"d\t1", "", "x"}};
  dataset.queries = {{"q1", "x"}};
  dataset.qrels.judgments["q1"] = {{"d\t1", 1}};
  EXPECT_THROW(write_beir(dir_ / "tab", dataset), InputError);
  EXPECT_FALSE(fs::exists(dir_ / "tab" / "corpus.jsonl"));
}

TEST_F(BeirTest, DuplicateDocumentIdNamesBothLines) {
  const fs::path d =
      make("dup",
           "{\"_id\": \"a\", \"text\": \"1\"}\n"
           "{\"_id\": \"b\", \"text\": \"2\"}\n"
           "{\"_id\": \"a\", \"text\": \"3\"}\n",
           "{\"_id\": \"q\", \"text\": \"x\"}\n", "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  const InputError e = error_of(d, quiet());
  EXPECT_EQ(e.file(), (d / "corpus.jsonl").string());
  EXPECT_EQ(e.line(), 3u);
  EXPECT_EQ(e.message(), "duplicate document _id \"a\" (first seen on line 1)");
}

TEST_F(BeirTest, DuplicateQueryIdIsAnError) {
  const fs::path d = make("dupq", "{\"_id\": \"a\", \"text\": \"1\"}\n",
                          "{\"_id\": \"q\", \"text\": \"x\"}\n\n{\"_id\": "
                          "\"q\", \"text\": \"y\"}\n",
                          "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  const InputError e = error_of(d, quiet());
  EXPECT_EQ(e.file(), (d / "queries.jsonl").string());
  EXPECT_EQ(e.line(), 3u);
}

TEST_F(BeirTest, MalformedJsonNamesFileAndLine) {
  const fs::path d =
      make("malformed",
           "{\"_id\": \"a\", \"text\": \"1\"}\n"
           "{\"_id\": \"b\", \"text\": \"2\"}\n"
           "{\"_id\": \"c\", \"text\": }\n",
           "{\"_id\": \"q\", \"text\": \"x\"}\n", "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  const InputError e = error_of(d, quiet());
  EXPECT_NE(std::string(e.what()).find((d / "corpus.jsonl").string() + ":3: malformed JSON"),
            std::string::npos)
      << e.what();
}

TEST_F(BeirTest, MissingSplitListsTheAvailableOnes) {
  const fs::path d =
      make("splits", "{\"_id\": \"a\", \"text\": \"1\"}\n", "{\"_id\": \"q\", \"text\": \"x\"}\n",
           "query-id\tcorpus-id\tscore\nq\ta\t1\n", "test");
  testing::write_plain(d / "qrels" / "dev.tsv", "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  BeirLoadOptions o = quiet();
  o.split = "train";
  const InputError e = error_of(d, o);
  EXPECT_EQ(e.file(), (d / "qrels" / "train.tsv").string());
  EXPECT_EQ(e.hint(), "available splits: dev, test");
}

TEST_F(BeirTest, MissingCorpusIsAnError) {
  const fs::path d = make("nocorpus", "", "{\"_id\": \"q\", \"text\": \"x\"}\n",
                          "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  fs::remove(d / "corpus.jsonl");
  const InputError e = error_of(d, quiet());
  EXPECT_EQ(e.file(), (d / "corpus.jsonl").string());
  EXPECT_THROW((void)load_beir(dir_ / "does-not-exist", quiet()), InputError);
}

TEST_F(BeirTest, RepairsAreCountedAndReported) {
  const fs::path d = make("repairs",
                          "{\"_id\": \"a\", \"title\": \"A\", \"text\": \"alpha\"}\n"
                          "{\"_id\": \"empty\", \"title\": \"\", \"text\": \"  \"}\n"
                          "{\"_id\": 7, \"text\": \"numeric id\"}\n",
                          "{\"_id\": \"q1\", \"text\": \"find alpha\"}\n"
                          "{\"_id\": \"q2\", \"text\": \"   \"}\n"           // empty: dropped
                          "{\"_id\": \"q3\", \"text\": \"never judged\"}\n"  // no qrels: not
                                                                             // returned
                          "{\"_id\": \"q4\", \"text\": \"only unknown docs\"}\n",
                          "query-id\tcorpus-id\tscore\n"
                          "q1\ta\t1\n"
                          "q1\t7\t2\n"
                          "q1\tmissing-doc\t1\n"
                          "q2\ta\t1\n"  // belongs to the dropped empty query
                          "q4\tgone\t1\n"
                          "q9\ta\t1\n"  // unknown query
                          "q9\t7\t1\n");
  const Dataset dataset = load_beir(d, quiet());
  ASSERT_EQ(dataset.corpus.size(), 3u);
  EXPECT_EQ(dataset.corpus[2].id, "7");
  ASSERT_EQ(dataset.queries.size(), 1u);
  EXPECT_EQ(dataset.queries[0].id, "q1");
  EXPECT_EQ(sorted_qrels(dataset.qrels), (Judgments{{"q1", {{"a", 1}, {"7", 2}}}}));
  const LoadReport& r = dataset.report;
  EXPECT_EQ(r.empty_documents, 1u);
  EXPECT_EQ(r.empty_queries, 1u);
  EXPECT_EQ(r.qrels_unknown_documents, 2u);  // missing-doc, gone
  EXPECT_EQ(r.qrels_unknown_queries, 2u);    // both q9 judgments
  EXPECT_EQ(r.queries_without_qrels,
            2u);  // q3, and q4 whose only judgment was dropped
  EXPECT_EQ(r.invalid_utf8_replaced, 0u);
  // One warning line per kind of problem.
  EXPECT_EQ(r.warnings.size(), 5u);
}

TEST_F(BeirTest, InvalidUtf8ReplaceOrReject) {
  const fs::path d =
      make("latin1",
           "{\"_id\": \"a\", \"text\": \"fine\"}\n"
           "{\"_id\": \"b\", \"text\": \"caf\xE9 au lait\"}\n",
           "{\"_id\": \"q\", \"text\": \"x\"}\n", "query-id\tcorpus-id\tscore\nq\tb\t1\n");
  const Dataset replaced = load_beir(d, quiet(Utf8Policy::kReplace));
  EXPECT_EQ(replaced.corpus[1].text, "caf\xEF\xBF\xBD au lait");
  EXPECT_EQ(replaced.report.invalid_utf8_replaced, 1u);
  ASSERT_EQ(replaced.report.warnings.size(), 1u);

  const InputError e = error_of(d, quiet(Utf8Policy::kReject));
  EXPECT_EQ(e.file(), (d / "corpus.jsonl").string());
  EXPECT_EQ(e.line(), 2u);
  // {"_id": "b", "text": "caf  -> the bad byte is the 26th of the line.
  EXPECT_EQ(e.message(), "invalid UTF-8 at byte 26 of the line");
}

// Issue 9: a byte-order mark at the start of each file is dropped (it used to be "malformed
// JSON" in the JSONL files and part of the first query id in the qrels).
TEST_F(BeirTest, ByteOrderMarksAreIgnoredInEveryFile) {
  const std::string bom = "\xEF\xBB\xBF";
  const fs::path d = make("bom", bom + "{\"_id\": \"a\", \"text\": \"alpha\"}\n",
                          bom + "{\"_id\": \"q1\", \"text\": \"x\"}\n",
                          bom + "query-id\tcorpus-id\tscore\nq1\ta\t1\n");
  const Dataset ds = load_beir(d, quiet());
  ASSERT_EQ(ds.corpus.size(), 1u);
  EXPECT_EQ(ds.corpus[0].id, "a");
  ASSERT_EQ(ds.queries.size(), 1u);
  EXPECT_EQ(ds.queries[0].id, "q1");
  EXPECT_EQ(ds.qrels.judgments.at("q1").at("a"), 1);
  EXPECT_EQ(ds.report.qrels_unknown_queries, 0u);
}

// Issue 10: a split is a file name inside qrels/, never a path out of the dataset.
TEST_F(BeirTest, SplitMustBeAPlainName) {
  const fs::path d =
      make("split", "{\"_id\": \"a\", \"text\": \"1\"}\n", "{\"_id\": \"q\", \"text\": \"x\"}\n",
           "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  // A file the traversal would reach: dir_/outside.tsv from d/qrels/../../outside.
  testing::write_plain(dir_ / "outside.tsv", "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  for (const std::string& split :
       std::vector<std::string>{"../../outside", "../test", "a/b", "/etc/passwd", "..", ".", "",
                                "a\\b", std::string("te\0st", 5), "te\nst"}) {
    BeirLoadOptions o = quiet();
    o.split = split;
    const InputError e = error_of(d, o);
    EXPECT_NE(e.message().find("is not a plain name"), std::string::npos) << e.what();
  }
  BeirLoadOptions o = quiet();
  o.split = "test";
  EXPECT_EQ(load_beir(d, o).qrels.num_judgments(), 1u);
  EXPECT_NO_THROW(validate_split_name("dev-2024.v1"));
}

// Issue 10: ids are checked in the corpus and queries files, with file and line.
TEST_F(BeirTest, IdsWithWhitespaceAreRefusedWithFileAndLine) {
  const fs::path d =
      make("ids", "{\"_id\": \"a\", \"text\": \"1\"}\n{\"_id\": \"b\\nc\"}\n",
           "{\"_id\": \"q\", \"text\": \"x\"}\n", "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  const InputError e = error_of(d, quiet());
  EXPECT_EQ(e.file(), (d / "corpus.jsonl").string());
  EXPECT_EQ(e.line(), 2u);
  const fs::path q =
      make("qids", "{\"_id\": \"a\", \"text\": \"1\"}\n", "{\"_id\": \"q 1\", \"text\": \"x\"}\n",
           "query-id\tcorpus-id\tscore\nq\ta\t1\n");
  const InputError eq = error_of(q, quiet());
  EXPECT_EQ(eq.file(), (q / "queries.jsonl").string());
  EXPECT_EQ(eq.line(), 1u);
}

}  // namespace
}  // namespace embeval
