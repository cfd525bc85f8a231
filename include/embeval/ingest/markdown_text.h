// Markdown (CommonMark, through libcmark) -> plain text with its headings as sections.
// Blocks are separated by a blank line, list items and hard breaks by a line break; inline markup
// is dropped and link and image texts kept; raw HTML is dropped; code is kept as written.
// `markdown` must be valid UTF-8 (the caller repairs it first). Thread-safe (no shared state).
#pragma once

#include <string_view>

#include "embeval/ingest/extracted_text.h"

namespace embeval {

// title: the first level-1 heading (title_from "h1"), else "".
[[nodiscard]] ExtractedText markdown_text(std::string_view markdown);

}  // namespace embeval
