#include "ingest/text_builder.h"

namespace embeval::ingest_detail {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string collapsed(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

}  // namespace

void TextBuilder::separate() {
  if (text_.empty()) {
    pending_ = Pending::kNone;
    space_pending_ = false;
    return;
  }
  if (pending_ == Pending::kBlank) {
    text_ += "\n\n";
  } else if (pending_ == Pending::kLine) {
    text_ += '\n';
  } else if (space_pending_) {
    text_ += ' ';
  }
  pending_ = Pending::kNone;
  space_pending_ = false;
}

void TextBuilder::append(std::string_view run, bool collapse) {
  if (!collapse) {
    if (run.empty()) return;
    separate();
    text_.append(run);
    return;
  }
  if (run.empty()) return;
  const bool leading_space = is_space(run.front());
  const bool trailing_space = is_space(run.back());
  const std::string words = collapsed(run);
  if (words.empty()) {
    if (!text_.empty() && pending_ == Pending::kNone) space_pending_ = true;
    return;
  }
  if (leading_space && pending_ == Pending::kNone && !text_.empty() && !is_space(text_.back())) {
    space_pending_ = true;
  }
  separate();
  text_ += words;
  space_pending_ = trailing_space;
}

void TextBuilder::block_break(bool line_only) {
  space_pending_ = false;
  if (text_.empty()) return;
  if (line_only) {
    if (pending_ == Pending::kNone) pending_ = Pending::kLine;
  } else {
    pending_ = Pending::kBlank;
  }
}

void TextBuilder::begin_heading(int level) {
  if (heading_open_) end_heading();  // a heading inside a heading (hostile HTML): close the first
  block_break();
  separate();
  sections_.push_back({text_.size(), 0, level, {}, {}});
  heading_open_ = true;
}

void TextBuilder::end_heading() {
  if (!heading_open_) return;
  heading_open_ = false;
  ExtractedSection& section = sections_.back();
  section.heading = collapsed(std::string_view(text_).substr(section.begin));
  if (section.heading.empty()) {
    sections_.pop_back();  // an empty heading names nothing
  } else if (section.level == 1 && first_h1_.empty()) {
    first_h1_ = section.heading;
  }
  block_break();
}

ExtractedText TextBuilder::finish() {
  end_heading();
  while (!text_.empty() && is_space(text_.back())) text_.pop_back();
  for (ExtractedSection& s : sections_) s.begin = std::min(s.begin, text_.size());
  ExtractedText out;
  finish_sections(sections_, text_.size());
  out.sections = std::move(sections_);
  out.text = std::move(text_);
  return out;
}

}  // namespace embeval::ingest_detail
