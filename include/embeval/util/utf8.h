// UTF-8 validation and repair (utf8proc's decoder: overlong forms, surrogates and code points
// above U+10FFFF are invalid).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace embeval {

[[nodiscard]] bool is_valid_utf8(std::string_view text);

// Byte offset of the first invalid sequence, or text.size() when valid.
[[nodiscard]] std::size_t first_invalid_utf8(std::string_view text);

// Copy of `text` with each invalid sequence replaced by U+FFFD; `replaced` (optional) receives
// how many replacements were made.
[[nodiscard]] std::string replace_invalid_utf8(std::string_view text,
                                               std::size_t* replaced = nullptr);

}  // namespace embeval
