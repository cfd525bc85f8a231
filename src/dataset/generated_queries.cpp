#include "embeval/dataset/generated_queries.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>

#include "embeval/core/error.h"
#include "embeval/dataset/passages.h"
#include "embeval/util/progress.h"

namespace embeval {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view kDefaultPrompt =
    "You write search queries for a retrieval benchmark. You answer with the questions only.\n"
    "---\n"
    "Here is a passage from the document \"{title}\":\n"
    "\n"
    "{passage}\n"
    "\n"
    "Write {n} different questions that a person might type into a search engine and that this "
    "passage answers. Use your own words instead of copying phrases from the passage. Each "
    "question must make sense on its own, without the passage. Write one question per line, "
    "numbered 1. to {n}., and nothing else.\n";

// Fisher-Yates with mt19937, whose output the standard fixes: the same sample everywhere
// (std::shuffle's algorithm is the library's choice).
template <typename T>
void seeded_shuffle(std::vector<T>& v, std::mt19937& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = rng() % i;
    std::swap(v[i - 1], v[j]);
  }
}

// Words for the filters: maximal runs of ASCII letters and digits and of non-ASCII bytes
// (letters of other scripts), ASCII lower-cased.
std::vector<std::string> words_of(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || std::isalnum(c) != 0) {
      word += static_cast<char>(c < 0x80 ? std::tolower(c) : c);
    } else if (!word.empty()) {
      out.push_back(std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) out.push_back(std::move(word));
  return out;
}

std::string join(const std::vector<std::string>& words, std::size_t from, std::size_t count) {
  std::string out;
  for (std::size_t i = from; i < from + count; ++i) out += (i > from ? " " : "") + words[i];
  return out;
}

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// The first `max_words` whitespace-separated words of `text`, cut at a word boundary.
std::string cut_words(const std::string& text, std::size_t max_words, bool* cut) {
  std::size_t words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool space = text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r';
    if (!space && !in_word && ++words > max_words) {
      *cut = true;
      return std::string(trim(std::string_view(text).substr(0, i)));
    }
    in_word = !space;
  }
  *cut = false;
  return text;
}

}  // namespace

std::string_view default_genq_prompt() { return kDefaultPrompt; }

std::vector<std::size_t> stratified_sample(const std::vector<std::size_t>& parent_of,
                                           const std::vector<bool>& usable, std::size_t count,
                                           std::uint32_t seed) {
  EMBEVAL_CHECK(parent_of.size() == usable.size(), "one parent per row");
  std::map<std::size_t, std::vector<std::size_t>> by_parent;  // ordered: deterministic
  for (std::size_t row = 0; row < parent_of.size(); ++row) {
    if (usable[row]) by_parent[parent_of[row]].push_back(row);
  }
  std::mt19937 rng(seed);
  std::vector<std::vector<std::size_t>> strata;
  for (auto& [parent, rows] : by_parent) strata.push_back(std::move(rows));
  seeded_shuffle(strata, rng);
  for (auto& rows : strata) seeded_shuffle(rows, rng);
  std::vector<std::size_t> out;
  for (std::size_t round = 0; out.size() < count; ++round) {
    bool any = false;
    for (const auto& rows : strata) {
      if (round >= rows.size()) continue;
      any = true;
      out.push_back(rows[round]);
      if (out.size() == count) break;
    }
    if (!any) break;
  }
  return out;
}

namespace {

// `part` with its placeholders filled; sets *has_passage when {passage} occurs.
std::string fill_part(std::string_view part, std::string_view title, std::string_view passage,
                      std::size_t n, const std::string& source, bool* has_passage) {
  std::string filled;
  for (std::size_t i = 0; i < part.size(); ++i) {
    const std::size_t close = part[i] == '{' ? part.find('}', i) : std::string_view::npos;
    const std::string_view name =
        close == std::string_view::npos ? "" : part.substr(i + 1, close - i - 1);
    const bool identifier =
        !name.empty() && name.size() <= 32 && std::all_of(name.begin(), name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
        });
    if (!identifier) {
      filled += part[i];  // text, including a brace that opens no placeholder
      continue;
    }
    if (name == "title") {
      filled += title;
    } else if (name == "passage") {
      filled += passage;
      *has_passage = true;
    } else if (name == "n") {
      filled += std::to_string(n);
    } else {
      throw InputError("unknown placeholder {" + std::string(name) + "} in the prompt", source, 0,
                       "the placeholders are {title}, {passage} and {n}");
    }
    i = close;
  }
  return std::string(trim(filled));
}

}  // namespace

