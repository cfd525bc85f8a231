#include "embeval/dataset/passages.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "embeval/core/error.h"

namespace embeval {
namespace {

using json = nlohmann::ordered_json;

json parse_metadata(const Document& d) {
  if (d.metadata.empty()) return json::object();
  json j = json::parse(d.metadata, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    throw InputError("document \"" + d.id + "\" has metadata that is not a JSON object", {}, 0,
                     "corpus.jsonl: \"metadata\" must be an object");
  }
  return j;
}

const char* packing_name(ChunkPacking p) {
  return p == ChunkPacking::kSentence    ? "sentence"
         : p == ChunkPacking::kParagraph ? "paragraph"
                                         : "none";
}

std::string titled(const std::string& title, const std::vector<std::string>& path) {
  std::string out = title;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i == 0 && path[0] == title) continue;  // an H1 repeating the title
    out += out.empty() ? path[i] : " > " + path[i];
  }
  return out;
}

// The PDF page holding byte `pos`, or -1.
long page_at(const json& meta, std::size_t pos) {
  if (!meta.contains("pages") || !meta["pages"].is_array()) return -1;
  for (const auto& p : meta["pages"]) {
    const auto b = p.value("begin", std::size_t{0});
    const auto e = p.value("end", std::size_t{0});
    if (pos >= b && pos < e) return p.value("page", -1L);
  }
  return -1;
}

}  // namespace

std::vector<TextSection> document_sections(const Document& document) {
  const json meta = parse_metadata(document);
  std::vector<TextSection> out;
  if (!meta.contains("sections") || !meta["sections"].is_array()) return out;
  for (const auto& s : meta["sections"]) {
    if (!s.is_object()) continue;
    TextSection t;
    t.begin = s.value("begin", std::size_t{0});
    t.end = s.value("end", std::size_t{0});
    if (s.contains("path") && s["path"].is_array()) {
      for (const auto& h : s["path"]) {
        if (h.is_string()) t.heading_path.push_back(h.get<std::string>());
      }
    } else if (s.contains("heading") && s["heading"].is_string()) {
      t.heading_path.push_back(s["heading"].get<std::string>());
    }
    out.push_back(std::move(t));
  }
  return out;
}

