// Internal: builds an extracted text from the pieces a parser visits (runs of text, block breaks,
// headings), so Markdown and HTML agree on how blocks are separated and headings recorded.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "embeval/ingest/extracted_text.h"

namespace embeval::ingest_detail {

class TextBuilder {
 public:
  // Appends a run of inline text. With collapse, runs of whitespace become one space (HTML);
  // without, the run is copied as is (Markdown literals, <pre>).
  void append(std::string_view run, bool collapse);
  // Ends the current block: the next text starts after a blank line ("\n\n"), or after a line
  // break when `line_only` (list items, table rows, <br>).
  void block_break(bool line_only = false);
  void begin_heading(int level);
  void end_heading();
  [[nodiscard]] bool in_heading() const { return heading_open_; }
  // The first level-1 heading's text ("" when none).
  [[nodiscard]] const std::string& first_h1() const { return first_h1_; }
  // Trailing whitespace dropped, sections finished; the builder is spent.
  ExtractedText finish();

 private:
  void separate();
  std::string text_;
  std::vector<ExtractedSection> sections_;
  enum class Pending { kNone, kLine, kBlank } pending_ = Pending::kNone;
  bool space_pending_ = false;
  bool heading_open_ = false;
  std::string first_h1_;
};

}  // namespace embeval::ingest_detail
