#include "embeval/ingest/import.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_map>

#include "embeval/core/error.h"
#include "embeval/ingest/html_text.h"
#include "embeval/ingest/markdown_text.h"
#include "embeval/ingest/pdf_text.h"
#include "embeval/ingest/source_files.h"
#include "embeval/ingest/source_format.h"
#include "embeval/io/record_id.h"
#include "embeval/util/atomic_file.h"
#include "embeval/util/human_units.h"
#include "embeval/util/progress.h"
#include "embeval/util/stopwatch.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

using json = nlohmann::ordered_json;

// Why a file gave no document: a reason code and words for people.
struct Skip {
  std::string reason;
  std::string detail;
};

struct FileDescriptor {
  int fd = -1;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

// The file's bytes, or why not. O_NONBLOCK: a file swapped for a FIFO after the walk must not
// block the import; fstat then refuses it.
std::optional<Skip> read_source(const SourceFile& file, std::uintmax_t max_bytes,
                                std::string& bytes) {
  FileDescriptor in{::open(file.path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
  if (in.fd < 0) return Skip{"unreadable", std::strerror(errno)};
  struct stat st {};
  if (::fstat(in.fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    return Skip{"not-regular", "no longer a regular file"};
  }
  bytes.clear();
  char buffer[1 << 16];
  while (true) {
    const ssize_t got = ::read(in.fd, buffer, sizeof buffer);
    if (got < 0) {
      if (errno == EINTR) continue;
      return Skip{"unreadable", std::string("read failed: ") + std::strerror(errno)};
    }
    if (got == 0) break;
    bytes.append(buffer, static_cast<std::size_t>(got));
    if (bytes.size() > max_bytes) return Skip{"too-large", "grew past the size limit while read"};
  }
  return std::nullopt;
}

// gzip -> bytes, at most `max_bytes` (a gzip bomb stops there).
std::optional<Skip> gunzip(std::string_view compressed, std::uintmax_t max_bytes,
                           std::string& out) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return Skip{"corrupt", "zlib cannot start"};
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  out.clear();
  char buffer[1 << 16];
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof buffer;
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      const std::string message = stream.msg != nullptr ? stream.msg : "truncated";
      inflateEnd(&stream);
      return Skip{"corrupt", "gzip: " + message};
    }
    out.append(buffer, sizeof buffer - stream.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&stream);
      return Skip{"too-large", "inflates past the size limit"};
    }
    if (status == Z_OK && stream.avail_in == 0 && stream.avail_out != 0) {
      inflateEnd(&stream);
      return Skip{"corrupt", "gzip: truncated"};
    }
  }
  inflateEnd(&stream);
  return std::nullopt;
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

std::string file_stem(const std::string& relative) {
  std::string name = relative.substr(relative.rfind('/') + 1);
  if (is_gzip_name(name)) name.resize(name.size() - 3);
  const std::size_t dot = name.rfind('.');
  if (dot != std::string::npos && dot > 0) name.resize(dot);
  return name;
}

// What one file gives: documents, and repairs worth reporting.
struct FileResult {
  std::vector<Document> documents;
  std::vector<Skip> repairs;
  std::size_t invalid_utf8_replaced = 0;  // sequences
};

json section_json(const ExtractedSection& s) {
  return json{{"begin", s.begin},
              {"end", s.end},
              {"level", s.level},
              {"heading", s.heading},
              {"path", s.path}};
}

json source_json(const SourceFile& file, SourceFormat format, const std::string& title_from) {
  json source{{"path", replace_invalid_utf8(file.relative)},
              {"format", source_format_name(format)},
              {"bytes", file.bytes},
              {"title_from", title_from}};
  if (is_gzip_name(file.relative)) source["compression"] = "gzip";
  return source;
}

// One document from extracted text (Markdown, HTML, PDF, text).
FileResult document_from(const SourceFile& file, SourceFormat format, ExtractedText extracted) {
  FileResult result;
  result.invalid_utf8_replaced = extracted.invalid_utf8_replaced;
  if (extracted.invalid_utf8_replaced > 0) {
    result.repairs.push_back({"invalid-utf8", std::to_string(extracted.invalid_utf8_replaced) +
                                                  " invalid UTF-8 sequences became U+FFFD"});
  }
  if (!extracted.note.empty()) result.repairs.push_back({"partly-read", extracted.note});
  if (extracted.title.empty()) {
    extracted.title = replace_invalid_utf8(file_stem(file.relative));
    extracted.title_from = "filename";
  }
  json metadata{{"source", source_json(file, format, extracted.title_from)}};
  if (!extracted.sections.empty()) {
    json sections = json::array();
    for (const ExtractedSection& s : extracted.sections) sections.push_back(section_json(s));
    metadata["sections"] = std::move(sections);
  }
  if (format == SourceFormat::kPdf) {
    json pages = json::array();
    for (const TextPage& p : extracted.pages) {
      pages.push_back({{"page", p.page}, {"begin", p.begin}, {"end", p.end}});
    }
    metadata["pages"] = std::move(pages);
  }
  result.documents.push_back({path_id(file.relative), std::move(extracted.title),
                              std::move(extracted.text), metadata.dump()});
  return result;
}

// Documents from a JSONL or CSV file, one per record with text.
FileResult documents_from_records(const SourceFile& file, SourceFormat format,
                                  std::string_view bytes, const ImportOptions& options) {
  const RecordFile records = format == SourceFormat::kJsonl
                                 ? read_jsonl_records(bytes, file.relative, options.fields)
                                 : read_csv_records(bytes, file.relative, options.fields);
  FileResult result;
  const std::string base = path_id(file.relative);
  for (const SourceRecord& record : records.records) {
    const std::string record_id = record.id.empty() ? std::to_string(record.number) : record.id;
    std::string id = options.keep_record_ids ? record_id : base + "#" + record_id;
    if (const std::string problem = record_id_problem(id); !problem.empty()) {
      throw InputError("record id \"" + record_id + "\" " + problem, file.relative, record.number,
                       "ids may not hold whitespace or control characters");
    }
    json source = source_json(file, format, record.title.empty() ? "filename" : "field");
    source["record"] = record.number;
    std::string title = record.title.empty() ? file_stem(file.relative) : record.title;
    result.documents.push_back({std::move(id), replace_invalid_utf8(title),
                                replace_invalid_utf8(record.text),
                                json{{"source", std::move(source)}}.dump()});
  }
  if (records.without_text > 0) {
    result.repairs.push_back({"records-without-text",
                              std::to_string(records.without_text) + " records without a \"" +
                                  options.fields.text + "\" field (or with a blank one) skipped"});
  }
  return result;
}

// Reads and extracts one file. Returns the skip when it gives no document.
std::optional<Skip> extract(const SourceFile& file, const ImportOptions& options,
                            SourceFormat& format, FileResult& result, std::size_t& bytes_read) {
  format = format_from_name(file.relative);
  if (file.bytes > options.max_file_bytes) {
    return Skip{"too-large", human_bytes(static_cast<double>(file.bytes)) + " > the limit of " +
                                 human_bytes(static_cast<double>(options.max_file_bytes)) +
                                 " (--max-file-bytes); not read"};
  }
  std::string raw;
  if (auto skip = read_source(file, options.max_file_bytes, raw)) return skip;
  bytes_read = raw.size();
  std::string inflated;
  std::string_view bytes = raw;
  if (is_gzip_name(file.relative)) {
    if (auto skip = gunzip(raw, options.max_file_bytes, inflated)) return skip;
    bytes = inflated;
  }
  format = detect_format(file.relative.substr(file.relative.rfind('/') + 1), bytes.substr(0, 4096));
  if (format == SourceFormat::kUnsupported) {
    const std::size_t dot = file.relative.rfind('.');
    return Skip{"unsupported", "no reader for ." + file.relative.substr(dot + 1) + " files"};
  }
  if (is_blank(bytes)) return Skip{"empty", bytes.empty() ? "0 bytes" : "only whitespace"};
  if (format != SourceFormat::kPdf && looks_binary(bytes.substr(0, 65536))) {
    return Skip{"binary", "NUL bytes or control characters: not text"};
  }
  ExtractedText extracted;
  switch (format) {
    case SourceFormat::kPdf: {
      PdfText pdf = pdf_text(bytes);
      if (pdf.status == PdfStatus::kEncrypted) return Skip{"encrypted", pdf.problem};
      if (pdf.status == PdfStatus::kUnreadable) return Skip{"corrupt", pdf.problem};
      extracted = std::move(pdf.text);
      break;
    }
    case SourceFormat::kHtml:
      extracted = html_text(bytes);
      break;
    case SourceFormat::kMarkdown:
    case SourceFormat::kText: {
      std::size_t replaced = 0;
      const std::string text = replace_invalid_utf8(bytes, &replaced);
      if (format == SourceFormat::kMarkdown) {
        extracted = markdown_text(text);
      } else {
        extracted.text = text;
        while (!extracted.text.empty() && is_blank(std::string_view(&extracted.text.back(), 1))) {
          extracted.text.pop_back();
        }
      }
      extracted.invalid_utf8_replaced = replaced;
      break;
    }
    case SourceFormat::kJsonl:
    case SourceFormat::kCsv: {
      std::size_t replaced = 0;
      const std::string text = replace_invalid_utf8(bytes, &replaced);
      try {
        result = documents_from_records(file, format, text, options);
      } catch (const InputError& e) {
        return Skip{"corrupt", std::string(e.what())};
      }
      result.invalid_utf8_replaced = replaced;
      if (replaced > 0) {
        result.repairs.insert(
            result.repairs.begin(),
            {"invalid-utf8", std::to_string(replaced) + " invalid UTF-8 sequences became U+FFFD"});
      }
      if (result.documents.empty()) return Skip{"empty", "no record has a text"};
      return std::nullopt;
    }
    case SourceFormat::kUnsupported:
      break;
  }
  if (is_blank(extracted.text) && !extracted.note.empty()) return Skip{"corrupt", extracted.note};
  if (is_blank(extracted.text)) {
    return Skip{"empty", format == SourceFormat::kPdf ? "no text on any page (scanned images?)"
                                                      : "no text once markup is removed"};
  }
  result = document_from(file, format, std::move(extracted));
  return std::nullopt;
}

std::string join(const std::vector<Skip>& repairs, bool detail) {
  std::string out;
  for (const Skip& r : repairs) {
    if (!out.empty()) out += detail ? "; " : ",";
    out += detail ? r.detail : r.reason;
  }
  return out;
}

}  // namespace

