// The judge's prompt file: split at `---`, placeholders filled once, refused without them, its
// hash; the compiled-in default equals the shipped data/prompts/judge.txt byte for byte.
#include "embeval/judging/judge_prompt.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "embeval/core/error.h"
#include "embeval/judging/relevance_judging.h"

namespace embeval {
namespace {

TEST(JudgePrompt, SplitsSystemAndUserAndFillsThePlaceholdersOnce) {
  const JudgePrompt p = JudgePrompt::parse("Be strict.\n---\nQ: {query}\nD: {document}\n");
  EXPECT_EQ(p.system, "Be strict.");
  EXPECT_EQ(p.user, "Q: {query}\nD: {document}");
  const auto m = p.messages("find {document}", "text {query}");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0], (ChatMessage{"system", "Be strict."}));
  EXPECT_EQ(m[1], (ChatMessage{"user", "Q: find {document}\nD: text {query}"}));
  // No `---`: one user message.
  const JudgePrompt only_user = JudgePrompt::parse("{document} vs {query}");
  EXPECT_EQ(only_user.messages("a", "b"), (std::vector<ChatMessage>{{"user", "b vs a"}}));
}

TEST(JudgePrompt, RefusesAPromptWithoutPlaceholdersOrNotUtf8) {
  EXPECT_THROW((void)JudgePrompt::parse("system {query} {document}\n---\nuser {query}"),
               InputError);
  EXPECT_THROW((void)JudgePrompt::parse("no placeholders"), InputError);
  EXPECT_THROW((void)JudgePrompt::parse("{query} {document} \xff"), InputError);
  EXPECT_THROW((void)JudgePrompt::load("/nonexistent/judge.txt"), InputError);
}

TEST(JudgePrompt, HashIsFnv1aOfTheBytes) {
  // FNV-1a 64 of "" is the offset basis; of "a" the published test vector.
  EXPECT_EQ(fnv1a64_hex(""), "fnv1a64:cbf29ce484222325");
  EXPECT_EQ(fnv1a64_hex("a"), "fnv1a64:af63dc4c8601ec8c");
  EXPECT_NE(JudgePrompt::parse("{query}{document}").hash,
            JudgePrompt::parse("{query} {document}").hash);
}

TEST(JudgePrompt, CutsAtAUtf8Boundary) {
  const std::string text =
      "ab\xc3\xa9"
      "cd";  // a b é c d
  EXPECT_EQ(cut_utf8(text, 3), "ab");
  EXPECT_EQ(cut_utf8(text, 4), "ab\xc3\xa9");
  EXPECT_EQ(cut_utf8(text, 0), text);
  EXPECT_EQ(cut_utf8(text, 100), text);
}

TEST(JudgePrompt, TheBuiltInPromptIsTheShippedFile) {
  std::ifstream in(std::string(EMBEVAL_TEST_DATA_DIR) + "/../../data/prompts/judge.txt",
                   std::ios::binary);
  ASSERT_TRUE(in.good());
  std::stringstream bytes;
  bytes << in.rdbuf();
  EXPECT_EQ(bytes.str(), default_judge_prompt_text());
  const JudgePrompt p = JudgePrompt::parse(default_judge_prompt_text());
  EXPECT_FALSE(p.system.empty());
}

}  // namespace
}  // namespace embeval
