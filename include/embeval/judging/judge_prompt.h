// The prompt a judge model reads for one (query, document) pair, from a user-editable file
// (docs/judging.md, "The prompt file"; the shipped one is data/prompts/judge.txt).
//
// File format: UTF-8 text. A line holding exactly `---` splits it: the text before is the system
// message, the text after the user message; without such a line the whole file is the user
// message (no system message). In the user message `{query}` and `{document}` are replaced by the
// query's text and the document's text (title and body, document_text.h, cut to
// max_document_bytes at a UTF-8 boundary); both must appear. The file's hash (FNV-1a, 64 bits,
// over its bytes) is recorded with every set of judgments it made.
// Thread-safety: immutable after loading.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/generator.h"

namespace embeval {

struct JudgePrompt {
  std::string system;  // "" = no system message
  std::string user;    // holds {query} and {document}
  std::string hash;    // "fnv1a64:<16 hex digits>" of the file's bytes

  // Throws InputError (file, line, hint) when the user part lacks a placeholder, the file is
  // empty, unreadable or not UTF-8.
  static JudgePrompt parse(std::string_view text, const std::string& file_name = "");
  static JudgePrompt load(const std::filesystem::path& file);

  // The messages for one pair: [system,] user with the placeholders filled.
  [[nodiscard]] std::vector<ChatMessage> messages(std::string_view query,
                                                  std::string_view document) const;
};

// "fnv1a64:" and the 16 hex digits of FNV-1a over `bytes`.
[[nodiscard]] std::string fnv1a64_hex(std::string_view bytes);

// `text` cut to at most `max_bytes` bytes without splitting a UTF-8 sequence (0 = no cut).
[[nodiscard]] std::string cut_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace embeval
