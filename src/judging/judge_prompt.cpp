#include "embeval/judging/judge_prompt.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "embeval/core/error.h"
#include "embeval/util/byte_order_mark.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

std::string trim_newlines(std::string s) {
  while (!s.empty() && (s.front() == '\n' || s.front() == '\r')) s.erase(0, 1);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string fnv1a64_hex(std::string_view bytes) {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char out[32];
  std::snprintf(out, sizeof out, "fnv1a64:%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::string cut_utf8(std::string_view text, std::size_t max_bytes) {
  if (max_bytes == 0 || text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  // Back off continuation bytes (10xxxxxx) so the cut lands before a sequence's lead byte.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end));
}

JudgePrompt JudgePrompt::parse(std::string_view raw, const std::string& file_name) {
  const std::string_view text = strip_utf8_bom(raw);
  if (!is_valid_utf8(text)) {
    throw InputError("the prompt file is not valid UTF-8", file_name, 0, "save it as UTF-8");
  }
  JudgePrompt prompt;
  prompt.hash = fnv1a64_hex(raw);
  // Split at the first line that is exactly "---".
  std::size_t split = std::string_view::npos;
  for (std::size_t begin = 0; begin < text.size();) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line == "---") {
      split = begin;
      prompt.system = trim_newlines(std::string(text.substr(0, begin)));
      prompt.user = trim_newlines(std::string(text.substr(std::min(end + 1, text.size()))));
      break;
    }
    begin = end + 1;
  }
  if (split == std::string_view::npos) prompt.user = trim_newlines(std::string(text));
  for (const char* placeholder : {"{query}", "{document}"}) {
    if (prompt.user.find(placeholder) == std::string::npos) {
      throw InputError(std::string("the prompt's user message has no ") + placeholder, file_name, 0,
                       "write {query} and {document} where the query and the document go, after "
                       "the --- line (docs/judging.md)");
    }
  }
  return prompt;
}

JudgePrompt JudgePrompt::load(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw InputError("cannot read the prompt file", file.string(), 0,
                     "pass --prompt FILE (the shipped one is data/prompts/judge.txt)");
  }
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return parse(bytes.str(), file.string());
}

std::vector<ChatMessage> JudgePrompt::messages(std::string_view query,
                                               std::string_view document) const {
  // One left-to-right pass, so a query that contains "{document}" is not filled in again.
  std::string filled;
  filled.reserve(user.size() + query.size() + document.size());
  for (std::size_t i = 0; i < user.size();) {
    if (user.compare(i, 7, "{query}") == 0) {
      filled += query;
      i += 7;
    } else if (user.compare(i, 10, "{document}") == 0) {
      filled += document;
      i += 10;
    } else {
      filled += user[i++];
    }
  }
  std::vector<ChatMessage> out;
  if (!system.empty()) out.push_back({"system", system});
  out.push_back({"user", std::move(filled)});
  return out;
}

}  // namespace embeval
