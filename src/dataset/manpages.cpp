#include "embeval/dataset/manpages.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <new>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "dataset/man_files.h"
#include "embeval/core/error.h"
#include "embeval/dataset/roff.h"
#include "embeval/util/parallel_for.h"
#include "embeval/util/progress.h"
#include "embeval/util/stopwatch.h"
#include "embeval/util/utf8.h"

namespace embeval {
namespace {

constexpr std::size_t kMaxListedFailures = 20;

struct ParsedPage {
  enum class Status { kOk, kRedirect, kFailed };
  Status status = Status::kFailed;
  std::string reason;
  RoffPage page;
  bool utf8_replaced = false;
};

ParsedPage parse_page_file_unguarded(const man::PageFile& file) {
  ParsedPage parsed;
  std::string error;
  std::optional<std::string> source = man::read_page_source(file.path, error);
  if (!source) {
    parsed.reason = error;
    return parsed;
  }
  if (source->find_first_not_of(" \t\r\n") == std::string::npos) {
    parsed.reason = "empty page";
    return parsed;
  }
  if (source->find('\0') != std::string::npos) {
    parsed.reason = "binary data, not a roff page";
    return parsed;
  }
  parsed.utf8_replaced = !is_valid_utf8(*source);
  if (parsed.utf8_replaced) *source = replace_invalid_utf8(*source);
  parsed.page = parse_man_page(*source);
  if (!parsed.page.so_target.empty()) {
    parsed.status = ParsedPage::Status::kRedirect;
  } else if (!parsed.page.has_structure) {
    parsed.reason = "no man page structure (.TH, .Dd or .SH) found";
  } else {
    parsed.status = ParsedPage::Status::kOk;
  }
  return parsed;
}

// Runs on worker threads, so nothing may escape: an exception there would terminate the
// process (`dataset manpages` and `demo` read /usr/share/man, where one bad page must cost only
// that page). Every failure becomes a skipped page with its reason.
ParsedPage parse_page_file(const man::PageFile& file) {
  ParsedPage failed;
  try {
    return parse_page_file_unguarded(file);
  } catch (const RoffLimitError& e) {
    failed.reason = std::string("expansion limit: ") + e.what();
  } catch (const std::bad_alloc&) {
    failed.reason = "out of memory while parsing";
  } catch (const std::exception& e) {
    failed.reason = std::string("parser error: ") + e.what();
  }
  return failed;
}

// The reason without its details ("corrupt gzip data: invalid distance" -> "corrupt gzip
// data"): pages are counted per kind of failure.
std::string reason_kind(const std::string& reason) { return reason.substr(0, reason.find(':')); }

// Parses files[begin, end) on `threads` threads; results land at the same index.
void parse_range(const std::vector<man::PageFile>& files, std::size_t begin, std::size_t end,
                 std::size_t threads, std::vector<ParsedPage>& out, Progress& progress) {
  std::atomic<std::size_t> done{0};
  std::size_t reported = 0;
  parallel_for(end - begin, threads, [&](std::size_t i, std::size_t worker) {
    out[begin + i] = parse_page_file(files[begin + i]);
    ++done;
    // Worker 0 is the calling thread, the only one touching `progress` (not thread-safe).
    if (worker == 0) {
      const std::size_t now = done.load();
      progress.add(now - reported);
      reported = now;
    }
  });
  progress.add(done.load() - reported);
}

std::vector<std::filesystem::path> section_dirs(const ManPagesOptions& options) {
  std::filesystem::path base = options.man_dir;
  if (!options.lang.empty() && options.lang != "en" && options.lang != "C") base /= options.lang;
  std::vector<std::filesystem::path> dirs;
  for (const std::string& section : options.sections) dirs.push_back(base / ("man" + section));
  return dirs;
}

std::string available_languages(const std::filesystem::path& man_dir) {
  std::vector<std::string> langs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(man_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) && name.rfind("man", 0) != 0) langs.push_back(name);
  }
  std::sort(langs.begin(), langs.end());
  std::string out = "en";
  for (const auto& lang : langs) out += ", " + lang;
  return out;
}

}  // namespace

std::string format_failure_counts(const ManPagesReport& report) {
  std::string out;
  for (const auto& [reason, count] : report.failed_by_reason) {
    if (!out.empty()) out += ", ";
    out += std::to_string(count) + " " + reason;
  }
  return out;
}

