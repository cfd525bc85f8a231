#include "embeval/text/wordnet.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "embeval/core/error.h"

namespace embeval {
namespace {

constexpr std::array<std::string_view, kWordNetPosCount> kPosNames = {"noun", "verb", "adj", "adv"};

struct PointerSymbol {
  std::string_view symbol;
  WordNetPointer type;
};
constexpr std::array<PointerSymbol, kWordNetPointerCount> kPointerSymbols = {{
    {"!", WordNetPointer::antonym},
    {"@", WordNetPointer::hypernym},
    {"@i", WordNetPointer::instance_hypernym},
    {"~", WordNetPointer::hyponym},
    {"~i", WordNetPointer::instance_hyponym},
    {"#m", WordNetPointer::member_holonym},
    {"#s", WordNetPointer::substance_holonym},
    {"#p", WordNetPointer::part_holonym},
    {"%m", WordNetPointer::member_meronym},
    {"%s", WordNetPointer::substance_meronym},
    {"%p", WordNetPointer::part_meronym},
    {"=", WordNetPointer::attribute},
    {"+", WordNetPointer::derivation},
    {";c", WordNetPointer::domain_topic},
    {"-c", WordNetPointer::domain_topic_member},
    {";r", WordNetPointer::domain_region},
    {"-r", WordNetPointer::domain_region_member},
    {";u", WordNetPointer::domain_usage},
    {"-u", WordNetPointer::domain_usage_member},
    {"*", WordNetPointer::entailment},
    {">", WordNetPointer::cause},
    {"^", WordNetPointer::also_see},
    {"$", WordNetPointer::verb_group},
    {"&", WordNetPointer::similar_to},
    {"<", WordNetPointer::participle},
    {"\\", WordNetPointer::pertainym},
}};

// Morphy's detachment rules (morphy(7WN)): suffix -> ending, tried in this order.
struct Detachment {
  std::string_view suffix;
  std::string_view ending;
};
constexpr std::array<Detachment, 8> kNounRules = {{{"s", ""},
                                                   {"ses", "s"},
                                                   {"xes", "x"},
                                                   {"zes", "z"},
                                                   {"ches", "ch"},
                                                   {"shes", "sh"},
                                                   {"men", "man"},
                                                   {"ies", "y"}}};
constexpr std::array<Detachment, 8> kVerbRules = {{{"s", ""},
                                                   {"ies", "y"},
                                                   {"es", "e"},
                                                   {"es", ""},
                                                   {"ed", "e"},
                                                   {"ed", ""},
                                                   {"ing", "e"},
                                                   {"ing", ""}}};
constexpr std::array<Detachment, 4> kAdjectiveRules = {
    {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}}};

std::span<const Detachment> detachment_rules(WordNetPos pos) {
  switch (pos) {
    case WordNetPos::noun:
      return kNounRules;
    case WordNetPos::verb:
      return kVerbRules;
    case WordNetPos::adjective:
      return kAdjectiveRules;
    case WordNetPos::adverb:
      return {};
  }
  return {};
}

struct Synset {
  std::uint32_t offset;
  WordNetPos pos;
  bool satellite;
  std::uint32_t first_word, word_count;
  std::uint32_t first_pointer, pointer_count;
  std::uint32_t gloss_begin, gloss_size;
};

// A pointer before its target is resolved: targets may lie later in the file or in another one.
struct PendingPointer {
  WordNetPointer type;
  WordNetPos target_pos;
  std::uint32_t target_offset;
  std::uint8_t source_word, target_word;
  std::uint32_t line;
};

std::string read_whole_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError("cannot open the WordNet file", path.string(), 0,
                     "install Debian's wordnet-base (scripts/setup.sh does) or point at a folder "
                     "holding WordNet 3.0's data.*, index.* and *.exc files");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

// Walks the space-separated fields of one line, naming file and line in every error.
class FieldReader {
 public:
  FieldReader(std::string_view line, const std::string& file, std::size_t line_number)
      : rest_(line), file_(file), line_(line_number) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw InputError("corrupt WordNet line: " + what, file_, line_,
                     "the file does not follow wndb(5WN); reinstall wordnet-base");
  }

