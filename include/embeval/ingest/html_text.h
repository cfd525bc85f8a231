// HTML -> plain text with its headings (h1-h6) as sections, through libxml2's forgiving HTML
// parser (no network, errors recovered). Dropped: script, style, noscript, template, nav,
// header, footer, aside, form and everything in <head> but the <title>. Block elements end a
// paragraph; whitespace in text collapses except inside <pre>. The tree is walked without
// recursion, so hostile nesting (10,000 levels) costs no stack. Thread-safe once libxml2 is
// initialised (html_text does it).
#pragma once

#include <string_view>

#include "embeval/ingest/extracted_text.h"

namespace embeval {

// title: the <title> (title_from "title"), else the first h1 ("h1"), else "".
// Bytes that are not valid UTF-8 (and no other charset is declared) are replaced by U+FFFD
// first and counted in invalid_utf8_replaced.
[[nodiscard]] ExtractedText html_text(std::string_view html);

}  // namespace embeval
