// Generated queries (BEIR's GenQ) with a scripted generator: hand-made answers, each line's fate
// counted by hand; the sample, the prompt, the SHA-256 and the files written.
#include "embeval/dataset/generated_queries.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

// Answers in call order; records what it was asked.
class ScriptedGenerator final : public Generator {
 public:
  explicit ScriptedGenerator(std::vector<std::string> answers) : answers_(std::move(answers)) {}
  std::string spec() const override { return "scripted:answers"; }
  GeneratedText generate(const std::vector<ChatMessage>& messages,
                         const GenerationOptions& options) override {
    asked.push_back(messages);
    seeds.push_back(options.seed);
    GeneratedText t;
    t.text = answers_.at(asked.size() - 1);
    t.finish_reason = "stop";
    t.prompt_tokens = 100;
    t.completion_tokens = 10;
    return t;
  }
  std::vector<std::vector<ChatMessage>> asked;
  std::vector<std::uint32_t> seeds;

 private:
  std::vector<std::string> answers_;
};

const std::string kShared = "the kernel schedules threads on every core in a fair order.";

Document passage(const std::string& parent, int n) {
  return {parent + "#" + std::to_string(n), "Title of " + parent,
          kShared + " Part " + std::to_string(n) + " of " + parent + ".",
          R"({"parent":")" + parent + R"("})"};
}

Dataset three_documents() {
  Dataset d;
  d.name = "docs";
  for (int i = 0; i < 6; ++i) d.corpus.push_back(passage("a.md", i));
  d.corpus.push_back(passage("b.md", 0));
  d.corpus.push_back(passage("c.md", 0));
  return d;
}

TEST(StratifiedSample, EveryDocumentOnceBeforeAnyTwice) {
  // rows 0-5: document 0 (six passages); row 6: document 1; row 7: document 2; row 8 unusable.
  const std::vector<std::size_t> parent_of = {0, 0, 0, 0, 0, 0, 1, 2, 1};
  const std::vector<bool> usable = {true, true, true, true, true, true, true, true, false};
  for (std::uint32_t seed = 0; seed < 20; ++seed) {
    const auto three = stratified_sample(parent_of, usable, 3, seed);
    ASSERT_EQ(three.size(), 3u);
    std::vector<std::size_t> parents;
    for (auto row : three) parents.push_back(parent_of[row]);
    std::sort(parents.begin(), parents.end());
    EXPECT_EQ(parents, (std::vector<std::size_t>{0, 1, 2})) << "seed " << seed;
    const auto all = stratified_sample(parent_of, usable, 100, seed);
    EXPECT_EQ(all.size(), 8u);  // the unusable row never
    EXPECT_EQ(std::count(all.begin(), all.end(), 8u), 0);
    EXPECT_EQ(stratified_sample(parent_of, usable, 5, seed),
              stratified_sample(parent_of, usable, 5, seed));
  }
  EXPECT_NE(stratified_sample(parent_of, usable, 8, 1), stratified_sample(parent_of, usable, 8, 2));
}

TEST(FillPrompt, DefaultPromptSplitsSystemAndUser) {
  const FilledPrompt p = fill_prompt(default_genq_prompt(), "Install", "Run make.", 3);
  EXPECT_EQ(p.system,
            "You write search queries for a retrieval benchmark. You answer with the questions "
            "only.");
  EXPECT_EQ(p.user,
            "Here is a passage from the document \"Install\":\n\nRun make.\n\nWrite 3 different "
            "questions that a person might type into a search engine and that this passage "
            "answers. Use your own words instead of copying phrases from the passage. Each "
            "question must make sense on its own, without the passage. Write one question per "
            "line, numbered 1. to 3., and nothing else.");
  const FilledPrompt plain =
      fill_prompt("Q for {title}: {passage} {not a placeholder} {}", "T", "P", 2);
  EXPECT_EQ(plain.system, "");
  EXPECT_EQ(plain.user, "Q for T: P {not a placeholder} {}");
  EXPECT_THROW((void)fill_prompt("no passage here {title}", "T", "P", 2), InputError);
  EXPECT_THROW((void)fill_prompt("{passage} {passages}", "T", "P", 2), InputError);
}

