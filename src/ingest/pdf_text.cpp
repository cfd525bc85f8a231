#include "embeval/ingest/pdf_text.h"

#include <poppler-document.h>
#include <poppler-global.h>
#include <poppler-page.h>

#include <climits>
#include <memory>

#include "embeval/util/utf8.h"

namespace embeval {
namespace {

// Poppler reports problems through a process-wide callback (by default on stderr): keep the
// first message of the current file instead, for the import report.
std::string* current_messages = nullptr;

void collect_message(const std::string& message, void*) {
  if (current_messages != nullptr && current_messages->empty()) *current_messages = message;
}

std::string utf8(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

std::string trimmed(std::string s) {
  const auto space = [](char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f';
  };
  while (!s.empty() && space(s.back())) s.pop_back();
  std::size_t start = 0;
  while (start < s.size() && space(s[start])) ++start;
  return s.substr(start);
}

}  // namespace

PdfText pdf_text(std::string_view pdf) {
  PdfText out;
  std::string messages;
  current_messages = &messages;
  poppler::set_debug_error_function(collect_message, nullptr);
  struct Reset {
    ~Reset() { current_messages = nullptr; }
  } reset;

  if (pdf.size() > static_cast<std::size_t>(INT_MAX)) {
    out.status = PdfStatus::kUnreadable;
    out.problem = "larger than 2 GiB";
    return out;
  }
  std::unique_ptr<poppler::document> doc(
      poppler::document::load_from_raw_data(pdf.data(), static_cast<int>(pdf.size())));
  if (!doc) {
    out.status = PdfStatus::kUnreadable;
    out.problem = messages.empty() ? "poppler cannot open it" : messages;
    return out;
  }
  if (doc->is_locked()) {
    out.status = PdfStatus::kEncrypted;
    out.problem = "encrypted: a password is needed to read it";
    return out;
  }
  ExtractedText& text = out.text;
  const int pages = doc->pages();
  for (int i = 0; i < pages; ++i) {
    std::unique_ptr<poppler::page> page(doc->create_page(i));
    std::string page_text;
    if (page)
      page_text = trimmed(utf8(page->text(poppler::rectf(), poppler::page::physical_layout)));
    if (i > 0) text.text += '\f';
    const std::size_t begin = text.text.size();
    // Poppler's UTF-8 should be valid; a damaged font map must still not leak bad bytes.
    std::size_t replaced = 0;
    text.text += replace_invalid_utf8(page_text, &replaced);
    text.invalid_utf8_replaced += replaced;
    text.pages.push_back({static_cast<std::size_t>(i) + 1, begin, text.text.size()});
  }
  const std::string title = trimmed(replace_invalid_utf8(utf8(doc->info_key("Title"))));
  if (!title.empty()) {
    text.title = title;
    text.title_from = "pdf-info";
  }
  if (!messages.empty()) text.note = "poppler repaired a problem: " + messages;
  return out;
}

}  // namespace embeval