double ImportReport::megabytes_per_second() const {
  return seconds > 0 ? static_cast<double>(bytes_read) / 1e6 / seconds : 0.0;
}

std::string path_id(std::string_view relative) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string id;
  const auto escape = [&](std::string_view bytes) {
    for (char c : bytes) {
      const auto b = static_cast<unsigned char>(c);
      id += '%';
      id += kHex[b >> 4];
      id += kHex[b & 15];
    }
  };
  for (std::size_t pos = 0; pos < relative.size();) {
    std::uint32_t code_point = 0;
    const std::size_t length = decode_utf8(relative, pos, code_point);
    if (length == 0) {
      escape(relative.substr(pos, 1));
      ++pos;
      continue;
    }
    const std::string_view character = relative.substr(pos, length);
    if (character == "%" || !record_id_problem(character).empty()) {
      escape(character);
    } else {
      id.append(character);
    }
    pos += length;
  }
  return id;
}

ImportResult import_documents(const ImportOptions& options) {
  Stopwatch clock;
  ImportResult result;
  ImportReport& report = result.report;
  SourceWalkOptions walk_options;
  walk_options.include_hidden = options.include_hidden;
  const SourceWalk walk = walk_sources(options.roots, walk_options);

  const auto count = [&](ImportedFile entry, const FormatCounts* add) {
    FormatCounts& counts = report.formats[entry.format];
    ++counts.files;
    if (entry.outcome == "imported") ++counts.imported;
    if (entry.outcome == "repaired") ++counts.repaired;
    if (entry.outcome == "skipped") ++counts.skipped;
    if (add != nullptr) {
      counts.documents += add->documents;
      counts.bytes += add->bytes;
      counts.seconds += add->seconds;
    }
    ++report.outcomes[entry.outcome];
    std::size_t start = 0;
    while (start <= entry.reason.size() && !entry.reason.empty()) {
      const std::size_t comma = entry.reason.find(',', start);
      ++report.reasons[entry.reason.substr(start, comma - start)];
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    report.files.push_back(std::move(entry));
  };

  for (const SetAside& entry : walk.set_aside) {
    count(
        {replace_invalid_utf8(entry.relative), "none", "skipped", entry.reason, entry.detail, 0, 0},
        nullptr);
  }

  std::unordered_map<std::string, std::string> id_owner;  // document id -> file
  Progress progress("importing", walk.files.size(), "files", options.show_progress);
  for (const SourceFile& file : walk.files) {
    progress.add();
    Stopwatch file_clock;
    SourceFormat format = SourceFormat::kUnsupported;
    FileResult extracted;
    std::size_t bytes_read = 0;
    std::optional<Skip> skip;
    try {
      skip = extract(file, options, format, extracted, bytes_read);
    } catch (const std::exception& e) {  // a parser's own failure costs only this file
      skip = Skip{"corrupt", std::string("reading failed: ") + e.what()};
    }
    if (!skip) {
      for (const Document& doc : extracted.documents) {
        const auto [it, inserted] = id_owner.emplace(doc.id, file.relative);
        if (!inserted) {
          skip = Skip{"duplicate-id", "id \"" + doc.id + "\" already given by " + it->second};
          break;
        }
      }
      if (skip) {  // give the ids back: no document of this file is kept
        for (const Document& doc : extracted.documents) {
          if (id_owner[doc.id] == file.relative) id_owner.erase(doc.id);
        }
      }
    }
    ImportedFile entry{
        replace_invalid_utf8(file.relative), source_format_name(format), "", "", "", file.bytes, 0};
    if (skip) {
      entry.outcome = "skipped";
      entry.reason = skip->reason;
      entry.detail = skip->detail;
      count(std::move(entry), nullptr);
      continue;
    }
    report.invalid_utf8_replaced += extracted.invalid_utf8_replaced;
    entry.outcome = extracted.repairs.empty() ? "imported" : "repaired";
    entry.reason = join(extracted.repairs, false);
    entry.detail = join(extracted.repairs, true);
    entry.documents = extracted.documents.size();
    const FormatCounts add{0, 0, 0, 0, entry.documents, bytes_read, file_clock.seconds()};
    report.documents += entry.documents;
    report.bytes_read += bytes_read;
    count(std::move(entry), &add);
    for (Document& doc : extracted.documents) result.dataset.corpus.push_back(std::move(doc));
  }
  progress.finish();
  report.seconds = clock.seconds();
  if (result.dataset.corpus.empty()) {
    throw InputError("no document could be imported (" + std::to_string(report.files.size()) +
                         " files and entries, all skipped)",
                     options.roots.empty() ? "" : options.roots.front().string(), 0,
                     "see the reasons above; supported: .md .html .htm .pdf .txt .jsonl .csv "
                     "and files without extension");
  }
  return result;
}

std::string import_report_json(const ImportReport& report, const ImportOptions& options) {
  json roots = json::array();
  for (const auto& root : options.roots) roots.push_back(replace_invalid_utf8(root.string()));
  json formats = json::object();
  for (const auto& [name, c] : report.formats) {
    formats[name] = {
        {"files", c.files},
        {"imported", c.imported},
        {"repaired", c.repaired},
        {"skipped", c.skipped},
        {"documents", c.documents},
        {"bytes", c.bytes},
        {"seconds", c.seconds},
        {"mb_per_s", c.seconds > 0 ? static_cast<double>(c.bytes) / 1e6 / c.seconds : 0.0}};
  }
  json outcomes = json::object();
  for (const char* outcome : {"imported", "repaired", "skipped"}) {
    const auto it = report.outcomes.find(outcome);
    outcomes[outcome] = it == report.outcomes.end() ? 0 : it->second;
  }
  json files = json::array();
  for (const ImportedFile& f : report.files) {
    if (f.outcome == "imported") continue;
    files.push_back({{"path", f.path},
                     {"format", f.format},
                     {"outcome", f.outcome},
                     {"reason", f.reason},
                     {"detail", replace_invalid_utf8(f.detail)},
                     {"bytes", f.bytes},
                     {"documents", f.documents}});
  }
  const json out{{"format", "embeval-import"},
                 {"version", 1},
                 {"roots", roots},
                 {"max_file_bytes", options.max_file_bytes},
                 {"files", report.files.size()},
                 {"documents", report.documents},
                 {"bytes", report.bytes_read},
                 {"seconds", report.seconds},
                 {"mb_per_s", report.megabytes_per_second()},
                 {"invalid_utf8_replaced", report.invalid_utf8_replaced},
                 {"outcomes", outcomes},
                 {"reasons", report.reasons},
                 {"formats", formats},
                 {"problems", files}};
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string import_summary(const ImportReport& report) {
  const auto outcome = [&](const char* name) {
    const auto it = report.outcomes.find(name);
    return it == report.outcomes.end() ? std::size_t{0} : it->second;
  };
  char line[512];
  std::snprintf(line, sizeof line,
                "imported %zu documents from %zu files: %zu imported, %zu repaired, %zu skipped; "
                "%s read in %.2f s (%.1f MB/s)\n",
                report.documents, report.files.size(), outcome("imported"), outcome("repaired"),
                outcome("skipped"), human_bytes(static_cast<double>(report.bytes_read)).c_str(),
                report.seconds, report.megabytes_per_second());
  std::string out = line;
  std::snprintf(line, sizeof line, "  %-12s %6s %8s %8s %7s %9s %10s\n", "format", "files",
                "imported", "repaired", "skipped", "documents", "bytes");
  out += line;
  for (const auto& [name, c] : report.formats) {
    std::snprintf(line, sizeof line, "  %-12s %6zu %8zu %8zu %7zu %9zu %10s\n", name.c_str(),
                  c.files, c.imported, c.repaired, c.skipped, c.documents,
                  human_bytes(static_cast<double>(c.bytes)).c_str());
    out += line;
  }
  if (!report.reasons.empty()) {
    out += "  reasons:";
    for (const auto& [reason, n] : report.reasons) out += " " + reason + " " + std::to_string(n);
    out += "\n";
  }
  // The first few files with a problem; import.json lists every one.
  constexpr std::size_t kListed = 20;
  std::size_t listed = 0;
  std::size_t problems = 0;
  for (const ImportedFile& f : report.files) {
    if (f.outcome == "imported") continue;
    if (++problems > kListed) continue;
    out += "  " + f.outcome + " " + f.path + ": " + f.reason + " (" + f.detail + ")\n";
    ++listed;
  }
  if (problems > listed) {
    out += "  ... and " + std::to_string(problems - listed) + " more in import.json\n";
  }
  return out;
}

void write_import(const std::filesystem::path& out, const ImportResult& result,
                  const ImportOptions& options) {
  write_beir(out, result.dataset);
  write_file_atomic(out / "import.json", import_report_json(result.report, options));
}

}  // namespace embeval