  std::string_view next(const char* what) {
    if (rest_.empty()) fail(std::string("the line ends before the ") + what);
    const auto space = rest_.find(' ');
    const std::string_view field = rest_.substr(0, space);
    rest_ = space == std::string_view::npos ? std::string_view{} : rest_.substr(space + 1);
    if (field.empty()) fail(std::string("an empty field where the ") + what + " should be");
    return field;
  }

  std::uint32_t number(const char* what, int base, std::size_t width = 0) {
    const std::string_view field = next(what);
    std::uint32_t value = 0;
    const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), value, base);
    if (ec != std::errc{} || end != field.data() + field.size() ||
        (width != 0 && field.size() != width)) {
      fail(std::string("\"") + std::string(field) + "\" is not a valid " + what);
    }
    return value;
  }

  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
  const std::string& file_;
  std::size_t line_;
};

bool is_license_line(std::string_view line) { return line.starts_with("  "); }

// Calls f(line, line_number, byte_offset) for every line that is not part of the license header.
template <typename F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t pos = 0;
  std::size_t line_number = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line_number;
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && !is_license_line(line)) f(line, line_number, pos);
    pos = end + 1;
  }
}

std::optional<WordNetPos> pos_from_char(char c) {
  switch (c) {
    case 'n':
      return WordNetPos::noun;
    case 'v':
      return WordNetPos::verb;
    case 'a':
    case 's':
      return WordNetPos::adjective;
    case 'r':
      return WordNetPos::adverb;
    default:
      return std::nullopt;
  }
}

std::optional<WordNetPointer> pointer_from_symbol(std::string_view symbol) {
  for (const auto& entry : kPointerSymbols) {
    if (entry.symbol == symbol) return entry.type;
  }
  return std::nullopt;
}

std::string_view strip_adjective_marker(std::string_view word) {
  for (std::string_view marker : {"(a)", "(p)", "(ip)"}) {
    if (word.size() > marker.size() && word.ends_with(marker)) {
      return word.substr(0, word.size() - marker.size());
    }
  }
  return word;
}

}  // namespace

struct WordNet::Data {
  std::vector<Synset> synsets;
  std::vector<std::string> words;
  std::vector<WordNetPointerEdge> pointers;
  std::string glosses;
  // Per part of speech: the first SynsetId and the count; ids are in offset order.
  std::array<SynsetId, kWordNetPosCount> first_id{};
  std::array<std::size_t, kWordNetPosCount> count{};
  std::array<std::unordered_map<std::string, std::vector<SynsetId>>, kWordNetPosCount> index;
  std::array<std::unordered_map<std::string, std::vector<std::string>>, kWordNetPosCount>
      exceptions;

  std::optional<SynsetId> find(WordNetPos pos, std::uint32_t offset) const {
    const auto p = static_cast<int>(pos);
    const auto begin = synsets.begin() + first_id[p];
    const auto end = begin + static_cast<std::ptrdiff_t>(count[p]);
    const auto it = std::lower_bound(begin, end, offset,
                                     [](const Synset& s, std::uint32_t o) { return s.offset < o; });
    if (it == end || it->offset != offset) return std::nullopt;
    return static_cast<SynsetId>(it - synsets.begin());
  }

