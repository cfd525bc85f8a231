#include "embeval/text/analyzer.h"

#include <libstemmer.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "embeval/core/error.h"

namespace embeval {
namespace {

// Lucene's EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, which Anserini's default analyzer uses.
const std::unordered_set<std::string_view>& english_stopwords() {
  static const std::unordered_set<std::string_view> kWords = {
      "a",   "an",    "and",  "are",   "as",    "at",   "be",   "but", "by",  "for",  "if",
      "in",  "into",  "is",   "it",    "no",    "not",  "of",   "on",  "or",  "such", "that",
      "the", "their", "then", "there", "these", "they", "this", "to",  "was", "will", "with"};
  return kWords;
}

enum class CharClass { kSeparator, kWord, kIdeograph, kApostrophe };

bool is_ideograph(utf8proc_int32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0xF900 && cp <= 0xFAFF) ||
         (cp >= 0x3040 && cp <= 0x30FF);  // Hiragana and Katakana
}

CharClass classify(utf8proc_int32_t cp) {
  if (cp < 0x80) {
    if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')) {
      return CharClass::kWord;
    }
    return cp == '\'' ? CharClass::kApostrophe : CharClass::kSeparator;
  }
  if (cp == 0x2019) return CharClass::kApostrophe;  // right single quotation mark
  if (is_ideograph(cp)) return CharClass::kIdeograph;
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO:
      return CharClass::kWord;
    default:
      return CharClass::kSeparator;
  }
}

// NFKC + case fold of one token. ASCII tokens (the common case) skip utf8proc entirely.
void fold(std::string_view token, std::string& out) {
  const bool ascii = std::all_of(token.begin(), token.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) {
    out.assign(token);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return;
  }
  utf8proc_uint8_t* mapped = nullptr;
  const utf8proc_ssize_t n =
      utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(token.data()),
                   static_cast<utf8proc_ssize_t>(token.size()), &mapped,
                   static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                  UTF8PROC_COMPAT | UTF8PROC_CASEFOLD));
  if (n < 0) {
    out.assign(token);  // cannot happen for tokens we cut from valid code points
  } else {
    out.assign(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(n));
  }
  std::free(mapped);
}

// Calls emit(token) for each token of `text`.
template <typename Emit>
void tokenize(std::string_view text, Emit&& emit) {
  const auto* data = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  const auto size = static_cast<utf8proc_ssize_t>(text.size());
  utf8proc_ssize_t pos = 0;
  utf8proc_ssize_t start = -1;               // start of the current token
  utf8proc_ssize_t pending_apostrophe = -1;  // an apostrophe that may continue the token
  const auto flush = [&](utf8proc_ssize_t end) {
    if (start >= 0)
      emit(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(end - start)));
    start = -1;
    pending_apostrophe = -1;
  };
  while (pos < size) {
    utf8proc_int32_t cp = -1;
    utf8proc_ssize_t len = 1;
    if (data[pos] < 0x80) {
      cp = data[pos];
    } else {
      len = utf8proc_iterate(data + pos, size - pos, &cp);
      if (len <= 0) {  // invalid byte: a separator
        flush(pending_apostrophe >= 0 ? pending_apostrophe : pos);
        pos += 1;
        continue;
      }
    }
    switch (classify(cp)) {
      case CharClass::kWord:
        if (start < 0) start = pos;
        pending_apostrophe = -1;
        break;
      case CharClass::kApostrophe:
        if (start >= 0 && pending_apostrophe < 0) {
          pending_apostrophe = pos;  // kept only if a letter follows
        } else {
          flush(pending_apostrophe >= 0 ? pending_apostrophe : pos);
        }
        break;
      case CharClass::kIdeograph:
        flush(pending_apostrophe >= 0 ? pending_apostrophe : pos);
        emit(text.substr(static_cast<std::size_t>(pos), static_cast<std::size_t>(len)));
        break;
      case CharClass::kSeparator:
        flush(pending_apostrophe >= 0 ? pending_apostrophe : pos);
        break;
    }
    pos += len;
  }
  flush(pending_apostrophe >= 0 ? pending_apostrophe : pos);
}

