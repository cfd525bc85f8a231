#include "embeval/dataset/heading_queries.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "embeval/core/error.h"
#include "embeval/dataset/passages.h"

namespace embeval {
namespace {

using json = nlohmann::ordered_json;

json metadata_of(const std::string& text) {
  if (text.empty()) return json::object();
  json j = json::parse(text, nullptr, false);
  return j.is_object() ? j : json::object();
}

// Trimmed, inner whitespace collapsed, leading numbering ("2.", "2.1", "3)") and trailing
// colons removed: "  2.1  Getting   started: " -> "Getting started".
std::string clean_heading(const std::string& raw) {
  std::string s;
  for (char c : raw) {
    const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    if (space) {
      if (!s.empty() && s.back() != ' ') s += ' ';
    } else {
      s += c;
    }
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == ':')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.' || s[i] == ')')) ++i;
  if (i > 0 && i < s.size() && s[i] == ' ') s = s.substr(i + 1);
  return s;
}

std::string fold(const std::string& s) {
  std::string out = s;
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::size_t characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

bool has_letter(const std::string& s) {
  for (unsigned char c : s) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) return true;
  }
  return false;
}

struct Candidate {
  std::string parent;
  std::string text;               // cleaned
  long section = -1;              // the parent's section index; -1: the title
  std::vector<std::string> path;  // heading path
};

// One document (or one parent with its passages): its rows in the corpus.
struct Unit {
  std::string title;
  std::vector<std::size_t> rows;
  // section index -> heading and path, from the document's or its passages' metadata
  std::map<long, std::pair<std::string, std::vector<std::string>>> sections;
  // row -> sections it overlaps (passages only)
  std::map<std::size_t, std::set<long>> row_sections;
  bool passages = false;
};

void add_section(Unit& unit, const json& s, long index) {
  std::string heading = s.contains("heading") && s["heading"].is_string()
                            ? s["heading"].get<std::string>()
                            : std::string();
  std::vector<std::string> path;
  if (s.contains("path") && s["path"].is_array()) {
    for (const auto& h : s["path"]) {
      if (h.is_string()) path.push_back(h.get<std::string>());
    }
  }
  if (heading.empty() && !path.empty()) heading = path.back();
  unit.sections.emplace(index, std::make_pair(heading, path));
}

}  // namespace

const std::vector<std::string>& generic_headings() {
  static const std::vector<std::string> kList = {"abstract",
                                                 "acknowledgements",
                                                 "acknowledgments",
                                                 "appendix",
                                                 "authors",
                                                 "author",
                                                 "background",
                                                 "bugs",
                                                 "changelog",
                                                 "changes",
                                                 "conclusion",
                                                 "conclusions",
                                                 "contents",
                                                 "contributing",
                                                 "description",
                                                 "details",
                                                 "example",
                                                 "examples",
                                                 "faq",
                                                 "files",
                                                 "further reading",
                                                 "home",
                                                 "index",
                                                 "introduction",
                                                 "license",
                                                 "links",
                                                 "main",
                                                 "name",
                                                 "notes",
                                                 "options",
                                                 "overview",
                                                 "preface",
                                                 "readme",
                                                 "references",
                                                 "related",
                                                 "see also",
                                                 "summary",
                                                 "synopsis",
                                                 "table of contents",
                                                 "todo",
                                                 "usage"};
  return kList;
}

