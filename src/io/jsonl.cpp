#include "embeval/io/jsonl.h"

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "embeval/core/error.h"
#include "embeval/io/record_id.h"
#include "embeval/util/byte_order_mark.h"
#include "embeval/util/progress.h"

namespace embeval {

std::optional<std::string_view> JsonlRecord::string_field(std::string_view key) const {
  for (const Field& field : fields_) {
    if (field.key != key) continue;
    switch (field.kind) {
      case Kind::kString:
        return field.value;
      case Kind::kNull:
        return std::nullopt;
      case Kind::kObject:
      case Kind::kOther:
        throw InputError("field \"" + std::string(key) + "\" is a JSON " + field.type_name +
                             ", expected a string",
                         *file_, line_);
    }
  }
  return std::nullopt;
}

std::optional<std::string> JsonlRecord::raw_object_field(std::string_view key) const {
  for (const Field& field : fields_) {
    if (field.key != key) continue;
    switch (field.kind) {
      case Kind::kObject:
        return object_texts_[field.object_text];
      case Kind::kNull:
        return std::nullopt;
      case Kind::kString:
      case Kind::kOther:
        throw InputError("field \"" + std::string(key) + "\" is a JSON " + field.type_name +
                             ", expected an object",
                         *file_, line_);
    }
  }
  return std::nullopt;
}

// Fills JsonlRecord's private state from one parsed line (friend of JsonlRecord).
class JsonlReaderAccess {
 public:
  static void fill(JsonlRecord& record, const simdjson::dom::object& object, std::size_t line,
                   const JsonlOptions& options);
  static void set_position(JsonlRecord& record, const std::string* file, std::size_t line,
                           bool repaired) {
    record.file_ = file;
    record.line_ = line;
    record.utf8_repaired_ = repaired;
  }
};

namespace {

const char* type_name(simdjson::dom::element_type type) {
  using T = simdjson::dom::element_type;
  switch (type) {
    case T::ARRAY:
      return "array";
    case T::OBJECT:
      return "object";
    case T::INT64:
    case T::UINT64:
      return "integer";
    case T::DOUBLE:
      return "number";
    case T::STRING:
      return "string";
    case T::BOOL:
      return "boolean";
    case T::NULL_VALUE:
      return "null";
  }
  return "value";
}

constexpr std::size_t kInitialBuffer = std::size_t{1} << 22;  // 4 MiB; grows for longer lines
// No corpus record comes near this; a file without newlines would otherwise be read whole.
constexpr std::size_t kMaxLineBytes = std::size_t{1} << 30;
constexpr std::uintmax_t kProgressMinBytes = std::uintmax_t{8} << 20;

bool is_blank(const char* begin, const char* end) {
  for (const char* p = begin; p != end; ++p) {
    if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\f' && *p != '\v') return false;
  }
  return true;
}

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};

}  // namespace

void JsonlReaderAccess::fill(JsonlRecord& record, const simdjson::dom::object& object,
                             std::size_t line, const JsonlOptions& options) {
  record.fields_.clear();
  record.object_texts_.clear();
  record.id_ = {};
  for (simdjson::dom::key_value_pair kv : object) {
    JsonlRecord::Field field{kv.key, {}, 0, type_name(kv.value.type()), JsonlRecord::Kind::kOther};
    if (kv.value.is_string()) {
      field.kind = JsonlRecord::Kind::kString;
      field.value = kv.value.get_string().value_unsafe();
    } else if (kv.value.is_null()) {
      field.kind = JsonlRecord::Kind::kNull;
    } else if (kv.value.is_object()) {
      // Serialised now: the parsed document lives only until the next line is parsed.
      field.kind = JsonlRecord::Kind::kObject;
      field.object_text = record.object_texts_.size();
      record.object_texts_.push_back(simdjson::to_string(kv.value));
    }
    record.fields_.push_back(field);
  }
  const std::string& file = *record.file_;
  const JsonlRecord::Field* id_field = nullptr;
  for (const auto& field : record.fields_) {
    if (field.key == "_id") {
      id_field = &field;
      break;
    }
  }
  if (id_field == nullptr) {
    if (options.require_id) {
      throw InputError("record has no \"_id\" field", file, line,
                       "every line needs an id, e.g. {\"_id\": \"doc1\", \"text\": \"...\"}");
    }
    return;
  }
  if (id_field->kind == JsonlRecord::Kind::kString) {
    record.id_ = id_field->value;
  } else {
    // Integer ids (some datasets write them) become their decimal text.
    simdjson::dom::element value = object["_id"].value_unsafe();
    if (value.is_int64()) {
      record.id_buffer_ = std::to_string(value.get_int64().value_unsafe());
    } else if (value.is_uint64()) {
      record.id_buffer_ = std::to_string(value.get_uint64().value_unsafe());
    } else {
      throw InputError(std::string("\"_id\" is a JSON ") + id_field->type_name +
                           ", expected a string or an integer",
                       file, line);
    }
    record.id_ = record.id_buffer_;
  }
  // A present "_id" is checked even when ids are optional: it names the record downstream.
  validate_record_id(record.id_, "\"_id\"", file, line);
}

