// WordNet as the neighbours probe's lexicon. "Related": some lemma of the word and some lemma of
// the neighbour (the form itself when WordNet lists it, and its morphy base forms, "cars" ->
// "car") are within distance d of each other in the WordNet reader (text/wordnet.h: synonyms are
// distance 0; each hypernym, hyponym (instances too) or derivationally related form pointer is
// one step). "Knows": the word has such a lemma. The word list drawn from WordNet is every
// single-word lemma (letters a-z only) of its index files. Reads Debian wordnet-base's files
// (/usr/share/wordnet). Thread-safe for concurrent const calls.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>

#include "embeval/probe/neighbours.h"
#include "embeval/probe/word_list.h"

namespace embeval {

// The relation read from `dir`, counting words within `distance` (>= 1) steps as related.
// Throws InputError when the files are missing or malformed.
[[nodiscard]] std::unique_ptr<WordRelation> open_wordnet_relation(const std::filesystem::path& dir,
                                                                  std::size_t distance);

// WordNet's single-word lemmas (letters a-z only: no '_', '-', '.', digits), every part of speech,
// each once, sorted; source "wordnet:DIR". Throws InputError as above.
[[nodiscard]] WordList wordnet_word_list(const std::filesystem::path& dir);

}  // namespace embeval