Dataset build_manpages_dataset(const ManPagesOptions& options, ManPagesReport* report_out) {
  const Stopwatch start;
  ManPagesReport report;
  const std::vector<std::filesystem::path> dirs = section_dirs(options);
  bool any_dir = false;
  for (const auto& dir : dirs) {
    std::error_code ec;
    any_dir = any_dir || std::filesystem::is_directory(dir, ec);
  }
  if (!any_dir) {
    throw InputError("no man page directory for language '" + options.lang + "' and the sections",
                     dirs.empty() ? options.man_dir.string() : dirs.front().string(), 0,
                     "languages under " + options.man_dir.string() + ": " +
                         available_languages(options.man_dir));
  }

  man::PageListing listing = man::list_page_files(dirs);
  report.files_seen = listing.entries_seen;
  report.skipped_links = listing.symlinks;
  report.skipped_duplicates = listing.duplicates;
  report.failures = listing.failures;

  // Parse in blocks when only the first max_pages real pages are wanted, so a small demo
  // dataset does not read all 18k pages.
  const std::vector<man::PageFile>& files = listing.files;
  std::vector<ParsedPage> parsed(files.size());
  std::vector<std::size_t> kept;  // indices of real pages, in id order
  {
    Progress progress("parsing man pages", options.max_pages > 0 ? 0 : files.size(), "pages",
                      options.show_progress);
    std::size_t begin = 0;
    while (begin < files.size() && (options.max_pages == 0 || kept.size() < options.max_pages)) {
      std::size_t end = files.size();
      if (options.max_pages > 0) {
        const std::size_t wanted = options.max_pages - kept.size();
        end = std::min(files.size(), begin + std::max<std::size_t>(64, wanted + wanted / 4));
      }
      parse_range(files, begin, end, options.threads, parsed, progress);
      for (std::size_t i = begin; i < end; ++i) {
        ParsedPage& page = parsed[i];
        if (page.status == ParsedPage::Status::kRedirect) {
          ++report.skipped_so;
        } else if (page.status == ParsedPage::Status::kFailed) {
          ++report.failed;
          ++report.failed_by_reason[reason_kind(page.reason)];
          if (report.failures.size() < kMaxListedFailures) {
            report.failures.push_back(files[i].path.string() + ": " + page.reason);
          }
        } else if (options.max_pages == 0 || kept.size() < options.max_pages) {
          kept.push_back(i);
          if (page.utf8_replaced) ++report.invalid_utf8_replaced;
        }
      }
      begin = end;
    }
    progress.finish();
  }
  if (kept.empty()) {
    throw InputError("no readable man pages found", dirs.front().string(), 0,
                     "check --man-dir, --sections and --lang");
  }

  Dataset dataset;
  dataset.name = "manpages-" + (options.lang.empty() ? std::string("en") : options.lang);
  for (const auto& section : options.sections) dataset.name += "-" + section;

  std::unordered_map<std::string, std::size_t> corpus_index;  // id -> position in kept
  std::unordered_map<std::string, std::size_t> description_count;
  dataset.corpus.reserve(kept.size());
  for (std::size_t k = 0; k < kept.size(); ++k) {
    const man::PageFile& file = files[kept[k]];
    const RoffPage& page = parsed[kept[k]].page;
    corpus_index.emplace(file.id, k);
    Document doc;
    doc.id = file.id;
    doc.title = file.name + "(" + file.section + ")";
    doc.text = page.body;
    if (doc.text.empty()) ++report.empty_bodies;
    dataset.corpus.push_back(std::move(doc));
    if (!page.description.empty()) ++description_count[page.description];
  }

  auto find_page = [&](const ManReference& ref) -> const std::string* {
    auto it = corpus_index.find(ref.name + "." + ref.section);
    if (it == corpus_index.end()) {
      std::string lower = ref.name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      it = corpus_index.find(lower + "." + ref.section);
    }
    return it == corpus_index.end() ? nullptr : &dataset.corpus[it->second].id;
  };

  for (std::size_t k = 0; k < kept.size(); ++k) {
    const RoffPage& page = parsed[kept[k]].page;
    const std::string& id = dataset.corpus[k].id;
    if (page.description.empty()) {
      ++report.queries_dropped_empty;
      continue;
    }
    if (description_count[page.description] > 1) {
      ++report.queries_dropped_ambiguous;
      continue;
    }
    dataset.queries.push_back({id, page.description});
    auto& judgments = dataset.qrels.judgments[id];
    judgments[id] = 2;
    for (const ManReference& ref : page.see_also) {
      const std::string* target = find_page(ref);
      if (target == nullptr || *target == id) continue;
      if (judgments.emplace(*target, 1).second) ++report.see_also_judgments;
    }
  }
  report.queries = dataset.queries.size();

  dataset.report.empty_documents = report.empty_bodies;
  dataset.report.empty_queries = report.queries_dropped_empty;
  dataset.report.invalid_utf8_replaced = report.invalid_utf8_replaced;
  if (report.queries_dropped_ambiguous > 0) {
    dataset.report.warnings.push_back(
        std::to_string(report.queries_dropped_ambiguous) +
        " pages share their NAME description with another page; their queries were dropped");
  }
  if (report.queries_dropped_empty > 0) {
    dataset.report.warnings.push_back(std::to_string(report.queries_dropped_empty) +
                                      " pages have no NAME description; no query for them");
  }
  if (report.failed > 0) {
    dataset.report.warnings.push_back(std::to_string(report.failed) +
                                      " man page files could not be read or parsed (skipped: " +
                                      format_failure_counts(report) + ")");
  }
  report.parsed = kept.size();
  report.seconds = start.seconds();
  if (report_out != nullptr) *report_out = std::move(report);
  return dataset;
}

}  // namespace embeval
