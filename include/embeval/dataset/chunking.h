// Cutting one document's text into passages, the same for every model (docs/chunking.md): windows
// of at most `size` units, words or a tokenizer's tokens, with `overlap` units shared between
// neighbours; optionally packed from whole sentences or paragraphs, and optionally kept inside
// the document's sections (a passage never spans two). A passage is a byte range of the text:
// it starts at a word's first byte and ends after a word's last byte, so it never cuts a UTF-8
// character, and whitespace between passages belongs to none.
// Thread-safety: pure functions; the tokenizer is only read (Tokenizer methods are const).
// Lifetimes: ChunkOptions::tokenizer must outlive every call that uses the options.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "embeval/core/tokenizer.h"

namespace embeval {

enum class ChunkUnit { kWords, kTokens };
// kNone: windows of words; kSentence / kParagraph: windows of whole sentences / paragraphs,
// cut inside one only when it alone is longer than the window.
enum class ChunkPacking { kNone, kSentence, kParagraph };

struct ChunkOptions {
  ChunkUnit unit = ChunkUnit::kWords;
  // kTokens: the tokenizer that measures a word (not owned). A word costs its content tokens
  // (tokenize(word).size(), special tokens excluded); a window costs the sum over its words.
  const Tokenizer* tokenizer = nullptr;
  std::string tokenizer_spec;  // recorded with the passages; "" for words
  std::size_t size = 200;      // units per passage at most (a single longer word: see below)
  std::size_t overlap = 0;     // units shared by neighbouring passages at most; < size
  ChunkPacking packing = ChunkPacking::kNone;
  bool sections = false;  // keep passages inside the sections given to chunk_text()
};

// Throws InputError for size 0, overlap >= size, or kTokens without a tokenizer.
void check_chunk_options(const ChunkOptions& options);

// A part of a document that passages must not cross: a byte range of its text, with the path of
// headings above it ("Guide", "Install"). Ranges may nest or overlap; a byte belongs to the
// section that starts last among those covering it (the innermost heading).
struct TextSection {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::vector<std::string> heading_path;
};

inline constexpr std::size_t kNoSection = static_cast<std::size_t>(-1);

struct TextChunk {
  std::size_t begin = 0;  // byte offsets into the text: [begin, end)
  std::size_t end = 0;
  std::size_t units = 0;             // words or tokens the passage holds
  std::size_t section = kNoSection;  // index into the sections given, or kNoSection
};

// The passages of `text`, in order. A text without words gives none. With options.sections,
// `sections` (byte ranges clamped to the text) split the text first and each part is chunked on
// its own; bytes under no section form parts of their own (section kNoSection). Without it,
// `sections` is ignored. In token units a word longer than the window is cut between UTF-8
// characters into pieces that fit (a character alone over the window stays whole).
// Throws InputError as check_chunk_options.
[[nodiscard]] std::vector<TextChunk> chunk_text(std::string_view text, const ChunkOptions& options,
                                                const std::vector<TextSection>& sections = {});

}  // namespace embeval
