#include "embeval/dataset/manpage_bitext.h"

#include <unordered_map>
#include <unordered_set>

#include "embeval/dataset/manpages.h"

namespace embeval {
namespace {

struct Candidate {
  std::string id;
  std::string english;
  std::string translated;
};

std::vector<ManPage> read_language(const ManPageBitextOptions& options, const std::string& lang) {
  ManPagesOptions read;
  read.man_dir = options.man_dir;
  read.sections = options.sections;
  read.lang = lang;
  read.threads = options.threads;
  read.show_progress = options.show_progress;
  ManPagesReport unused;
  return read_man_pages(read, unused);
}

}  // namespace

std::vector<std::size_t> evenly_spread(std::size_t n, std::size_t max_pairs) {
  std::vector<std::size_t> keep;
  const std::size_t count = max_pairs == 0 || max_pairs >= n ? n : max_pairs;
  keep.reserve(count);
  for (std::size_t i = 0; i < count; ++i) keep.push_back(count == n ? i : i * n / count);
  return keep;
}

ManPageBitext build_manpage_bitext(const ManPageBitextOptions& options) {
  ManPageBitext out;
  ManPageBitextReport& report = out.report;
  const std::vector<ManPage> translated = read_language(options, options.lang);
  const std::vector<ManPage> english = read_language(options, "en");
  report.translated_pages = translated.size();
  report.english_pages = english.size();

  std::unordered_map<std::string, const ManPage*> english_by_id;
  for (const ManPage& page : english) english_by_id.emplace(page.id, &page);

  std::vector<Candidate> candidates;
  std::unordered_map<std::string, std::size_t> english_count, translated_count;
  std::unordered_set<std::string> seen_pairs;  // "english<TAB>translated"
  for (const ManPage& page : translated) {     // sorted by id
    const auto found = english_by_id.find(page.id);
    if (found == english_by_id.end()) {
      ++report.no_english_page;
      continue;
    }
    Candidate c{page.id, bitext_side(found->second->page.description),
                bitext_side(page.page.description)};
    if (c.english.empty()) {
      ++report.no_english_name;
    } else if (c.translated.empty()) {
      ++report.no_translated_name;
    } else if (c.english == c.translated) {
      ++report.identical;
    } else if (!seen_pairs.insert(c.english + '\t' + c.translated).second) {
      ++report.repeated;  // ls, dir and vdir: one pair, not three ambiguous ones
    } else {
      ++english_count[c.english];
      ++translated_count[c.translated];
      candidates.push_back(std::move(c));
    }
  }
  std::vector<Candidate> unique;
  for (Candidate& c : candidates) {
    if (english_count[c.english] > 1 || translated_count[c.translated] > 1) {
      ++report.ambiguous;
    } else {
      unique.push_back(std::move(c));
    }
  }
  const std::vector<std::size_t> keep = evenly_spread(unique.size(), options.max_pairs);
  report.sampled_out = unique.size() - keep.size();
  for (const std::size_t i : keep) {
    out.ids.push_back(unique[i].id);
    out.pairs.sources.push_back(std::move(unique[i].english));
    out.pairs.targets.push_back(std::move(unique[i].translated));
  }
  report.pairs = out.pairs.size();
  return out;
}

}  // namespace embeval
