// Reading a judge's answer as a grade 0-3: the forms models write, and everything that must stay
// unparseable rather than be guessed.
#include "embeval/judging/relevance_grade.h"

#include <gtest/gtest.h>

namespace embeval {
namespace {

TEST(RelevanceGrade, ReadsTheFormsModelsWrite) {
  EXPECT_EQ(parse_relevance_grade("2"), 2);
  EXPECT_EQ(parse_relevance_grade(" 0.\n"), 0);
  EXPECT_EQ(parse_relevance_grade("**3**"), 3);
  EXPECT_EQ(parse_relevance_grade("Grade: 1"), 1);
  EXPECT_EQ(parse_relevance_grade("Relevance = 3 (highly relevant)"), 3);
  EXPECT_EQ(parse_relevance_grade(R"({"grade": 2})"), 2);
  EXPECT_EQ(parse_relevance_grade("The relevance is 2/3."), 2);
  EXPECT_EQ(parse_relevance_grade("2 / 3"), 2);
  EXPECT_EQ(parse_relevance_grade("Score: 0 - the document is about cats"), 0);
  // The keyword decides even with other numbers around.
  EXPECT_EQ(parse_relevance_grade("Grade: 2\nReason: it lists 3 of the 5 options"), 2);
  // Reasoning is dropped.
  EXPECT_EQ(parse_relevance_grade("<think>maybe 1, maybe 3</think>\n2"), 2);
}

TEST(RelevanceGrade, NeverGuesses) {
  EXPECT_EQ(parse_relevance_grade(""), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("relevant"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("2 or 3"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("4"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("Grade: 5"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("2.5"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("grade: 1.5"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("-1"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("3 = highly relevant, 2 = relevant"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("the 3rd option"), std::nullopt);
  EXPECT_EQ(parse_relevance_grade("<think>2</think>"), std::nullopt);
}

}  // namespace
}  // namespace embeval