Dataset chunk_dataset(const Dataset& source, const ChunkOptions& options, ChunkingReport* report) {
  check_chunk_options(options);
  ChunkingReport r;
  Dataset out;
  out.name = source.name;
  out.queries = source.queries;
  std::unordered_map<std::string, std::vector<std::string>> passages_of;
  std::unordered_set<std::string> ids;
  for (const Document& d : source.corpus) ids.insert(d.id);
  for (const Document& d : source.corpus) {
    const json meta = parse_metadata(d);
    if (meta.contains("parent")) {
      throw InputError(
          "document \"" + d.id + "\" is already a passage (its metadata names a parent)", {}, 0,
          "chunk the original dataset, not a chunked one");
    }
    const std::vector<TextSection> sections = document_sections(d);
    std::vector<std::string> headings;  // per section: its own heading (the path's last entry)
    if (meta.contains("sections") && meta["sections"].is_array()) {
      ++r.sectioned_documents;
      for (const auto& s : meta["sections"]) {
        headings.push_back(s.is_object() && s.contains("heading") && s["heading"].is_string()
                               ? s["heading"].get<std::string>()
                               : std::string());
      }
    }
    std::vector<TextChunk> chunks = chunk_text(d.text, options, sections);
    if (chunks.empty()) {
      ++r.empty_documents;
      chunks.push_back(TextChunk{});
    }
    if (chunks.size() > 1) ++r.documents_split;
    auto& mine = passages_of[d.id];
    for (std::size_t n = 0; n < chunks.size(); ++n) {
      const TextChunk& c = chunks[n];
      Document p;
      p.id = d.id + "#" + std::to_string(n);
      if (ids.count(p.id) != 0) {
        throw InputError("passage id \"" + p.id + "\" is already a document id", {}, 0,
                         "rename that document: passage ids are PARENT#N");
      }
      p.text = d.text.substr(c.begin, c.end - c.begin);
      json m;
      m["parent"] = d.id;
      m["begin"] = c.begin;
      m["end"] = c.end;
      // The innermost section at the passage's first byte names its heading path.
      std::vector<std::string> path;
      json overlapped = json::array();
      std::size_t at_begin = kNoSection;
      for (std::size_t k = 0; k < sections.size(); ++k) {
        const TextSection& s = sections[k];
        const bool overlaps = c.end > c.begin ? s.begin < c.end && c.begin < s.end
                                              : s.begin <= c.begin && c.begin < s.end;
        if (!overlaps) continue;
        overlapped.push_back({{"index", k},
                              {"heading", k < headings.size() ? headings[k] : std::string()},
                              {"path", s.heading_path}});
        if (s.begin <= c.begin && c.begin < s.end &&
            (at_begin == kNoSection || s.begin > sections[at_begin].begin ||
             (s.begin == sections[at_begin].begin && s.end < sections[at_begin].end))) {
          at_begin = k;
        }
      }
      if (options.sections && c.section != kNoSection) at_begin = c.section;
      if (at_begin != kNoSection) path = sections[at_begin].heading_path;
      m["heading_path"] = path;
      if (!overlapped.empty()) m["sections"] = std::move(overlapped);
      if (const long page = page_at(meta, c.begin); page >= 0) m["page"] = page;
      if (meta.contains("source")) m["source"] = meta["source"];
      p.title = options.sections ? titled(d.title, path) : d.title;
      if (p.title != d.title) m["parent_title"] = d.title;
      p.metadata = m.dump(-1, ' ', false, json::error_handler_t::replace);
      r.longest_passage_units = std::max(r.longest_passage_units, c.units);
      mine.push_back(p.id);
      out.corpus.push_back(std::move(p));
    }
  }
  for (const auto& [qid, docs] : source.qrels.judgments) {
    auto& row = out.qrels.judgments[qid];
    for (const auto& [docno, grade] : docs) {
      ++r.judgments_in;
      const auto it = passages_of.find(docno);
      if (it == passages_of.end()) continue;  // load_beir already dropped unknown documents
      for (const std::string& pid : it->second) row[pid] = grade;
      r.judgments_out += it->second.size();
    }
  }
  r.documents = source.corpus.size();
  r.passages = out.corpus.size();

  json meta =
      source.metadata.empty() ? json::object() : json::parse(source.metadata, nullptr, false);
  if (!meta.is_object()) meta = json::object();
  meta["chunking"] = {
      {"unit", options.unit == ChunkUnit::kWords ? "words" : "tokens"},
      {"tokenizer", options.tokenizer_spec},
      {"size", options.size},
      {"overlap", options.overlap},
      {"packing", packing_name(options.packing)},
      {"sections", options.sections},
      {"passage_ids", "PARENT#N, N from 0 in text order"},
      {"qrels",
       "document judgments given to each passage of the document with the same grade; "
       "eval --score-at document maps them back (highest grade per document)"},
      {"documents", r.documents},
      {"passages", r.passages},
      {"empty_documents", r.empty_documents},
      {"judgments_in", r.judgments_in},
      {"judgments_out", r.judgments_out}};
  out.metadata = meta.dump(-1, ' ', false, json::error_handler_t::replace);
  if (report != nullptr) *report = r;
  return out;
}

PassageParents passage_parents(const Dataset& dataset) {
  PassageParents p;
  std::unordered_map<std::string, std::size_t> index;
  p.parent_of.reserve(dataset.corpus.size());
  for (const Document& d : dataset.corpus) {
    std::string parent = d.id;
    if (!d.metadata.empty()) {
      const json meta = parse_metadata(d);
      if (meta.contains("parent") && meta["parent"].is_string()) {
        parent = meta["parent"].get<std::string>();
        ++p.passages;
      }
    }
    const auto [it, inserted] = index.emplace(parent, p.parent_ids.size());
    if (inserted) p.parent_ids.push_back(parent);
    p.parent_of.push_back(it->second);
  }
  return p;
}

Qrels document_qrels(const Dataset& dataset, const PassageParents& parents) {
  std::unordered_map<std::string, std::size_t> row_of;
  for (std::size_t i = 0; i < dataset.corpus.size(); ++i) row_of.emplace(dataset.corpus[i].id, i);
  Qrels out;
  for (const auto& [qid, docs] : dataset.qrels.judgments) {
    auto& row = out.judgments[qid];
    for (const auto& [docno, grade] : docs) {
      const auto it = row_of.find(docno);
      const std::string& parent =
          it == row_of.end() ? docno : parents.parent_ids[parents.parent_of[it->second]];
      const auto [slot, inserted] = row.emplace(parent, grade);
      if (!inserted) slot->second = std::max(slot->second, grade);
    }
  }
  return out;
}

}  // namespace embeval
