#include "embeval/judging/relevance_grade.h"

#include <cctype>
#include <set>
#include <string>

namespace embeval {
namespace {

std::string lower_without_thinking(std::string_view answer) {
  std::string text;
  text.reserve(answer.size());
  for (char c : answer) text += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::size_t open = text.find("<think>"); open != std::string::npos;
       open = text.find("<think>")) {
    const std::size_t close = text.find("</think>", open);
    text.erase(open, close == std::string::npos ? std::string::npos : close + 8 - open);
  }
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }

// A number starting at `at`: its value (capped) and whether it is a decimal ("2.5").
struct Number {
  long value = 0;
  bool decimal = false;
  std::size_t end = 0;
};

Number read_number(const std::string& text, std::size_t at) {
  Number n;
  std::size_t i = at;
  while (i < text.size() && is_digit(text[i])) {
    if (n.value < 1000000) n.value = n.value * 10 + (text[i] - '0');
    ++i;
  }
  if (i + 1 < text.size() && (text[i] == '.' || text[i] == ',') && is_digit(text[i + 1])) {
    n.decimal = true;
    ++i;
    while (i < text.size() && is_digit(text[i])) ++i;
  }
  n.end = i;
  return n;
}

// Rule 2: "keyword", then up to a few separators (spaces, ':', '=', quotes, '*', 'is'), then a
// number.
std::optional<std::optional<int>> keyword_grade(const std::string& text) {
  static const char* const kKeywords[] = {"grade",  "relevance", "score",
                                          "rating", "label",     "answer"};
  std::size_t best_at = std::string::npos;
  std::optional<int> best;
  for (const char* keyword : kKeywords) {
    const std::string k = keyword;
    for (std::size_t at = text.find(k); at != std::string::npos; at = text.find(k, at + 1)) {
      if (at > 0 && is_letter(text[at - 1])) continue;
      std::size_t i = at + k.size();
      if (i < text.size() && is_letter(text[i])) continue;  // "scores", "graded"
      while (i < text.size() &&
             (text[i] == ' ' || text[i] == ':' || text[i] == '=' || text[i] == '"' ||
              text[i] == '\'' || text[i] == '*' || text[i] == '\t')) {
        ++i;
      }
      if (text.compare(i, 3, "is ") == 0) i += 3;
      while (i < text.size() && (text[i] == ' ' || text[i] == '*')) ++i;
      if (i >= text.size() || !is_digit(text[i])) continue;
      if (at >= best_at) break;
      const Number n = read_number(text, i);
      best_at = at;
      best = !n.decimal && n.value >= 0 && n.value <= kMaxRelevanceGrade
                 ? std::optional<int>(static_cast<int>(n.value))
                 : std::nullopt;
      break;
    }
  }
  if (best_at == std::string::npos) return std::nullopt;
  return best;
}

}  // namespace

std::optional<int> parse_relevance_grade(std::string_view answer) {
  const std::string text = lower_without_thinking(answer);
  if (const auto by_keyword = keyword_grade(text)) return *by_keyword;
  std::set<long> values;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_digit(text[i]) || (i > 0 && (is_letter(text[i - 1]) || is_digit(text[i - 1])))) {
      ++i;
      continue;
    }
    // "/3" (or "/ 3"): the scale's top, not an answer of its own.
    std::size_t back = i;
    while (back > 0 && text[back - 1] == ' ') --back;
    const Number n = read_number(text, i);
    // "-1": a negative number is out of range, not a 1 ("0-3" is a range: a digit before '-').
    if (i > 0 && text[i - 1] == '-' && (i < 2 || !is_digit(text[i - 2]))) return std::nullopt;
    const bool scale = back > 0 && text[back - 1] == '/' && n.value == kMaxRelevanceGrade;
    if (n.decimal) return std::nullopt;
    if (n.end < text.size() && is_letter(text[n.end])) {  // "3rd", "2b": not a grade
      i = n.end;
      continue;
    }
    if (!scale) values.insert(n.value);
    i = n.end;
  }
  if (values.size() != 1) return std::nullopt;
  const long v = *values.begin();
  if (v < 0 || v > kMaxRelevanceGrade) return std::nullopt;
  return static_cast<int>(v);
}

}  // namespace embeval