FilledPrompt fill_prompt(std::string_view prompt, std::string_view title, std::string_view passage,
                         std::size_t n, const std::string& source) {
  // The first line holding only "---" splits the template: system message above, user below.
  std::string_view system;
  std::string_view user = prompt;
  if (prompt.substr(0, 4) == "---\n") {
    user = prompt.substr(4);
  } else if (const std::size_t at = prompt.find("\n---\n"); at != std::string_view::npos) {
    system = prompt.substr(0, at);
    user = prompt.substr(at + 5);
  }
  bool has_passage = false;
  FilledPrompt out;
  out.system = fill_part(system, title, passage, n, source, &has_passage);
  out.user = fill_part(user, title, passage, n, source, &has_passage);
  if (!has_passage) {
    throw InputError("the prompt has no {passage} placeholder", source, 0,
                     "write {passage} where the passage goes (data/prompts/genq.txt)");
  }
  return out;
}

std::vector<std::string> parse_questions(std::string_view answer) {
  // "1.", "2)", "3:", "Q1:", "Question 2.", "- ", "* ", "• " at the start of a line.
  static const std::regex kMarker(
      R"(^(?:(?:question|q)\s*\d*\s*[.):]|\d+\s*[.):]|[-*+]|\xE2\x80\xA2)\s*)",
      std::regex::icase | std::regex::optimize);
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= answer.size()) {
    std::size_t end = answer.find('\n', start);
    if (end == std::string_view::npos) end = answer.size();
    std::string line(trim(answer.substr(start, end - start)));
    start = end + 1;
    if (line.empty()) continue;
    line = std::regex_replace(line, kMarker, "", std::regex_constants::format_first_only);
    // Bold markers and surrounding quotes some models add.
    std::string_view q = trim(line);
    while (q.size() >= 2 && q.substr(0, 2) == "**") q = trim(q.substr(2));
    while (q.size() >= 2 && q.substr(q.size() - 2) == "**") q = trim(q.substr(0, q.size() - 2));
    for (const std::string_view quote : {"\"", "'", "\xE2\x80\x9C"}) {
      const std::string_view closing = quote == "\xE2\x80\x9C" ? "\xE2\x80\x9D" : quote;
      if (q.size() >= quote.size() + closing.size() && q.substr(0, quote.size()) == quote &&
          q.substr(q.size() - closing.size()) == closing) {
        q = trim(q.substr(quote.size(), q.size() - quote.size() - closing.size()));
      }
    }
    out.emplace_back(q);
  }
  return out;
}

QuestionVerdict filter_question(std::string_view question, std::string_view passage,
                                const GeneratedQueryOptions& options,
                                std::unordered_set<std::string>& seen) {
  const std::vector<std::string> words = words_of(question);
  if (words.empty()) return QuestionVerdict::kEmpty;
  if (trim(question).back() == ':') return QuestionVerdict::kPreamble;
  if (words.size() < options.min_words) return QuestionVerdict::kTooShort;
  if (words.size() > options.max_words) return QuestionVerdict::kTooLong;
  const std::size_t k = options.copy_ngram_words;
  if (k > 0 && words.size() >= k) {
    const std::vector<std::string> passage_words = words_of(passage);
    std::unordered_set<std::string> grams;
    for (std::size_t i = 0; i + k <= passage_words.size(); ++i) {
      grams.insert(join(passage_words, i, k));
    }
    for (std::size_t i = 0; i + k <= words.size(); ++i) {
      if (grams.count(join(words, i, k)) != 0) return QuestionVerdict::kCopiesPassage;
    }
  }
  if (!seen.insert(join(words, 0, words.size())).second) return QuestionVerdict::kDuplicate;
  return QuestionVerdict::kKept;
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EMBEVAL_CHECK(EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) == 1,
                "OpenSSL's SHA-256 failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 15];
  }
  return out;
}

