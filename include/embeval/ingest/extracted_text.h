// What an extractor makes of one file: the text a model will read, a title, and where the text's
// headings (Markdown, HTML) and pages (PDF) are, as byte offsets into `text`. The import turns it
// into a Document whose metadata holds these offsets (docs/datasets.md, "Document metadata").
// Plain values; offsets are UTF-8 byte positions on character boundaries, begin <= end <= size.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace embeval {

struct ExtractedSection {
  std::size_t begin = 0;  // first byte of the heading in `text`
  std::size_t end = 0;    // the next heading's begin (any level), or the end of `text`
  int level = 1;          // 1-6
  std::string heading;
  std::vector<std::string> path;  // enclosing headings, top level first, this one last
};

struct TextPage {
  std::size_t page = 1;  // 1-based
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct ExtractedText {
  std::string title;       // "" when the file names none
  std::string title_from;  // "h1", "title", "pdf-info" (or "" when title is empty)
  std::string text;
  std::vector<ExtractedSection> sections;
  std::vector<TextPage> pages;
  std::size_t invalid_utf8_replaced = 0;  // invalid sequences that became U+FFFD
  std::string note;                       // a repair worth reporting besides UTF-8 ("" if none)
};

// Sets each section's `end` and `path` from the begins and levels (sections in text order).
void finish_sections(std::vector<ExtractedSection>& sections, std::size_t text_size);

}  // namespace embeval