TEST(FillPrompt, ShippedFileIsTheBuiltInPrompt) {
  std::ifstream in(std::string(EMBEVAL_TEST_DATA_DIR) + "/../../data/prompts/genq.txt",
                   std::ios::binary);
  ASSERT_TRUE(in) << "data/prompts/genq.txt missing";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), default_genq_prompt());
}

TEST(Sha256, KnownVectors) {
  // FIPS 180-2, appendix B.1, and the empty string.
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ParseQuestions, MarkersAndQuotesGo) {
  const auto q = parse_questions(
      "Here are the questions:\n1. What is X?\n  2) **How does Y work?**\n- \"Why Z?\"\n"
      "Q4: Where is W?\n\nQuestion 5. Who wrote V?\n* \xE2\x80\x9CWhen?\xE2\x80\x9D\n6.\n");
  EXPECT_EQ(q,
            (std::vector<std::string>{"Here are the questions:", "What is X?", "How does Y work?",
                                      "Why Z?", "Where is W?", "Who wrote V?", "When?", ""}));
}

TEST(FilterQuestion, EachFilter) {
  GeneratedQueryOptions o;  // min 3 words, max 40, 8-word copies
  std::unordered_set<std::string> seen;
  const std::string p = "Alpha beta gamma delta epsilon zeta eta theta iota kappa.";
  EXPECT_EQ(filter_question("", p, o, seen), QuestionVerdict::kEmpty);
  EXPECT_EQ(filter_question("?!", p, o, seen), QuestionVerdict::kEmpty);
  EXPECT_EQ(filter_question("Some questions:", p, o, seen), QuestionVerdict::kPreamble);
  EXPECT_EQ(filter_question("Why this?", p, o, seen), QuestionVerdict::kTooShort);
  std::string long_q;
  for (int i = 0; i < 41; ++i) long_q.append("w").append(std::to_string(i)).append(" ");
  EXPECT_EQ(filter_question(long_q, p, o, seen), QuestionVerdict::kTooLong);
  // Eight consecutive passage words (case and punctuation aside) copy it; seven do not.
  EXPECT_EQ(filter_question("What is BETA, gamma delta epsilon zeta eta theta iota?", p, o, seen),
            QuestionVerdict::kCopiesPassage);
  EXPECT_EQ(filter_question("What is beta gamma delta epsilon zeta eta theta?", p, o, seen),
            QuestionVerdict::kKept);
  EXPECT_EQ(filter_question("what is Beta gamma, delta epsilon zeta eta theta", p, o, seen),
            QuestionVerdict::kDuplicate);
  EXPECT_EQ(seen.size(), 1u);
}

// Per answer, each line's fate (kept: k):
//   a1: preamble, k1, duplicate, short ("Why?"), k2
//   a2: empty ("1."), copies 8+ words, too long, k1, k2, k3
//   a3: duplicate of a2's, k1, k2, k3, beyond N
const std::vector<std::string> kAnswers = {
    "Here are 3 questions:\n1. What does the scheduler do with threads?\n2. What does the "
    "scheduler do with threads?\n3. Why?\n4. How are runnable threads picked each tick?\n",
    "1.\n2. Does the kernel schedule threads on every core in a fair order?\n3. LONG\n4. What "
    "is B about?\n5. Another question for the second passage here?\n6. One more valid question?",
    "1. What is B about?\n2. A third passage question that is new?\n3. Last one for three?\n4. "
    "Yet another fine question here?\n5. Beyond N question number five?"};

std::vector<std::string> answers_with_long_line() {
  std::vector<std::string> a = kAnswers;
  std::string long_line;
  for (int i = 0; i < 45; ++i) long_line += "word ";
  a[1].replace(a[1].find("LONG"), 4, long_line + "?");  // 45 words
  return a;
}

