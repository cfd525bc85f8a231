// Training text sources (file, directory, BEIR corpus, memory) and vocabulary building.
#include <algorithm>
#include <fstream>
#include <memory>
#include <numeric>
#include <string>
#include <unordered_map>

#include "embeval/core/error.h"
#include "embeval/io/jsonl.h"
#include "embeval/text/analyzer.h"
#include "embeval/train/word2vec.h"

namespace embeval {
namespace {

void visit_lines(const std::filesystem::path& file, const TextVisitor& visit) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError("cannot open training text", file.string(), 0, "check the path");
  std::string line;
  while (std::getline(in, line)) visit(line);
}

void visit_beir(const std::filesystem::path& corpus, const TextVisitor& visit) {
  JsonlOptions options;
  options.show_progress = false;
  // Training only needs words: repair invalid UTF-8 instead of stopping on it.
  options.on_invalid_utf8 = [](std::string& line, std::size_t) {
    for (char& c : line) {
      if (static_cast<unsigned char>(c) >= 0x80) c = ' ';
    }
  };
  std::string text;
  read_jsonl(
      corpus,
      [&](const JsonlRecord& record) {
        text.assign(record.string_field("title").value_or(""));
        text.push_back(' ');
        text.append(record.string_field("text").value_or(""));
        visit(text);
      },
      options);
}

}  // namespace

TextSource text_source_from_path(const std::filesystem::path& path) {
  return [path](const TextVisitor& visit) {
    if (!std::filesystem::exists(path)) {
      throw InputError("training corpus not found", path.string(), 0,
                       "pass a text file, a directory of text files, or a BEIR corpus.jsonl");
    }
    if (std::filesystem::is_directory(path)) {
      if (std::filesystem::is_regular_file(path / "corpus.jsonl")) {
        visit_beir(path / "corpus.jsonl", visit);
        return;
      }
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());  // a stable order keeps training deterministic
      for (const auto& file : files) visit_lines(file, visit);
      return;
    }
    if (path.extension() == ".jsonl") {
      visit_beir(path, visit);
    } else {
      visit_lines(path, visit);
    }
  };
}

TextSource text_source_from_texts(std::span<const std::string> texts) {
  return [texts](const TextVisitor& visit) {
    for (const std::string& text : texts) visit(text);
  };
}

Word2VecCorpus build_word2vec_corpus(const TextSource& source, std::size_t min_count,
                                     std::size_t max_vocab, std::string_view analyzer_name) {
  Word2VecCorpus corpus;
  const std::unique_ptr<Analyzer> analyzer = Analyzer::create(analyzer_name);
  std::vector<std::string> terms;
  std::unordered_map<std::string, std::uint64_t> counts;
  source([&](std::string_view text) {
    terms.clear();
    analyzer->analyze(text, terms);
    for (std::string& token : terms) {
      ++counts[std::move(token)];
      ++corpus.raw_tokens;
    }
  });
  std::vector<std::pair<std::string, std::uint64_t>> kept;
  for (auto& [word, count] : counts) {
    if (count >= std::max<std::size_t>(min_count, 1)) kept.emplace_back(word, count);
  }
  counts.clear();
  // Decreasing count, then word: a deterministic order that does not depend on hashing.
  std::sort(kept.begin(), kept.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (max_vocab > 0 && kept.size() > max_vocab) kept.resize(max_vocab);
  if (kept.empty()) {
    throw InputError("no word occurs at least " + std::to_string(min_count) +
                         " times in the training text (" + std::to_string(corpus.raw_tokens) +
                         " tokens)",
                     {}, 0, "lower --min-count or give more text");
  }
  std::unordered_map<std::string, std::uint32_t> ids;
  ids.reserve(kept.size());
  for (auto& [word, count] : kept) {
    ids.emplace(word, static_cast<std::uint32_t>(corpus.words.size()));
    corpus.words.push_back(std::move(word));
    corpus.counts.push_back(count);
  }
  source([&](std::string_view text) {
    const std::size_t start = corpus.tokens.size();
    terms.clear();
    analyzer->analyze(text, terms);
    for (const std::string& token : terms) {
      const auto it = ids.find(token);
      if (it != ids.end()) corpus.tokens.push_back(it->second);
    }
    if (corpus.tokens.size() > start) corpus.sentence_starts.push_back(start);
  });
  corpus.sentence_starts.push_back(corpus.tokens.size());
  return corpus;
}

}  // namespace embeval
