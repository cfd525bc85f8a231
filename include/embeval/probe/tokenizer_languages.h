// The tokenizer across languages (`embeval probe tokenizers`): every vocabulary file that ships
// with llama.cpp (ggml-vocab-*.gguf, no weights) measured on the man pages of each language
// (fertility, unknown and byte-fallback tokens, share over a context window). The texts are a
// parallel corpus: the bodies of the pages (same id, "ls.1") that exist, with text, in every
// language asked for, so a row differs from another language's only by the language. Words are
// counted with WordRule::kWhitespaceAndCjkCharacters (Japanese: one word per character; see
// probe/tokenizer_stats.h). "vs first language": a vocabulary's tokens on a language over its
// tokens on the first language asked for (English by default), on the same pages: the token
// premium a language pays. Tokenizes on all cores; not re-entrant with other llama.cpp users
// that change its log callback.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "embeval/probe/tokenizer_stats.h"

namespace embeval {

struct LanguageTokenizerOptions {
  std::filesystem::path man_dir = "/usr/share/man";
  std::vector<std::string> langs{"en", "de", "fr", "es", "ja"};  // "en": the untranslated pages
  std::vector<std::string> sections{"1", "8"};
  std::filesystem::path vocabulary_dir;  // "": bundled_vocabulary_dir() (tokenizer_comparison.h)
  std::size_t window = 512;              // the context window "over" is counted against
  std::size_t max_bytes = 0;             // cut each text to this many bytes (UTF-8 safe); 0 = no
  std::size_t threads = 2;               // page parsing threads
  bool show_progress = true;
};

struct LanguageCorpus {
  std::string lang;
  std::size_t bytes = 0;  // of all its texts (after max_bytes)
};

struct LanguageTokenizerRow {
  std::string vocabulary;  // file name: "ggml-vocab-qwen2.gguf"
  std::string family;      // Tokenizer::family()
  std::size_t vocabulary_size = 0;
  std::string lang;
  TokenizerStats stats;
  double tokens_vs_first = 0.0;  // stats.tokens / tokens of the first language, same vocabulary
};

struct LanguageTokenizerTable {
  std::vector<std::string> page_ids;      // the parallel pages, sorted
  std::vector<LanguageCorpus> languages;  // options.langs order
  std::size_t window = 0;
  std::size_t max_bytes = 0;
  std::vector<LanguageTokenizerRow> rows;  // vocabulary file name order, then options.langs
  std::vector<std::string> skipped;        // "file: reason" for vocabularies that did not load
};

// Throws InputError when a language has no man pages, the languages share no page, no
// vocabulary file is found, or the gguf family is not built in.
[[nodiscard]] LanguageTokenizerTable measure_tokenizers_by_language(
    const LanguageTokenizerOptions& options);

// The terminal table: one row per vocabulary x language.
[[nodiscard]] std::string language_tokenizer_table(const LanguageTokenizerTable& table);

// The same figures as a JSON object (docs/probes.md lists the keys).
[[nodiscard]] std::string language_tokenizer_json(const LanguageTokenizerTable& table);

}  // namespace embeval
