#include "embeval/ingest/extracted_text.h"

namespace embeval {

void finish_sections(std::vector<ExtractedSection>& sections, std::size_t text_size) {
  std::vector<const ExtractedSection*> open;  // the enclosing headings of the current one
  for (std::size_t i = 0; i < sections.size(); ++i) {
    ExtractedSection& section = sections[i];
    section.end = i + 1 < sections.size() ? sections[i + 1].begin : text_size;
    while (!open.empty() && open.back()->level >= section.level) open.pop_back();
    section.path.clear();
    for (const ExtractedSection* outer : open) section.path.push_back(outer->heading);
    section.path.push_back(section.heading);
    open.push_back(&section);
  }
}

}  // namespace embeval
