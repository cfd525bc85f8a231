// A judge model's answer read as a graded relevance 0-3 (docs/judging.md, "Reading the answer"),
// or nothing: an answer that does not name exactly one grade is counted as unparseable, never
// guessed. The rules, in order:
//   1. `<think>...</think>` blocks are dropped (reasoning models);
//   2. a keyword followed by a number wins ("grade: 2", "Relevance = 3", `{"grade": 1}`,
//      "score 0"; keywords: grade, relevance, score, rating, label, answer); the first such
//      number decides, and one outside 0-3 makes the answer unparseable;
//   3. otherwise the answer's numbers are read ("2", "**3**", "2/3" counts as 2: a "/3" scale is
//      not a number of its own); exactly one distinct integer in 0-3 is the grade; none, several,
//      a decimal or one outside 0-3 is unparseable.
// Thread-safety: a pure function.
#pragma once

#include <optional>
#include <string_view>

namespace embeval {

inline constexpr int kMaxRelevanceGrade = 3;

[[nodiscard]] std::optional<int> parse_relevance_grade(std::string_view answer);

}  // namespace embeval