TEST(GeneratedQueries, CountsEveryLineAndJudgesThePassage) {
  ScriptedGenerator generator(answers_with_long_line());
  GeneratedQueryOptions o;
  o.passages = 3;
  o.per_passage = 3;
  o.seed = 11;
  o.show_progress = false;
  GeneratedQueryReport r;
  const Dataset out = generated_queries(three_documents(), generator, o, &r);
  EXPECT_EQ(r.documents, 3u);
  EXPECT_EQ(r.passages, 3u);
  EXPECT_EQ(r.lines, 16u);
  EXPECT_EQ(r.dropped_preamble, 1u);
  EXPECT_EQ(r.dropped_duplicate, 2u);
  EXPECT_EQ(r.dropped_short, 1u);
  EXPECT_EQ(r.dropped_empty, 1u);
  EXPECT_EQ(r.dropped_copy, 1u);
  EXPECT_EQ(r.dropped_long, 1u);
  EXPECT_EQ(r.beyond_n, 1u);
  EXPECT_EQ(r.queries, 8u);
  EXPECT_EQ(r.prompt_tokens, 300u);
  ASSERT_EQ(out.queries.size(), 8u);
  // One passage of each document (stratified), every call with the same seed.
  std::vector<std::string> parents;
  for (const auto& messages : generator.asked) {
    ASSERT_EQ(messages.size(), 2u);
    EXPECT_EQ(messages[0].role, "system");
    EXPECT_EQ(messages[1].role, "user");
    const std::size_t at = messages[1].content.find("the document \"Title of ");
    ASSERT_NE(at, std::string::npos);
    parents.push_back(messages[1].content.substr(at + 23, 4));
    EXPECT_NE(messages[1].content.find(kShared), std::string::npos);
  }
  std::sort(parents.begin(), parents.end());
  EXPECT_EQ(parents, (std::vector<std::string>{"a.md", "b.md", "c.md"}));
  EXPECT_EQ(generator.seeds, (std::vector<std::uint32_t>{11, 11, 11}));
  // Each query: PASSAGE#gK, its passage grade 2 and nothing else.
  for (const Query& q : out.queries) {
    const std::string passage_id = q.id.substr(0, q.id.rfind("#g"));
    const auto& row = out.qrels.judgments.at(q.id);
    ASSERT_EQ(row.size(), 1u);
    EXPECT_EQ(row.at(passage_id), 2);
  }
  const auto meta = nlohmann::json::parse(out.metadata).at("queries");
  EXPECT_EQ(meta.at("generator"), "scripted:answers");
  EXPECT_EQ(meta.at("sampling"), "max_tokens=256&seed=11&temperature=1&top_k=25&top_p=0.95");
  EXPECT_EQ(meta.at("prompt").at("sha256"), sha256_hex(default_genq_prompt()));
  EXPECT_EQ(meta.at("dropped_copy"), 1);
  EXPECT_EQ(meta.at("items").size(), 8u);
  EXPECT_EQ(meta.at("items")[0].at("answer_line"), 2);  // after the preamble
}

TEST(GeneratedQueries, WritesBeirFilesWithProvenance) {
  ScriptedGenerator generator(answers_with_long_line());
  GeneratedQueryOptions o;
  o.passages = 3;
  o.show_progress = false;
  o.split = "genq";
  const Dataset out = generated_queries(three_documents(), generator, o);
  const testing::TempDir dir("embeval-genq");
  write_beir(dir.path() / "out", out, "genq");
  std::ifstream qrels(dir.path() / "out" / "qrels" / "genq.tsv");
  std::string header;
  std::getline(qrels, header);
  EXPECT_EQ(header, "query-id\tcorpus-id\tscore");
  std::size_t lines = 0;
  for (std::string line; std::getline(qrels, line); ++lines) {
    const std::string q = line.substr(0, line.find('\t'));
    EXPECT_EQ(line, q + "\t" + q.substr(0, q.rfind("#g")) + "\t2");
  }
  EXPECT_EQ(lines, 8u);
  BeirLoadOptions load;
  load.split = "genq";
  load.show_progress = false;
  const Dataset back = load_beir(dir.path() / "out", load);
  EXPECT_EQ(back.queries.size(), 8u);
  const auto meta = nlohmann::json::parse(back.metadata).at("queries");
  EXPECT_EQ(meta.at("prompt").at("text"), std::string(default_genq_prompt()));
  EXPECT_EQ(meta.at("split"), "genq");
}

TEST(GeneratedQueries, NothingKeptIsAnInputError) {
  ScriptedGenerator generator({"Why?", "Why?", "Why?"});
  GeneratedQueryOptions o;
  o.passages = 3;
  o.show_progress = false;
  EXPECT_THROW((void)generated_queries(three_documents(), generator, o), InputError);
}

}  // namespace
}  // namespace embeval