Dataset heading_queries(const Dataset& source, const HeadingQueryOptions& options,
                        HeadingQueryReport* report) {
  validate_split_name(options.split);
  HeadingQueryReport r;
  const PassageParents parents = passage_parents(source);
  std::vector<Unit> units(parents.parent_ids.size());
  for (std::size_t row = 0; row < source.corpus.size(); ++row) {
    const Document& d = source.corpus[row];
    Unit& unit = units[parents.parent_of[row]];
    const json meta = metadata_of(d.metadata);
    unit.rows.push_back(row);
    if (meta.contains("parent")) {
      unit.passages = true;
      if (unit.rows.size() == 1) {
        unit.title = meta.contains("parent_title") && meta["parent_title"].is_string()
                         ? meta["parent_title"].get<std::string>()
                         : d.title;
      }
      if (meta.contains("sections") && meta["sections"].is_array()) {
        for (const auto& s : meta["sections"]) {
          if (!s.is_object() || !s.contains("index")) continue;
          const long index = s["index"].get<long>();
          add_section(unit, s, index);
          unit.row_sections[row].insert(index);
        }
      }
    } else {
      unit.title = d.title;
      if (meta.contains("sections") && meta["sections"].is_array()) {
        long index = 0;
        for (const auto& s : meta["sections"]) {
          if (s.is_object()) add_section(unit, s, index);
          ++index;
        }
      }
    }
  }
  const std::set<std::string> generic(generic_headings().begin(), generic_headings().end());

  // Candidates per document, in order: the title, then the sections.
  std::vector<Candidate> kept;
  std::unordered_map<std::string, std::set<std::string>> documents_of;  // folded -> parents
  for (std::size_t u = 0; u < units.size(); ++u) {
    const Unit& unit = units[u];
    std::set<std::string> seen;
    auto consider = [&](const std::string& raw, long section, std::vector<std::string> path) {
      ++r.candidates;
      const std::string text = clean_heading(raw);
      const std::string key = fold(text);
      if (characters(text) < options.min_chars || !has_letter(text)) {
        ++r.skipped_short;
      } else if (generic.count(key) != 0) {
        ++r.skipped_generic;
      } else if (!seen.insert(key).second) {
        ++r.skipped_repeated;
      } else {
        kept.push_back({parents.parent_ids[u], text, section, std::move(path)});
        documents_of[key].insert(parents.parent_ids[u]);
      }
    };
    if (options.titles && !unit.title.empty()) consider(unit.title, -1, {});
    for (const auto& [index, hp] : unit.sections) consider(hp.first, index, hp.second);
  }
  std::unordered_map<std::string, std::size_t> unit_of;
  for (std::size_t u = 0; u < units.size(); ++u) unit_of.emplace(parents.parent_ids[u], u);

  Dataset out;
  out.name = source.name;
  out.corpus = source.corpus;
  json items = json::array();
  for (const Candidate& c : kept) {
    if (documents_of[fold(c.text)].size() > 1) {
      ++r.skipped_ambiguous;
      continue;
    }
    const Unit& unit = units[unit_of.at(c.parent)];
    Query q;
    q.id = c.parent + (c.section < 0 ? "#title" : "#h" + std::to_string(c.section));
    q.text = c.text;
    auto& row = out.qrels.judgments[q.id];
    for (std::size_t corpus_row : unit.rows) {
      const auto it = unit.row_sections.find(corpus_row);
      const bool in_section = c.section < 0 || !unit.passages ||
                              (it != unit.row_sections.end() && it->second.count(c.section) != 0);
      row[source.corpus[corpus_row].id] = in_section ? 2 : 1;
      ++(in_section ? r.judgments_grade2 : r.judgments_grade1);
    }
    ++r.queries;
    if (c.section < 0) ++r.from_titles;
    json item = {{"query", q.id}, {"document", c.parent}, {"heading", c.text}};
    item["kind"] = c.section < 0 ? "title" : "heading";
    if (c.section >= 0) {
      item["section"] = c.section;
      item["path"] = c.path;
    }
    items.push_back(std::move(item));
    out.queries.push_back(std::move(q));
  }
  r.documents = units.size();
  if (out.queries.empty()) {
    throw InputError(
        "no heading or title made a query (" + std::to_string(r.candidates) + " candidates: " +
            std::to_string(r.skipped_short) + " too short, " + std::to_string(r.skipped_generic) +
            " generic, " + std::to_string(r.skipped_ambiguous) + " shared by several documents)",
        source.name, 0, "import documents with titles or headings (Markdown, HTML, PDF titles)");
  }
  json meta = metadata_of(source.metadata);
  meta["queries"] = {{"from", "headings"},
                     {"split", options.split},
                     {"titles", options.titles},
                     {"min_chars", options.min_chars},
                     {"stop_list", generic_headings()},
                     {"grades",
                      "2: the heading's section (a title's: the whole document); 1: the "
                      "same document's other passages"},
                     {"caveat", std::string(kHeadingQueryCaveat)},
                     {"candidates", r.candidates},
                     {"queries", r.queries},
                     {"skipped_short", r.skipped_short},
                     {"skipped_generic", r.skipped_generic},
                     {"skipped_repeated", r.skipped_repeated},
                     {"skipped_ambiguous", r.skipped_ambiguous},
                     {"items", std::move(items)}};
  out.metadata = meta.dump(-1, ' ', false, json::error_handler_t::replace);
  if (report != nullptr) *report = r;
  return out;
}

}  // namespace embeval