  void read_data_file(WordNetPos pos, const std::filesystem::path& path,
                      std::vector<PendingPointer>& pending) {
    const std::string text = read_whole_file(path);
    const std::string file = path.string();
    const auto p = static_cast<int>(pos);
    first_id[p] = static_cast<SynsetId>(synsets.size());
    for_each_line(
        text, [&](std::string_view line, std::size_t line_number, std::size_t byte_offset) {
          FieldReader fields(line, file, line_number);
          Synset synset{};
          synset.offset = fields.number("synset_offset", 10, 8);
          if (synset.offset != byte_offset) {
            fields.fail("synset_offset " + std::to_string(synset.offset) +
                        " is not the line's byte offset " + std::to_string(byte_offset));
          }
          synset.pos = pos;
          fields.number("lex_filenum", 10, 2);
          const std::string_view type = fields.next("ss_type");
          const auto type_pos = type.size() == 1 ? pos_from_char(type[0]) : std::nullopt;
          if (!type_pos || *type_pos != pos) {
            fields.fail("ss_type \"" + std::string(type) + "\" does not belong in data." +
                        std::string(kPosNames[p]));
          }
          synset.satellite = type == "s";
          synset.word_count = fields.number("w_cnt", 16, 2);
          if (synset.word_count == 0) fields.fail("a synset without words");
          synset.first_word = static_cast<std::uint32_t>(words.size());
          for (std::uint32_t w = 0; w < synset.word_count; ++w) {
            words.emplace_back(strip_adjective_marker(fields.next("word")));
            fields.number("lex_id", 16, 1);
          }
          synset.pointer_count = fields.number("p_cnt", 10, 3);
          synset.first_pointer = static_cast<std::uint32_t>(pending.size());
          for (std::uint32_t i = 0; i < synset.pointer_count; ++i) {
            const std::string_view symbol = fields.next("pointer_symbol");
            const auto pointer = pointer_from_symbol(symbol);
            if (!pointer) fields.fail("unknown pointer symbol \"" + std::string(symbol) + "\"");
            PendingPointer pp{};
            pp.type = *pointer;
            pp.target_offset = fields.number("pointer synset_offset", 10, 8);
            const std::string_view target_pos = fields.next("pointer pos");
            const auto tp = target_pos.size() == 1 ? pos_from_char(target_pos[0]) : std::nullopt;
            if (!tp)
              fields.fail("pointer pos \"" + std::string(target_pos) + "\" is not n, v, a, s or r");
            pp.target_pos = *tp;
            const std::uint32_t source_target = fields.number("pointer source/target", 16, 4);
            pp.source_word = static_cast<std::uint8_t>(source_target >> 8);
            pp.target_word = static_cast<std::uint8_t>(source_target & 0xFF);
            if (pp.source_word > synset.word_count) {
              fields.fail("pointer source word " + std::to_string(pp.source_word) +
                          " beyond the synset's " + std::to_string(synset.word_count) + " words");
            }
            pp.line = static_cast<std::uint32_t>(line_number);
            pending.push_back(pp);
          }
          if (pos == WordNetPos::verb) {
            const std::uint32_t frames = fields.number("f_cnt", 10, 2);
            for (std::uint32_t f = 0; f < frames; ++f) {
              if (fields.next("frame '+'") != "+") fields.fail("a verb frame without '+'");
              fields.number("f_num", 10, 2);
              fields.number("w_num", 16, 2);
            }
          }
          std::string_view gloss = fields.rest();
          if (!gloss.starts_with("| ") && gloss != "|") {
            fields.fail("expected \"| gloss\" after the counted fields, found \"" +
                        std::string(gloss.substr(0, 20)) + "\"");
          }
          gloss.remove_prefix(std::min<std::size_t>(2, gloss.size()));
          while (!gloss.empty() && gloss.back() == ' ') gloss.remove_suffix(1);
          synset.gloss_begin = static_cast<std::uint32_t>(glosses.size());
          synset.gloss_size = static_cast<std::uint32_t>(gloss.size());
          glosses.append(gloss);
          synsets.push_back(synset);
        });
    count[p] = synsets.size() - first_id[p];
    if (count[p] == 0) {
      throw InputError("WordNet data file holds no synsets", file, 0, "reinstall wordnet-base");
    }
  }

