#include "embeval/ingest/source_format.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>

namespace embeval {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* source_format_name(SourceFormat format) {
  switch (format) {
    case SourceFormat::kMarkdown:
      return "markdown";
    case SourceFormat::kHtml:
      return "html";
    case SourceFormat::kPdf:
      return "pdf";
    case SourceFormat::kText:
      return "text";
    case SourceFormat::kJsonl:
      return "jsonl";
    case SourceFormat::kCsv:
      return "csv";
    case SourceFormat::kUnsupported:
      return "unsupported";
  }
  return "unsupported";
}

bool is_gzip_name(std::string_view file_name) { return ends_with(lower(file_name), ".gz"); }

SourceFormat format_from_name(std::string_view file_name) {
  std::string name = lower(file_name);
  if (ends_with(name, ".gz")) name.resize(name.size() - 3);
  const std::size_t dot = name.rfind('.');
  const std::string ext = (dot == std::string::npos || dot == 0) ? "" : name.substr(dot + 1);
  static const std::array<std::pair<const char*, SourceFormat>, 16> kExtensions = {{
      {"md", SourceFormat::kMarkdown},
      {"markdown", SourceFormat::kMarkdown},
      {"mdown", SourceFormat::kMarkdown},
      {"mkd", SourceFormat::kMarkdown},
      {"html", SourceFormat::kHtml},
      {"htm", SourceFormat::kHtml},
      {"xhtml", SourceFormat::kHtml},
      {"pdf", SourceFormat::kPdf},
      {"txt", SourceFormat::kText},
      {"text", SourceFormat::kText},
      {"rst", SourceFormat::kText},
      {"adoc", SourceFormat::kText},
      {"org", SourceFormat::kText},
      {"jsonl", SourceFormat::kJsonl},
      {"ndjson", SourceFormat::kJsonl},
      {"csv", SourceFormat::kCsv},
  }};
  if (ext.empty()) return SourceFormat::kText;  // README, LICENSE, NEWS, changelog
  for (const auto& [extension, format] : kExtensions) {
    if (ext == extension) return format;
  }
  return SourceFormat::kUnsupported;
}

SourceFormat detect_format(std::string_view file_name, std::string_view head) {
  if (head.substr(0, 5) == "%PDF-") return SourceFormat::kPdf;
  const SourceFormat by_name = format_from_name(file_name);
  if (by_name == SourceFormat::kText || by_name == SourceFormat::kMarkdown) {
    std::size_t start = head.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    while (start < head.size() && std::isspace(static_cast<unsigned char>(head[start]))) ++start;
    const std::string opening = lower(head.substr(start, 16));
    if (opening.starts_with("<!doctype html") || opening.starts_with("<html")) {
      return SourceFormat::kHtml;
    }
  }
  return by_name;
}

bool looks_binary(std::string_view head) {
  std::size_t control = 0;
  for (char ch : head) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == 0) return true;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1B) || c == 0x7F) {
      ++control;
    }
  }
  return control * 10 > head.size();
}

}  // namespace embeval
