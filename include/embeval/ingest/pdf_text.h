// PDF -> plain text, one entry per page, through poppler-cpp: each page's text in reading order
// (poppler's physical layout), pages joined by a form feed, the Info dictionary's Title. A PDF
// poppler cannot open, or one that needs a password, is reported as such (never a crash; poppler
// repairs what it can, e.g. a damaged cross-reference table, and says so in `note`).
// Not thread-safe: poppler's error callback is process-wide.
#pragma once

#include <string>
#include <string_view>

#include "embeval/ingest/extracted_text.h"

namespace embeval {

enum class PdfStatus { kOk, kUnreadable, kEncrypted };

struct PdfText {
  PdfStatus status = PdfStatus::kOk;
  std::string problem;  // what poppler said, for kUnreadable/kEncrypted ("" otherwise)
  ExtractedText text;   // title_from "pdf-info" when the Info dictionary has a Title
};

// `pdf` must stay alive during the call only.
[[nodiscard]] PdfText pdf_text(std::string_view pdf);

}  // namespace embeval
