#include "embeval/dataset/document_text.h"

namespace embeval {

std::string document_text(const Document& d) {
  if (d.title.empty()) return d.text;
  if (d.text.empty()) return d.title;
  std::string out;
  out.reserve(d.title.size() + 1 + d.text.size());
  out.append(d.title).append(" ").append(d.text);
  return out;
}

std::vector<std::string> document_texts(const std::vector<Document>& corpus) {
  std::vector<std::string> texts;
  texts.reserve(corpus.size());
  for (const Document& d : corpus) texts.push_back(document_text(d));
  return texts;
}

}  // namespace embeval