  void read_index_file(WordNetPos pos, const std::filesystem::path& path) {
    const std::string text = read_whole_file(path);
    const std::string file = path.string();
    const auto p = static_cast<int>(pos);
    for_each_line(text, [&](std::string_view line, std::size_t line_number, std::size_t) {
      while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      FieldReader fields(line, file, line_number);
      std::string lemma(fields.next("lemma"));
      const std::string_view pos_field = fields.next("pos");
      const auto lemma_pos = pos_field.size() == 1 ? pos_from_char(pos_field[0]) : std::nullopt;
      if (!lemma_pos || *lemma_pos != pos) {
        fields.fail("pos \"" + std::string(pos_field) + "\" does not belong in index." +
                    std::string(kPosNames[p]));
      }
      const std::uint32_t synset_count = fields.number("synset_cnt", 10);
      const std::uint32_t pointer_count = fields.number("p_cnt", 10);
      for (std::uint32_t i = 0; i < pointer_count; ++i) {
        const std::string_view symbol = fields.next("ptr_symbol");
        // The index files name domain pointers without their class (";", "-").
        if (!pointer_from_symbol(symbol) && symbol != ";" && symbol != "-") {
          fields.fail("unknown pointer symbol \"" + std::string(symbol) + "\"");
        }
      }
      if (fields.number("sense_cnt", 10) != synset_count) {
        fields.fail("sense_cnt differs from synset_cnt");
      }
      fields.number("tagsense_cnt", 10);
      std::vector<SynsetId> ids;
      ids.reserve(synset_count);
      for (std::uint32_t i = 0; i < synset_count; ++i) {
        const std::uint32_t offset = fields.number("synset_offset", 10, 8);
        const auto id = find(pos, offset);
        if (!id) {
          fields.fail("synset_offset " + std::to_string(offset) + " is no synset of data." +
                      std::string(kPosNames[p]));
        }
        ids.push_back(*id);
      }
      if (!fields.rest().empty()) fields.fail("more synset offsets than synset_cnt says");
      if (!index[p].emplace(std::move(lemma), std::move(ids)).second) {
        fields.fail("the lemma is listed twice");
      }
    });
  }

  void read_exception_file(WordNetPos pos, const std::filesystem::path& path) {
    const std::string text = read_whole_file(path);
    const std::string file = path.string();
    const auto p = static_cast<int>(pos);
    for_each_line(text, [&](std::string_view line, std::size_t line_number, std::size_t) {
      while (!line.empty() && line.back() == ' ') line.remove_suffix(1);
      FieldReader fields(line, file, line_number);
      std::string inflected(fields.next("inflected form"));
      auto& bases = exceptions[p][inflected];
      bases.emplace_back(fields.next("base form"));
      while (!fields.rest().empty()) bases.emplace_back(fields.next("base form"));
    });
  }

  void resolve(const std::vector<PendingPointer>& pending, const std::filesystem::path& folder) {
    pointers.reserve(pending.size());
    for (SynsetId id = 0; id < synsets.size(); ++id) {
      const Synset& s = synsets[id];
      for (std::uint32_t i = 0; i < s.pointer_count; ++i) {
        const PendingPointer& pp = pending[s.first_pointer + i];
        const auto target = find(pp.target_pos, pp.target_offset);
        if (!target) {
          throw InputError(
              "corrupt WordNet line: a pointer to " + std::to_string(pp.target_offset) +
                  ", which is no synset of data." +
                  std::string(kPosNames[static_cast<int>(pp.target_pos)]),
              (folder / ("data." + std::string(kPosNames[static_cast<int>(s.pos)]))).string(),
              pp.line, "the file does not follow wndb(5WN); reinstall wordnet-base");
        }
        if (pp.target_word > synsets[*target].word_count) {
          throw InputError(
              "corrupt WordNet line: pointer target word " + std::to_string(pp.target_word) +
                  " beyond the target synset's words",
              (folder / ("data." + std::string(kPosNames[static_cast<int>(s.pos)]))).string(),
              pp.line, "the file does not follow wndb(5WN); reinstall wordnet-base");
        }
        pointers.push_back({pp.type, *target, pp.source_word, pp.target_word});
      }
    }
  }
};

