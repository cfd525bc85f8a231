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

std::vector<ManPage> read_man_pages(const ManPagesOptions& options, ManPagesReport& report) {
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

  std::vector<ManPage> pages;
  pages.reserve(kept.size());
  for (const std::size_t i : kept) {
    pages.push_back({files[i].id, files[i].name, files[i].section, std::move(parsed[i].page)});
  }
  report.parsed = pages.size();
  return pages;
}

namespace {

// The rel=1 judgments of one query: the pages `see_also` names that are in the corpus.
void add_see_also(const std::vector<ManReference>& see_also, const std::string& id,
                  const std::unordered_map<std::string, std::size_t>& corpus_index,
                  const Dataset& dataset, std::unordered_map<std::string, int>& judgments,
                  ManPagesReport& report) {
  auto find_page = [&](const ManReference& ref) -> const std::string* {
    auto it = corpus_index.find(ref.name + "." + ref.section);
    if (it == corpus_index.end()) {
      std::string lower = ref.name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      it = corpus_index.find(lower + "." + ref.section);
    }
    return it == corpus_index.end() ? nullptr : &dataset.corpus[it->second].id;
  };
  for (const ManReference& ref : see_also) {
    const std::string* target = find_page(ref);
    if (target == nullptr || *target == id) continue;
    if (judgments.emplace(*target, 1).second) ++report.see_also_judgments;
  }
}

// Queries in `options.lang` against the documents of `options.cross_lang`: query i is the
// description of a translated page, relevant are the document page with the same id (2) and
// the pages that document's SEE ALSO names (1), as the monolingual dataset of the document
// language judges them.
void add_cross_language_queries(const ManPagesOptions& options, const std::vector<ManPage>& docs,
                                const std::unordered_map<std::string, std::size_t>& corpus_index,
                                Dataset& dataset, ManPagesReport& report) {
  ManPagesOptions query_options = options;
  query_options.cross_lang.clear();
  query_options.max_pages = 0;  // max_pages bounds the corpus; any page of it may be asked for
  ManPagesReport query_report;
  const std::vector<ManPage> query_pages = read_man_pages(query_options, query_report);
  report.query_pages = query_pages.size();

  std::vector<const ManPage*> candidates;
  std::unordered_map<std::string, std::size_t> description_count;
  for (const ManPage& page : query_pages) {
    const auto doc = corpus_index.find(page.id);
    if (doc == corpus_index.end()) {
      ++report.queries_dropped_no_document;
    } else if (page.page.description.empty()) {
      ++report.queries_dropped_empty;
    } else if (page.page.description == docs[doc->second].page.description) {
      ++report.queries_dropped_untranslated;
    } else {
      candidates.push_back(&page);
      ++description_count[page.page.description];
    }
  }
  for (const ManPage* page : candidates) {
    if (description_count[page->page.description] > 1) {
      ++report.queries_dropped_ambiguous;
      continue;
    }
    dataset.queries.push_back({page->id, page->page.description});
    auto& judgments = dataset.qrels.judgments[page->id];
    judgments[page->id] = 2;
    add_see_also(docs[corpus_index.at(page->id)].page.see_also, page->id, corpus_index, dataset,
                 judgments, report);
  }
}

}  // namespace

Dataset build_manpages_dataset(const ManPagesOptions& options, ManPagesReport* report_out) {
  const Stopwatch start;
  ManPagesReport report;
  const bool cross = !options.cross_lang.empty();
  ManPagesOptions doc_options = options;
  if (cross) doc_options.lang = options.cross_lang;
  const std::vector<ManPage> pages = read_man_pages(doc_options, report);

  Dataset dataset;
  dataset.name = "manpages-" + (options.lang.empty() ? std::string("en") : options.lang);
  if (cross) dataset.name += "-to-" + options.cross_lang;
  for (const auto& section : options.sections) dataset.name += "-" + section;

  std::unordered_map<std::string, std::size_t> corpus_index;  // id -> position in pages
  std::unordered_map<std::string, std::size_t> description_count;
  dataset.corpus.reserve(pages.size());
  for (std::size_t k = 0; k < pages.size(); ++k) {
    const ManPage& page = pages[k];
    corpus_index.emplace(page.id, k);
    Document doc;
    doc.id = page.id;
    doc.title = page.name + "(" + page.section + ")";
    doc.text = page.page.body;
    if (doc.text.empty()) ++report.empty_bodies;
    dataset.corpus.push_back(std::move(doc));
    if (!page.page.description.empty()) ++description_count[page.page.description];
  }

  if (cross) {
    add_cross_language_queries(options, pages, corpus_index, dataset, report);
  } else {
    for (std::size_t k = 0; k < pages.size(); ++k) {
      const RoffPage& page = pages[k].page;
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
      add_see_also(page.see_also, id, corpus_index, dataset, judgments, report);
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
  report.seconds = start.seconds();
  if (report_out != nullptr) *report_out = std::move(report);
  return dataset;
}

}  // namespace embeval