struct StemmerDeleter {
  void operator()(sb_stemmer* s) const { sb_stemmer_delete(s); }
};

class TokenAnalyzer : public Analyzer {
 public:
  TokenAnalyzer(std::string name, std::string stemmer, bool english_rules)
      : name_(std::move(name)), stemmer_name_(std::move(stemmer)), english_(english_rules) {
    if (!stemmer_name_.empty()) {
      stemmer_.reset(sb_stemmer_new(stemmer_name_.c_str(), "UTF_8"));
      EMBEVAL_CHECK(stemmer_ != nullptr, "libstemmer has no stemmer " + stemmer_name_);
    }
  }

  const std::string& name() const override { return name_; }

  void analyze(std::string_view text, std::vector<std::string>& terms) override {
    tokenize(text, [&](std::string_view token) {
      fold(token, folded_);
      if (english_) {
        // English possessive filter: "cat's" -> "cat" (also with U+2019).
        if (folded_.size() >= 2 && (folded_.ends_with("'s"))) folded_.resize(folded_.size() - 2);
        if (folded_.size() >= 4 && folded_.ends_with("\xE2\x80\x99s")) {
          folded_.resize(folded_.size() - 4);
        }
        if (folded_.empty() || english_stopwords().count(folded_) != 0) return;
      }
      if (stemmer_) {
        const sb_symbol* stem =
            sb_stemmer_stem(stemmer_.get(), reinterpret_cast<const sb_symbol*>(folded_.data()),
                            static_cast<int>(folded_.size()));
        EMBEVAL_CHECK(stem != nullptr, "stemmer out of memory");
        terms.emplace_back(reinterpret_cast<const char*>(stem),
                           static_cast<std::size_t>(sb_stemmer_length(stemmer_.get())));
      } else {
        terms.push_back(folded_);
      }
    });
  }

  std::unique_ptr<Analyzer> clone() const override {
    return std::make_unique<TokenAnalyzer>(name_, stemmer_name_, english_);
  }

 private:
  std::string name_;
  std::string stemmer_name_;
  bool english_;
  std::unique_ptr<sb_stemmer, StemmerDeleter> stemmer_;
  std::string folded_;  // scratch, reused across tokens
};

class WhitespaceAnalyzer : public Analyzer {
 public:
  const std::string& name() const override { return name_; }
  void analyze(std::string_view text, std::vector<std::string>& terms) override {
    const auto is_space = [](char c) {
      return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
    };
    std::size_t i = 0;
    while (i < text.size()) {
      while (i < text.size() && is_space(text[i])) ++i;
      std::size_t j = i;
      while (j < text.size() && !is_space(text[j])) ++j;
      if (j > i) terms.emplace_back(text.substr(i, j - i));
      i = j;
    }
  }
  std::unique_ptr<Analyzer> clone() const override {
    return std::make_unique<WhitespaceAnalyzer>();
  }

 private:
  std::string name_ = "whitespace";
};

std::vector<std::string> snowball_languages() {
  std::vector<std::string> out;
  for (const char** list = sb_stemmer_list(); *list != nullptr; ++list) out.emplace_back(*list);
  return out;
}

}  // namespace

std::vector<std::string> Analyzer::known_names() {
  std::vector<std::string> names = {"english", "standard", "whitespace", "none"};
  for (auto& lang : snowball_languages()) names.push_back(std::move(lang));
  return names;
}

std::unique_ptr<Analyzer> Analyzer::create(std::string_view name) {
  if (name == "english") return std::make_unique<TokenAnalyzer>("english", "porter", true);
  if (name == "standard") return std::make_unique<TokenAnalyzer>("standard", "", false);
  // "none" is an alias: nothing is normalised, the text is only split.
  if (name == "whitespace" || name == "none") return std::make_unique<WhitespaceAnalyzer>();
  for (const auto& lang : snowball_languages()) {
    if (lang == name) return std::make_unique<TokenAnalyzer>(lang, lang, false);
  }
  std::string known;
  for (const auto& n : known_names()) known += (known.empty() ? "" : " ") + n;
  throw InputError("unknown analyzer '" + std::string(name) + "'", {}, 0, "known: " + known);
}

}  // namespace embeval
