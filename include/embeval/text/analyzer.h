// Text analysis for word-level models (BM25, static word vectors): Unicode normalisation and
// case folding (utf8proc), tokenisation, stopwords and Snowball stemming (libstemmer).
//
// Named analyzers (the `analyzer=` spec parameter):
//   english    NFKC + case fold, tokens, English possessive "'s" removed, Lucene's 33 English
//              stopwords removed, Porter stemmer. This is Anserini's default, so BM25 numbers
//              are comparable with the Lucene/Anserini BEIR baselines.
//   standard   NFKC + case fold + tokens; no stopwords, no stemming.
//   whitespace split on white space only, no folding (what you see is what is indexed);
//              "none" is the same analyzer.
//   <language> NFKC + case fold + tokens + that Snowball stemmer, no stopwords ("german",
//              "french", "porter2" for English Porter2, ... see `sb_stemmer_list`).
// Tokens are maximal runs of letters, marks and digits (an apostrophe between letters stays
// inside: "don't"); each Han ideograph or kana is a token of its own, as Lucene does.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace embeval {

class Analyzer {
 public:
  // InputError for an unknown name (the message lists the known ones).
  [[nodiscard]] static std::unique_ptr<Analyzer> create(std::string_view name);
  [[nodiscard]] static std::vector<std::string> known_names();

  virtual ~Analyzer() = default;
  virtual const std::string& name() const = 0;

  // Appends the terms of `text` (UTF-8; invalid bytes act as separators) to `terms`.
  // Not thread-safe (stemmers keep state): give each thread its own clone().
  virtual void analyze(std::string_view text, std::vector<std::string>& terms) = 0;
  [[nodiscard]] virtual std::unique_ptr<Analyzer> clone() const = 0;
};

}  // namespace embeval
