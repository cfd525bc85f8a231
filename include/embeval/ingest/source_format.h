// Which reader a file goes to: by its first bytes where they are unmistakable (a PDF header, an
// HTML doctype, gzip), else by its extension. "name.md.gz" is the gzip-compressed "name.md".
// Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace embeval {

enum class SourceFormat { kMarkdown, kHtml, kPdf, kText, kJsonl, kCsv, kUnsupported };

// "markdown", "html", "pdf", "text", "jsonl", "csv", "unsupported": the names import.json and
// the metadata use.
[[nodiscard]] const char* source_format_name(SourceFormat format);

// From the file name alone ("" extension = text, as README or LICENSE). `.gz` is looked through.
[[nodiscard]] SourceFormat format_from_name(std::string_view file_name);

// The file name's format, corrected by its content (`head`: the first bytes, up to a few KiB,
// after decompression): "%PDF-" is a PDF whatever its name; a file named as text or Markdown
// that opens with an HTML doctype or <html> is HTML; a file named .pdf that is not a PDF stays a
// PDF (and fails to open, with a reason).
[[nodiscard]] SourceFormat detect_format(std::string_view file_name, std::string_view head);

// True when the name ends in ".gz".
[[nodiscard]] bool is_gzip_name(std::string_view file_name);

// True when `head` looks like binary data rather than text: a NUL byte, or more than 10% of
// bytes that are control characters other than tab, line feed, carriage return and form feed.
[[nodiscard]] bool looks_binary(std::string_view head);

}  // namespace embeval