std::size_t read_jsonl(const std::filesystem::path& path,
                       const std::function<void(const JsonlRecord&)>& on_record,
                       const JsonlOptions& options) {
  const std::string file = path.string();
  std::unique_ptr<std::FILE, FileCloser> in(std::fopen(path.c_str(), "rb"));
  if (!in) {
    throw InputError(std::string("cannot open file: ") + std::strerror(errno), file, 0,
                     "check the path; a BEIR dataset has corpus.jsonl and queries.jsonl");
  }
  std::error_code ec;
  const std::uintmax_t file_bytes = std::filesystem::file_size(path, ec);
  Progress progress("reading " + path.filename().string(), 0, "lines",
                    options.show_progress && !ec && file_bytes >= kProgressMinBytes);

  simdjson::dom::parser parser;
  JsonlRecord record;
  JsonlReaderAccess::set_position(record, &file, 0, false);
  std::string repaired;

  // buffer[begin, end) holds unconsumed bytes; SIMDJSON_PADDING readable bytes always follow
  // `capacity`, so any line inside the buffer can be parsed in place.
  std::size_t capacity = kInitialBuffer;
  std::unique_ptr<char[]> buffer(new char[capacity + simdjson::SIMDJSON_PADDING]);
  std::memset(buffer.get() + capacity, 0, simdjson::SIMDJSON_PADDING);
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t scanned = 0;  // bytes from `begin` known to hold no newline
  std::size_t line_number = 0;
  std::size_t records = 0;
  bool eof = false;

  auto handle_line = [&](const char* data, std::size_t size) {
    ++line_number;
    progress.add();
    if (line_number == 1) {  // a byte-order mark can only open the file
      const std::string_view head(data, std::min<std::size_t>(size, 2));
      if (head == "\xFF\xFE" || head == "\xFE\xFF") {
        throw InputError("the file is UTF-16 (it opens with a UTF-16 byte-order mark)", file, 1,
                         "JSON Lines are UTF-8: convert it, e.g. iconv -f UTF-16 -t UTF-8");
      }
      const std::string_view first = strip_utf8_bom(std::string_view(data, size));
      data = first.data();
      size = first.size();
    }
    if (size > 0 && data[size - 1] == '\r') --size;
    if (is_blank(data, data + size)) return;
    simdjson::dom::element element;
    auto error = parser.parse(data, size, false).get(element);
    bool was_repaired = false;
    if (error == simdjson::UTF8_ERROR) {
      if (!options.on_invalid_utf8) {
        throw InputError("line is not valid UTF-8", file, line_number,
                         "convert the file to UTF-8 (e.g. with iconv)");
      }
      repaired.assign(data, size);
      options.on_invalid_utf8(repaired, line_number);
      was_repaired = true;
      error = parser.parse(repaired).get(element);
    }
    if (error) {
      throw InputError(std::string("malformed JSON: ") + simdjson::error_message(error), file,
                       line_number, "each line must hold exactly one JSON object");
    }
    if (element.type() != simdjson::dom::element_type::OBJECT) {
      throw InputError(
          std::string("line is a JSON ") + type_name(element.type()) + ", expected an object", file,
          line_number, "each line must hold exactly one JSON object");
    }
    JsonlReaderAccess::set_position(record, &file, line_number, was_repaired);
    JsonlReaderAccess::fill(record, element.get_object().value_unsafe(), line_number, options);
    ++records;
    on_record(record);
  };

  while (true) {
    // Hand out every complete line in the buffer.
    while (true) {
      char* start = buffer.get() + begin;
      char* newline = static_cast<char*>(std::memchr(start + scanned, '\n', end - begin - scanned));
      if (newline == nullptr) {
        scanned = end - begin;
        break;
      }
      handle_line(start, static_cast<std::size_t>(newline - start));
      begin += static_cast<std::size_t>(newline - start) + 1;
      scanned = 0;
    }
    if (eof) {
      if (end > begin) handle_line(buffer.get() + begin, end - begin);
      break;
    }
    // Make room: move the partial line to the front, grow when it fills the buffer.
    if (begin > 0) {
      std::memmove(buffer.get(), buffer.get() + begin, end - begin);
      end -= begin;
      begin = 0;
    }
    if (end == capacity) {
      if (capacity >= kMaxLineBytes) {
        throw InputError("line is longer than " + std::to_string(kMaxLineBytes >> 20) + " MiB",
                         file, line_number + 1, "is this a JSON Lines file (one object per line)?");
      }
      const std::size_t grown = capacity * 2;
      std::unique_ptr<char[]> bigger(new char[grown + simdjson::SIMDJSON_PADDING]);
      std::memcpy(bigger.get(), buffer.get(), end);
      std::memset(bigger.get() + grown, 0, simdjson::SIMDJSON_PADDING);
      buffer = std::move(bigger);
      capacity = grown;
    }
    const std::size_t got = std::fread(buffer.get() + end, 1, capacity - end, in.get());
    if (got == 0) {
      if (std::ferror(in.get())) {
        throw InputError(std::string("read failed: ") + std::strerror(errno), file, line_number);
      }
      eof = true;
    }
    end += got;
  }
  progress.finish();
  return records;
}

}  // namespace embeval
