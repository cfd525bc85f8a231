// The one UTF-8 validator: every check and repair of input text (record ids, word-vector words,
// JSON Lines and man pages) goes through these functions, so they all agree on what is valid.
// Valid means well-formed UTF-8 as Unicode defines it (utf8proc's decoder): overlong forms,
// UTF-16 surrogates (U+D800..U+DFFF), code points above U+10FFFF, stray continuation bytes and
// truncated sequences are invalid. Pure functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace embeval {

[[nodiscard]] bool is_valid_utf8(std::string_view text);

// Byte offset of the first invalid sequence, or text.size() when valid.
[[nodiscard]] std::size_t first_invalid_utf8(std::string_view text);

// Decodes the sequence that starts at byte `pos` (< text.size()): returns its length in bytes
// (1 to 4) and sets `code_point`, or returns 0 when the sequence is invalid.
[[nodiscard]] std::size_t decode_utf8(std::string_view text, std::size_t pos,
                                      std::uint32_t& code_point);

// Copy of `text` with each invalid sequence replaced by U+FFFD; `replaced` (optional) receives
// how many replacements were made.
[[nodiscard]] std::string replace_invalid_utf8(std::string_view text,
                                               std::size_t* replaced = nullptr);

}  // namespace embeval
