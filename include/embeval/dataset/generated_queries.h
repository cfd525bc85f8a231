// Generated queries, as BEIR's GenQ (docs/query-generation.md): a chat model (core/generator.h)
// reads a sample of passages and writes N questions for each; every question that survives the
// filters becomes a query whose passage is relevant (grade 2).
//   - Sample: stratified by parent document (passages.h's "parent"; a whole document is its own
//     stratum): documents are visited in a seeded random order, one passage each per round (a
//     seeded random passage of the document not taken yet), until M passages are taken. A long
//     document so gives no more passages than a short one until the short ones run out.
//   - Prompt: a user-editable text with the placeholders {title}, {passage} and {n}; a line
//     holding only `---` splits it into a system message (above) and the user message (below).
//     Its SHA-256 is recorded, so a dataset names the exact prompt that made it.
//   - Parsing: every non-blank line of the answer is a candidate once list markers ("1.", "2)",
//     "-", "*", "Q1:", "Question 2:") and surrounding quotes are removed; at most N per passage.
//   - Filters, each counted: empty after the markers, a preamble (a line ending with ':', as
//     "Here are 3 questions:"), fewer than min_words or more than max_words
//     words, copying `copy_ngram_words` consecutive words of its passage verbatim (case-folded),
//     and duplicates (the same words, case-folded, as an earlier kept question anywhere).
// Every passage is generated with the same GenerationOptions (seed included), so a passage's
// questions do not depend on which other passages were sampled. Thread-safety: pure functions,
// apart from the generator, used from the calling thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "embeval/core/generator.h"
#include "embeval/dataset/dataset.h"

namespace embeval {

inline constexpr std::string_view kGeneratedQueryCaveat =
    "each generated query is judged against the one passage it was written from: other passages "
    "that answer it count as misses (false negatives, as in BEIR's GenQ), and the generator's "
    "wording may favour models trained on similar synthetic questions";

// The prompt shipped as data/prompts/genq.txt (the CLI's default when no --prompt is given).
[[nodiscard]] std::string_view default_genq_prompt();

struct GeneratedQueryOptions {
  std::size_t per_passage = 3;  // N: questions asked for per passage (and kept at most)
  std::size_t passages = 100;   // M: passages sampled (all when the corpus has fewer); > 0
  std::uint32_t seed = 42;      // the sample's and the sampler's seed
  GenerationOptions sampling;   // its seed is replaced by `seed`
  std::string prompt{default_genq_prompt()};  // the template text
  std::string prompt_source = "built-in";     // where it came from, for the provenance
  std::size_t min_words = 3;
  std::size_t max_words = 40;
  std::size_t copy_ngram_words = 8;     // a question sharing this many consecutive words is dropped
  std::size_t max_passage_words = 400;  // longer passages are cut (counted) to fit the context
  std::string split = "test";
  bool show_progress = true;
};

// Counts for the report and dataset.json.
struct GeneratedQueryReport {
  std::size_t documents = 0;              // strata
  std::size_t candidates_passages = 0;    // corpus records with text
  std::size_t passages = 0;               // sampled and asked
  std::size_t passages_cut = 0;           // longer than max_passage_words
  std::size_t answers_cut_by_length = 0;  // answers that hit max_tokens
  std::size_t lines = 0;                  // candidate lines parsed out of the answers
  std::size_t beyond_n = 0;               // lines after the N-th of an answer, ignored
  std::size_t dropped_empty = 0;
  std::size_t dropped_preamble = 0;  // ends with ':' ("Here are 3 questions:")
  std::size_t dropped_short = 0;
  std::size_t dropped_long = 0;
  std::size_t dropped_copy = 0;
  std::size_t dropped_duplicate = 0;
  std::size_t queries = 0;
  std::size_t prompt_tokens = 0;
  std::size_t completion_tokens = 0;
};

// The passage indices (corpus rows) of the stratified sample described above, in the order they
// were drawn. `parent_of[row]` names each row's stratum; `usable[row]` false excludes a row (no
// text). Deterministic for a seed.
[[nodiscard]] std::vector<std::size_t> stratified_sample(const std::vector<std::size_t>& parent_of,
                                                         const std::vector<bool>& usable,
                                                         std::size_t count, std::uint32_t seed);

// The prompt template filled in: the system message (possibly empty) and the user message.
// InputError (naming `source`) when the template has no {passage} or an unknown {placeholder}.
struct FilledPrompt {
  std::string system;
  std::string user;
};
[[nodiscard]] FilledPrompt fill_prompt(std::string_view prompt, std::string_view title,
                                       std::string_view passage, std::size_t n,
                                       const std::string& source = "prompt");

// The candidate questions of an answer (markers and quotes removed, blank lines skipped; a line
// empty after its marker is returned as "").
[[nodiscard]] std::vector<std::string> parse_questions(std::string_view answer);

enum class QuestionVerdict {
  kKept,
  kEmpty,
  kPreamble,
  kTooShort,
  kTooLong,
  kCopiesPassage,
  kDuplicate
};

// The filters, in that order. `seen` holds the normalised form of every kept question; a kept
// question's is added.
[[nodiscard]] QuestionVerdict filter_question(std::string_view question, std::string_view passage,
                                              const GeneratedQueryOptions& options,
                                              std::unordered_set<std::string>& seen);

// Lower-case hex SHA-256 of `text` (what `sha256sum` prints).
[[nodiscard]] std::string sha256_hex(std::string_view text);

// `source` with its queries and qrels replaced by generated ones (ids PASSAGE#gN); Dataset::
// metadata gains a "queries" object: the generator spec, the sampling, the seed, the prompt (its
// source, SHA-256 and text), the filters and counts and, per query, its passage, document and
// the line of the answer it came from. Progress on stderr. InputError when no query remains.
[[nodiscard]] Dataset generated_queries(const Dataset& source, Generator& generator,
                                        const GeneratedQueryOptions& options,
                                        GeneratedQueryReport* report = nullptr);

}  // namespace embeval