std::string_view wordnet_pos_name(WordNetPos pos) { return kPosNames[static_cast<int>(pos)]; }

std::string_view wordnet_pointer_symbol(WordNetPointer p) {
  return kPointerSymbols[static_cast<int>(p)].symbol;
}

std::filesystem::path WordNet::default_folder() { return "/usr/share/wordnet"; }

WordNet::WordNet(std::unique_ptr<Data> data) : data_(std::move(data)) {}
WordNet::WordNet(WordNet&&) noexcept = default;
WordNet& WordNet::operator=(WordNet&&) noexcept = default;
WordNet::~WordNet() = default;

WordNet WordNet::load(const std::filesystem::path& folder) {
  for (const auto& entry : kPointerSymbols) {
    EMBEVAL_CHECK(kPointerSymbols[static_cast<int>(entry.type)].type == entry.type,
                  "kPointerSymbols must follow WordNetPointer's order");
  }
  auto data = std::make_unique<Data>();
  std::vector<PendingPointer> pending;
  for (int p = 0; p < kWordNetPosCount; ++p) {
    const auto name = std::string(kPosNames[p]);
    data->read_data_file(static_cast<WordNetPos>(p), folder / ("data." + name), pending);
  }
  data->resolve(pending, folder);
  for (int p = 0; p < kWordNetPosCount; ++p) {
    const auto name = std::string(kPosNames[p]);
    data->read_index_file(static_cast<WordNetPos>(p), folder / ("index." + name));
    data->read_exception_file(static_cast<WordNetPos>(p), folder / (name + ".exc"));
  }
  return WordNet(std::move(data));
}

std::size_t WordNet::synset_count() const { return data_->synsets.size(); }
std::size_t WordNet::synset_count(WordNetPos pos) const {
  return data_->count[static_cast<int>(pos)];
}
std::size_t WordNet::lemma_count(WordNetPos pos) const {
  return data_->index[static_cast<int>(pos)].size();
}

