#include "embeval/ingest/record_files.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "embeval/core/error.h"

namespace embeval {
namespace {

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

std::string json_string(const nlohmann::json& object, const std::string& key, bool allow_integer,
                        const std::string& name, std::size_t line) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return {};
  if (it->is_string()) return it->get<std::string>();
  if (allow_integer && it->is_number_integer()) return it->dump();
  throw InputError(
      "field \"" + key + "\" is a JSON " + std::string(it->type_name()) + ", expected a string",
      name, line);
}

// One CSV row (RFC 4180) starting at `pos`; advances `pos` past its line break. `line` counts
// physical lines (quoted fields may hold line breaks).
std::vector<std::string> csv_row(std::string_view bytes, std::size_t& pos, std::size_t& line,
                                 const std::string& name) {
  std::vector<std::string> fields(1);
  const std::size_t first_line = line;
  bool quoted = false;
  while (pos < bytes.size()) {
    const char c = bytes[pos++];
    if (quoted) {
      if (c == '"') {
        if (pos < bytes.size() && bytes[pos] == '"') {
          fields.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
    } else if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      ++line;
      if (!fields.back().empty() && fields.back().back() == '\r') fields.back().pop_back();
      return fields;
    } else {
      fields.back() += c;
    }
  }
  if (quoted) {
    throw InputError("a quoted field is never closed", name, first_line,
                     "check the quotes of this row (a quote inside a field is written \"\")");
  }
  if (!fields.back().empty() && fields.back().back() == '\r') fields.back().pop_back();
  ++line;
  return fields;
}

}  // namespace

RecordFile read_jsonl_records(std::string_view bytes, const std::string& name,
                              const RecordFields& fields) {
  RecordFile out;
  std::size_t line = 0;
  std::size_t pos = 0;
  while (pos < bytes.size()) {
    std::size_t end = bytes.find('\n', pos);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view text = bytes.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (line == 1 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (is_blank(text)) continue;
    const nlohmann::json object = nlohmann::json::parse(text, nullptr, false);
    if (object.is_discarded()) {
      throw InputError("malformed JSON", name, line, "each line must hold one JSON object");
    }
    if (!object.is_object()) {
      throw InputError("line is a JSON " + std::string(object.type_name()) + ", expected an object",
                       name, line);
    }
    SourceRecord record;
    record.number = line;
    record.text = json_string(object, fields.text, false, name, line);
    record.title = json_string(object, fields.title, false, name, line);
    if (fields.id.empty()) {
      record.id = json_string(object, "_id", true, name, line);
      if (record.id.empty()) record.id = json_string(object, "id", true, name, line);
    } else {
      record.id = json_string(object, fields.id, true, name, line);
    }
    if (is_blank(record.text)) {
      ++out.without_text;
      continue;
    }
    out.records.push_back(std::move(record));
  }
  return out;
}

RecordFile read_csv_records(std::string_view bytes, const std::string& name,
                            const RecordFields& fields) {
  RecordFile out;
  std::size_t pos = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  std::size_t line = 1;
  const std::vector<std::string> header = csv_row(bytes, pos, line, name);
  const auto column = [&](const std::string& field) -> std::ptrdiff_t {
    const auto it = std::find(header.begin(), header.end(), field);
    return it == header.end() ? -1 : it - header.begin();
  };
  const std::ptrdiff_t text = column(fields.text);
  if (text < 0) {
    throw InputError("no column named \"" + fields.text + "\" in the header row", name, 1,
                     "name the text column with --text-field");
  }
  const std::ptrdiff_t title = column(fields.title);
  std::ptrdiff_t id = fields.id.empty() ? column("_id") : column(fields.id);
  if (fields.id.empty() && id < 0) id = column("id");
  std::size_t number = 0;
  while (pos < bytes.size()) {
    const std::vector<std::string> row = csv_row(bytes, pos, line, name);
    if (row.size() == 1 && is_blank(row[0])) continue;
    ++number;
    const auto cell = [&](std::ptrdiff_t i) {
      return i >= 0 && static_cast<std::size_t>(i) < row.size() ? row[static_cast<std::size_t>(i)]
                                                                : std::string();
    };
    SourceRecord record{number, cell(id), cell(title), cell(text)};
    if (is_blank(record.text)) {
      ++out.without_text;
      continue;
    }
    out.records.push_back(std::move(record));
  }
  return out;
}

}  // namespace embeval
