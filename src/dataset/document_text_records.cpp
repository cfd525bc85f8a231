#include "embeval/core/error.h"
#include "embeval/dataset/document_text.h"
#include "embeval/io/jsonl.h"

namespace embeval {

TextRecords read_text_records(const std::filesystem::path& path) {
  TextRecords t;
  JsonlOptions options;
  options.require_id = false;
  read_jsonl(
      path,
      [&](const JsonlRecord& r) {
        const auto text = r.string_field("text");
        if (!text) {
          throw InputError(
              "record has no \"text\" field", r.file(), r.line(),
              "each line must be a JSON object like {\"_id\": \"1\", \"text\": \"...\"}");
        }
        Document d;
        if (const auto title = r.string_field("title")) d.title.assign(*title);
        d.text.assign(*text);
        t.texts.push_back(document_text(d));
        t.ids.push_back(r.id().empty() ? std::to_string(r.line()) : std::string(r.id()));
      },
      options);
  return t;
}

}  // namespace embeval