std::string WordNet::lemma_key(std::string_view text) {
  std::string key;
  key.reserve(text.size());
  bool pending_space = false;
  for (const char c : text) {
    if (c == ' ' || c == '\t' || c == '_') {
      pending_space = !key.empty();
      continue;
    }
    if (pending_space) key.push_back('_');
    pending_space = false;
    key.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return key;
}

std::span<const SynsetId> WordNet::synsets(std::string_view lemma, WordNetPos pos) const {
  const auto& index = data_->index[static_cast<int>(pos)];
  const auto it = index.find(lemma_key(lemma));
  if (it == index.end()) return {};
  return it->second;
}

std::vector<SynsetId> WordNet::synsets(std::string_view lemma) const {
  std::vector<SynsetId> out;
  for (int p = 0; p < kWordNetPosCount; ++p) {
    const auto ids = synsets(lemma, static_cast<WordNetPos>(p));
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

WordNetPos WordNet::pos(SynsetId id) const { return data_->synsets.at(id).pos; }
bool WordNet::is_satellite(SynsetId id) const { return data_->synsets.at(id).satellite; }
std::uint32_t WordNet::offset(SynsetId id) const { return data_->synsets.at(id).offset; }

std::span<const std::string> WordNet::words(SynsetId id) const {
  const Synset& s = data_->synsets.at(id);
  return std::span<const std::string>(data_->words).subspan(s.first_word, s.word_count);
}

std::string_view WordNet::gloss(SynsetId id) const {
  const Synset& s = data_->synsets.at(id);
  return std::string_view(data_->glosses).substr(s.gloss_begin, s.gloss_size);
}

std::span<const WordNetPointerEdge> WordNet::pointers(SynsetId id) const {
  const Synset& s = data_->synsets.at(id);
  return std::span<const WordNetPointerEdge>(data_->pointers)
      .subspan(s.first_pointer, s.pointer_count);
}

std::vector<SynsetId> WordNet::targets(SynsetId id, WordNetPointer type) const {
  std::vector<SynsetId> out;
  for (const auto& edge : pointers(id)) {
    if (edge.type == type && std::find(out.begin(), out.end(), edge.target) == out.end()) {
      out.push_back(edge.target);
    }
  }
  return out;
}

SynsetId WordNet::synset_at(WordNetPos pos, std::uint32_t offset) const {
  const auto id = data_->find(pos, offset);
  if (!id) {
    throw InputError("no WordNet synset at offset " + std::to_string(offset) + " of data." +
                     std::string(wordnet_pos_name(pos)));
  }
  return *id;
}

std::vector<std::string> WordNet::synonyms(std::string_view lemma) const {
  const std::string key = lemma_key(lemma);
  std::vector<std::string> out;
  for (const SynsetId id : synsets(key)) {
    for (const auto& word : words(id)) {
      std::string k = lemma_key(word);
      if (k != key) out.push_back(std::move(k));
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<WordNetRelated> WordNet::related(std::string_view lemma, int max_distance,
                                             WordNetPointerSet relations) const {
  const std::string key = lemma_key(lemma);
  std::unordered_map<SynsetId, int> seen;
  std::vector<SynsetId> frontier;
  for (const SynsetId id : synsets(key)) {
    if (seen.emplace(id, 0).second) frontier.push_back(id);
  }
  for (int step = 1; step <= max_distance && !frontier.empty(); ++step) {
    std::vector<SynsetId> next;
    for (const SynsetId id : frontier) {
      const auto ws = words(id);
      for (const auto& edge : pointers(id)) {
        if (!relations.contains(edge.type)) continue;
        // A lexical pointer leaves from one word: on the first step, only from the start lemma.
        if (step == 1 && edge.source_word != 0 && lemma_key(ws[edge.source_word - 1]) != key) {
          continue;
        }
        if (seen.emplace(edge.target, step).second) next.push_back(edge.target);
      }
    }
    frontier = std::move(next);
  }
  std::unordered_map<std::string, int> best;
  for (const auto& [id, distance] : seen) {
    for (const auto& word : words(id)) {
      std::string k = lemma_key(word);
      if (k == key) continue;
      auto [it, inserted] = best.emplace(std::move(k), distance);
      if (!inserted) it->second = std::min(it->second, distance);
    }
  }
  std::vector<WordNetRelated> out;
  out.reserve(best.size());
  for (auto& [k, distance] : best) out.push_back({k, distance});
  std::sort(out.begin(), out.end(), [](const WordNetRelated& a, const WordNetRelated& b) {
    return a.distance != b.distance ? a.distance < b.distance : a.lemma < b.lemma;
  });
  return out;
}

int WordNet::distance(std::string_view a, std::string_view b, int max_distance,
                      WordNetPointerSet relations) const {
  const std::string key_a = lemma_key(a);
  const std::string key_b = lemma_key(b);
  if (synsets(key_a).empty() || synsets(key_b).empty()) return -1;
  if (key_a == key_b) return 0;
  for (const auto& r : related(key_a, max_distance, relations)) {
    if (r.lemma == key_b) return r.distance;
  }
  return -1;
}

std::vector<std::string> WordNet::base_forms(std::string_view word, WordNetPos pos) const {
  const std::string key = lemma_key(word);
  const auto p = static_cast<int>(pos);
  const auto& index = data_->index[p];
  std::vector<std::string> out;
  const auto add = [&](std::string candidate) {
    if (index.contains(candidate) && std::find(out.begin(), out.end(), candidate) == out.end()) {
      out.push_back(std::move(candidate));
    }
  };
  add(key);
  if (const auto it = data_->exceptions[p].find(key); it != data_->exceptions[p].end()) {
    for (const auto& base : it->second) add(base);
  }
  for (const auto& rule : detachment_rules(pos)) {
    if (key.size() > rule.suffix.size() && key.ends_with(rule.suffix)) {
      add(key.substr(0, key.size() - rule.suffix.size()) + std::string(rule.ending));
    }
  }
  return out;
}

}  // namespace embeval
