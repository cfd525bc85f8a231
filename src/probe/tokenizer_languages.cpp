#include "embeval/probe/tokenizer_languages.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>

#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"
#include "embeval/dataset/manpages.h"
#include "embeval/models/registry.h"
#include "embeval/probe/document_sample.h"
#include "embeval/probe/tokenizer_comparison.h"

namespace embeval {
namespace {

// id -> body of each page with a non-empty body, in one language.
std::map<std::string, std::string> read_bodies(const LanguageTokenizerOptions& options,
                                               const std::string& lang) {
  ManPagesOptions read;
  read.man_dir = options.man_dir;
  read.sections = options.sections;
  read.lang = lang;
  read.threads = options.threads;
  read.show_progress = options.show_progress;
  ManPagesReport unused;
  std::map<std::string, std::string> bodies;
  for (ManPage& page : read_man_pages(read, unused)) {
    if (!page.page.body.empty()) bodies.emplace(page.id, std::move(page.page.body));
  }
  return bodies;
}

std::vector<std::filesystem::path> vocabulary_files(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("ggml-vocab-") && name.ends_with(".gguf")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

LanguageTokenizerTable measure_tokenizers_by_language(const LanguageTokenizerOptions& options) {
  EMBEVAL_CHECK(!options.langs.empty(), "measure_tokenizers_by_language: no language");
  const std::filesystem::path dir =
      options.vocabulary_dir.empty() ? bundled_vocabulary_dir() : options.vocabulary_dir;
  if (dir.empty()) {
    throw InputError("no vocabulary folder: this embeval was built without llama.cpp", "", 0,
                     "build with scripts/setup_llama.sh, or pass --vocab-dir");
  }
  const std::vector<std::filesystem::path> files = vocabulary_files(dir);
  if (files.empty()) {
    throw InputError("no ggml-vocab-*.gguf file in the vocabulary folder", dir.string(), 0,
                     "point --vocab-dir at llama.cpp's models/ folder");
  }

  std::vector<std::map<std::string, std::string>> bodies;
  for (const std::string& lang : options.langs) bodies.push_back(read_bodies(options, lang));
  LanguageTokenizerTable table;
  table.window = options.window;
  table.max_bytes = options.max_bytes;
  for (const auto& [id, body] : bodies.front()) {
    bool everywhere = true;
    for (std::size_t l = 1; l < bodies.size(); ++l) everywhere = everywhere && bodies[l].count(id);
    if (everywhere) table.page_ids.push_back(id);
  }
  if (table.page_ids.empty()) {
    throw InputError("the languages share no man page with a body", options.man_dir.string(), 0,
                     "install the translated pages (manpages-de, ...) or ask for fewer languages");
  }

  std::vector<std::vector<std::string>> texts(options.langs.size());
  for (std::size_t l = 0; l < options.langs.size(); ++l) {
    LanguageCorpus corpus{options.langs[l], 0};
    for (const std::string& id : table.page_ids) {
      std::string text = bodies[l].at(id);
      if (options.max_bytes > 0) text.resize(utf8_prefix_length(text, options.max_bytes));
      corpus.bytes += text.size();
      texts[l].push_back(std::move(text));
    }
    table.languages.push_back(corpus);
  }

  for (const std::filesystem::path& file : files) {
    ModelSpec spec;
    spec.scheme = "gguf";
    spec.path = file.string();
    std::unique_ptr<Tokenizer> tokenizer;
    try {
      tokenizer = make_tokenizer(spec);
    } catch (const InputError& e) {
      table.skipped.push_back(file.filename().string() + ": " + e.what());
      continue;
    }
    if (!tokenizer) {
      table.skipped.push_back(file.filename().string() + ": no standalone tokenizer");
      continue;
    }
    std::size_t first_tokens = 0;
    for (std::size_t l = 0; l < options.langs.size(); ++l) {
      const std::vector<std::string_view> views(texts[l].begin(), texts[l].end());
      LanguageTokenizerRow row;
      row.vocabulary = file.filename().string();
      row.family = tokenizer->family();
      row.vocabulary_size = tokenizer->vocabulary_size();
      row.lang = options.langs[l];
      row.stats = measure_tokenizer(*tokenizer, views, options.window,
                                    WordRule::kWhitespaceAndCjkCharacters);
      if (l == 0) first_tokens = row.stats.tokens;
      row.tokens_vs_first = first_tokens ? double(row.stats.tokens) / double(first_tokens) : 0.0;
      table.rows.push_back(std::move(row));
    }
  }
  return table;
}

std::string language_tokenizer_table(const LanguageTokenizerTable& t) {
  std::string out;
  char line[512];
  std::snprintf(
      line, sizeof line,
      "%zu man pages in every language (%s); words: whitespace-separated, one per "
      "Han/kana character\n",
      t.page_ids.size(),
      t.max_bytes ? ("cut at " + std::to_string(t.max_bytes) + " bytes").c_str() : "whole bodies");
  out += line;
  const std::string vs = "vs " + (t.languages.empty() ? std::string() : t.languages.front().lang);
  const std::string over = "docs>" + std::to_string(t.window);
  const int width = std::snprintf(
      line, sizeof line, "%-30s %-9s %6s %-4s %8s %11s %6s %6s %9s %6s %6s\n", "tokenizer", "type",
      "vocab", "lang", "words", "tokens/word", "unk %", "byte %", over.c_str(), "p50", vs.c_str());
  out += line;
  out += std::string(static_cast<std::size_t>(width - 1), '-') + "\n";
  for (const LanguageTokenizerRow& r : t.rows) {
    std::string name = r.vocabulary;
    if (name.starts_with("ggml-vocab-")) name = name.substr(11);
    std::snprintf(
        line, sizeof line, "%-30s %-9s %6zu %-4s %8zu %11.3f %6.3f %6.3f %8.1f%% %6zu %6.2f\n",
        name.c_str(), r.family.c_str(), r.vocabulary_size, r.lang.c_str(), r.stats.words,
        r.stats.fertility(), 100.0 * r.stats.unknown_rate(), 100.0 * r.stats.byte_fallback_rate(),
        100.0 * r.stats.share_over_context(), r.stats.p50, r.tokens_vs_first);
    out += line;
  }
  for (const std::string& s : t.skipped) out += "skipped " + s + "\n";
  return out;
}

std::string language_tokenizer_json(const LanguageTokenizerTable& t) {
  nlohmann::ordered_json languages = nlohmann::ordered_json::array();
  for (const LanguageCorpus& c : t.languages) {
    languages.push_back({{"lang", c.lang}, {"bytes", c.bytes}});
  }
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const LanguageTokenizerRow& r : t.rows) {
    rows.push_back({{"vocabulary", r.vocabulary},
                    {"type", r.family},
                    {"vocabulary_size", r.vocabulary_size},
                    {"lang", r.lang},
                    {"texts", r.stats.texts},
                    {"words", r.stats.words},
                    {"tokens", r.stats.tokens},
                    {"fertility", r.stats.fertility()},
                    {"unknown_rate", r.stats.unknown_rate()},
                    {"byte_fallback_rate", r.stats.byte_fallback_rate()},
                    {"over_context", r.stats.over_context},
                    {"share_over_context", r.stats.share_over_context()},
                    {"p50", r.stats.p50},
                    {"p90", r.stats.p90},
                    {"max", r.stats.max},
                    {"tokens_vs_first_language", r.tokens_vs_first}});
  }
  const nlohmann::ordered_json j = {
      {"pages", t.page_ids.size()},
      {"window", t.window},
      {"max_bytes", t.max_bytes},
      {"word_rule", "whitespace; one word per Han, Hiragana or Katakana character"},
      {"languages", languages},
      {"rows", rows},
      {"skipped", t.skipped}};
  return j.dump(2) + "\n";
}

}  // namespace embeval