Dataset generated_queries(const Dataset& source, Generator& generator,
                          const GeneratedQueryOptions& options, GeneratedQueryReport* report) {
  if (options.per_passage == 0 || options.passages == 0) {
    throw InputError("--per-passage and --passages must be > 0", "", 0, "e.g. --per-passage 3");
  }
  (void)fill_prompt(options.prompt, "", "x", options.per_passage, options.prompt_source);
  GenerationOptions sampling = options.sampling;
  sampling.seed = options.seed;
  check_generation_options(sampling);

  GeneratedQueryReport r;
  const PassageParents parents = passage_parents(source);
  std::vector<bool> usable(source.corpus.size());
  for (std::size_t row = 0; row < source.corpus.size(); ++row) {
    usable[row] = !trim(source.corpus[row].text).empty();
    if (usable[row]) ++r.candidates_passages;
  }
  r.documents = parents.parent_ids.size();
  const std::vector<std::size_t> sample =
      stratified_sample(parents.parent_of, usable, options.passages, options.seed);

  Dataset out;
  out.name = source.name;
  out.corpus = source.corpus;
  json items = json::array();
  std::unordered_set<std::string> seen;
  Progress progress("generating queries", sample.size(), "passages", options.show_progress);
  for (const std::size_t row : sample) {
    const Document& passage = source.corpus[row];
    const std::string& parent = parents.parent_ids[parents.parent_of[row]];
    bool cut = false;
    const std::string text = cut_words(passage.text, options.max_passage_words, &cut);
    if (cut) ++r.passages_cut;
    const FilledPrompt prompt =
        fill_prompt(options.prompt, passage.title.empty() ? parent : passage.title, text,
                    options.per_passage, options.prompt_source);
    std::vector<ChatMessage> messages;
    if (!prompt.system.empty()) messages.push_back({"system", prompt.system});
    messages.push_back({"user", prompt.user});
    const GeneratedText answer = generator.generate(messages, sampling);
    ++r.passages;
    r.prompt_tokens += answer.prompt_tokens;
    r.completion_tokens += answer.completion_tokens;
    if (answer.finish_reason == "length") ++r.answers_cut_by_length;
    std::size_t kept = 0;
    std::size_t line_number = 0;
    for (const std::string& line : parse_questions(answer.text)) {
      ++line_number;
      ++r.lines;
      if (kept == options.per_passage) {
        ++r.beyond_n;
        continue;
      }
      switch (filter_question(line, text, options, seen)) {
        case QuestionVerdict::kEmpty:
          ++r.dropped_empty;
          continue;
        case QuestionVerdict::kPreamble:
          ++r.dropped_preamble;
          continue;
        case QuestionVerdict::kTooShort:
          ++r.dropped_short;
          continue;
        case QuestionVerdict::kTooLong:
          ++r.dropped_long;
          continue;
        case QuestionVerdict::kCopiesPassage:
          ++r.dropped_copy;
          continue;
        case QuestionVerdict::kDuplicate:
          ++r.dropped_duplicate;
          continue;
        case QuestionVerdict::kKept:
          break;
      }
      ++kept;
      Query q{passage.id + "#g" + std::to_string(kept), line};
      out.qrels.judgments[q.id][passage.id] = 2;
      items.push_back({{"query", q.id},
                       {"passage", passage.id},
                       {"document", parent},
                       {"answer_line", line_number},
                       {"finish_reason", answer.finish_reason}});
      out.queries.push_back(std::move(q));
      ++r.queries;
    }
    progress.add();
  }
  progress.finish();
  if (out.queries.empty()) {
    throw InputError("no generated question passed the filters (" + std::to_string(r.lines) +
                         " lines from " + std::to_string(r.passages) + " passages)",
                     source.name, 0,
                     "check the generator's answers (a chat/instruct model, its template) and "
                     "the prompt; docs/query-generation.md");
  }
  json meta = json::object();
  if (!source.metadata.empty()) {
    json parsed = json::parse(source.metadata, nullptr, false);
    if (parsed.is_object()) meta = std::move(parsed);
  }
  json stop = json::array();
  for (const auto& s : sampling.stop) stop.push_back(s);
  meta["queries"] = {
      {"from", "generator"},
      {"generator", generator.spec()},
      {"sampling", sampling_label(sampling)},
      {"seed", options.seed},
      {"stop", std::move(stop)},
      {"prompt",
       {{"source", options.prompt_source},
        {"sha256", sha256_hex(options.prompt)},
        {"text", options.prompt}}},
      {"split", options.split},
      {"per_passage", options.per_passage},
      {"passages_requested", options.passages},
      {"sample", "stratified by parent document: one passage per document per round"},
      {"filters",
       {{"min_words", options.min_words},
        {"max_words", options.max_words},
        {"copy_ngram_words", options.copy_ngram_words},
        {"max_passage_words", options.max_passage_words}}},
      {"grades", "2: the passage the question was written from"},
      {"caveat", std::string(kGeneratedQueryCaveat)},
      {"documents", r.documents},
      {"passages", r.passages},
      {"passages_cut", r.passages_cut},
      {"answers_cut_by_length", r.answers_cut_by_length},
      {"lines", r.lines},
      {"beyond_n", r.beyond_n},
      {"dropped_empty", r.dropped_empty},
      {"dropped_preamble", r.dropped_preamble},
      {"dropped_short", r.dropped_short},
      {"dropped_long", r.dropped_long},
      {"dropped_copy", r.dropped_copy},
      {"dropped_duplicate", r.dropped_duplicate},
      {"queries", r.queries},
      {"prompt_tokens", r.prompt_tokens},
      {"completion_tokens", r.completion_tokens},
      {"items", std::move(items)}};
  out.metadata = meta.dump(-1, ' ', false, json::error_handler_t::replace);
  if (report != nullptr) *report = r;
  return out;
}

}  // namespace embeval
