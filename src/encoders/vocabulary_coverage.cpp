// VocabularyCoverage: lookup through the capability, JSON and terminal text.
#include "embeval/encoders/vocabulary_coverage.h"

#include <algorithm>
#include <cstdio>

#include "embeval/core/error.h"
#include "embeval/util/stopwatch.h"

namespace embeval {

std::optional<VocabularyCoverage> vocabulary_coverage_of(const Encoder& encoder) {
  const auto* capable = dynamic_cast<const VocabularyCoverageEncoder*>(&encoder);
  if (capable == nullptr) return std::nullopt;
  return capable->vocabulary_coverage();
}

nlohmann::json vocabulary_coverage_to_json(const std::optional<VocabularyCoverage>& coverage) {
  if (!coverage) return nullptr;
  const WordVectorLoadReport& l = coverage->load;
  const OovCounts& o = coverage->oov;
  return {{"words_loaded", l.words_loaded},
          {"dropped",
           {{"duplicate", l.duplicate_words},
            {"empty", l.empty_words},
            {"invalid_utf8", l.invalid_utf8}}},
          {"query_tokens", o.query_tokens},
          {"query_oov", o.query_oov},
          {"query_oov_share", o.query_share()},
          {"document_tokens", o.document_tokens},
          {"document_oov", o.document_oov},
          {"document_oov_share", o.document_share()}};
}

std::optional<VocabularyCoverage> vocabulary_coverage_from_json(const nlohmann::json& parent,
                                                                const char* key) {
  if (!parent.contains(key) || parent.at(key).is_null()) return std::nullopt;
  const nlohmann::json& j = parent.at(key);
  VocabularyCoverage c;
  c.load.words_loaded = j.at("words_loaded").get<std::size_t>();
  const nlohmann::json& dropped = j.at("dropped");
  c.load.duplicate_words = dropped.at("duplicate").get<std::size_t>();
  c.load.empty_words = dropped.at("empty").get<std::size_t>();
  c.load.invalid_utf8 = dropped.at("invalid_utf8").get<std::size_t>();
  c.oov.query_tokens = j.at("query_tokens").get<std::size_t>();
  c.oov.query_oov = j.at("query_oov").get<std::size_t>();
  c.oov.document_tokens = j.at("document_tokens").get<std::size_t>();
  c.oov.document_oov = j.at("document_oov").get<std::size_t>();
  return c;
}

std::string format_vocabulary_coverage(std::string_view label, const VocabularyCoverage& c) {
  const std::string name(label);
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "%s: %zu words loaded; dropped from the vector file: %zu duplicate, %zu empty, "
                "%zu invalid UTF-8\n",
                name.c_str(), c.load.words_loaded, c.load.duplicate_words, c.load.empty_words,
                c.load.invalid_utf8);
  std::string out = buf;
  std::snprintf(buf, sizeof buf,
                "%s: out of vocabulary: %.2f%% of query words (%zu of %zu), %.2f%% of document "
                "words (%zu of %zu)\n",
                name.c_str(), 100 * c.oov.query_share(), c.oov.query_oov, c.oov.query_tokens,
                100 * c.oov.document_share(), c.oov.document_oov, c.oov.document_tokens);
  return out + buf;
}

CoverageMeasurement measure_coverage(Encoder& encoder, std::span<const std::string_view> texts,
                                     Role role) {
  const auto* capable = dynamic_cast<const VocabularyCoverageEncoder*>(&encoder);
  EMBEVAL_CHECK(capable != nullptr, "measure_coverage needs a VocabularyCoverageEncoder");
  CoverageMeasurement m;
  m.texts = texts.size();
  for (std::string_view text : texts) {
    bool in_word = false;
    for (char c : text) {
      const bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
      if (!blank && !in_word) ++m.words;
      in_word = !blank;
    }
  }
  const OovCounts before = capable->vocabulary_coverage().oov;
  constexpr std::size_t kBatch = 4096;
  const Stopwatch start;
  for (std::size_t begin = 0; begin < texts.size(); begin += kBatch) {
    const std::size_t n = std::min(kBatch, texts.size() - begin);
    (void)encoder.encode(texts.subspan(begin, n), role);
  }
  m.seconds = start.seconds();
  const OovCounts after = capable->vocabulary_coverage().oov;
  const bool query = role == Role::kQuery;
  m.tokens = query ? after.query_tokens - before.query_tokens
                   : after.document_tokens - before.document_tokens;
  m.oov = query ? after.query_oov - before.query_oov : after.document_oov - before.document_oov;
  return m;
}

}  // namespace embeval
