#include "embeval/dataset/chunking.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "embeval/core/error.h"

namespace embeval {
namespace {

// One code point starting at `pos`: its value and byte length. An invalid byte is a one-byte
// "character" of its own (never whitespace), so any input is walked without error.
std::pair<char32_t, std::size_t> decode(std::string_view s, std::size_t pos) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  std::size_t len = b0 < 0x80           ? 1
                    : (b0 >> 5) == 0x6  ? 2
                    : (b0 >> 4) == 0xe  ? 3
                    : (b0 >> 3) == 0x1e ? 4
                                        : 0;
  if (len == 0 || pos + len > s.size()) return {0xfffd, 1};
  char32_t cp = len == 1 ? b0 : len == 2 ? (b0 & 0x1f) : len == 3 ? (b0 & 0x0f) : (b0 & 0x07);
  for (std::size_t i = 1; i < len; ++i) {
    const auto b = static_cast<unsigned char>(s[pos + i]);
    if ((b >> 6) != 0x2) return {0xfffd, 1};
    cp = (cp << 6) | (b & 0x3f);
  }
  return {cp, len};
}

// Unicode White_Space: what separates words.
bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f ||
         c == 0x3000;
}

// A piece the windows are made of: a word, or a piece of a word too long for one window.
struct Atom {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::size_t weight = 1;
  bool sentence_end = false;
  bool paragraph_end = false;
};

bool is_closer(char32_t c) {
  return c == ')' || c == ']' || c == '"' || c == '\'' || c == 0x2019 || c == 0x201d ||
         c == 0x300d || c == 0x300f;
}
bool is_terminal(char32_t c) {
  return c == '.' || c == '!' || c == '?' || c == 0x3002 || c == 0xff01 || c == 0xff1f ||
         c == 0x2026;
}

// Does the word [begin, end) end a sentence: terminal punctuation, then only closing quotes or
// brackets ("end." "end.)" "終わり。").
bool ends_sentence(std::string_view text, std::size_t begin, std::size_t end) {
  std::vector<char32_t> cps;
  for (std::size_t p = begin; p < end;) {
    const auto [c, len] = decode(text, p);
    cps.push_back(c);
    p += len;
  }
  std::size_t i = cps.size();
  while (i > 0 && is_closer(cps[i - 1])) --i;
  return i > 0 && is_terminal(cps[i - 1]);
}

std::vector<Atom> split_words(std::string_view text) {
  std::vector<Atom> atoms;
  std::size_t newlines_since_word = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto [c, len] = decode(text, pos);
    if (is_space(c)) {
      if (c == '\n' || c == 0x2029) ++newlines_since_word;
      pos += len;
      continue;
    }
    if (!atoms.empty() && newlines_since_word >= 2) atoms.back().paragraph_end = true;
    newlines_since_word = 0;
    Atom a;
    a.begin = pos;
    while (pos < text.size()) {
      const auto [c2, len2] = decode(text, pos);
      if (is_space(c2)) break;
      pos += len2;
    }
    a.end = pos;
    atoms.push_back(a);
  }
  // A sentence ends at terminal punctuation unless the next word starts in lower case
  // ("e.g. this" stays one sentence); a paragraph end always ends one.
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    const bool next_lower =
        i + 1 < atoms.size() && text[atoms[i + 1].begin] >= 'a' && text[atoms[i + 1].begin] <= 'z';
    atoms[i].sentence_end = atoms[i].paragraph_end || i + 1 == atoms.size() ||
                            (!next_lower && ends_sentence(text, atoms[i].begin, atoms[i].end));
  }
  if (!atoms.empty()) atoms.back().paragraph_end = true;
  return atoms;
}

std::size_t token_count(const Tokenizer& tokenizer, std::string_view s) {
  return tokenizer.tokenize(s).size();
}

// Token weights; a word over the window is cut between characters into the longest prefixes
// that fit (found by bisection over the character count).
std::vector<Atom> weigh_tokens(std::string_view text, const std::vector<Atom>& words,
                               const Tokenizer& tokenizer, std::size_t size) {
  std::vector<Atom> out;
  out.reserve(words.size());
  for (const Atom& word : words) {
    Atom a = word;
    a.weight = token_count(tokenizer, text.substr(word.begin, word.end - word.begin));
    if (a.weight <= size) {
      out.push_back(a);
      continue;
    }
    std::vector<std::size_t> starts;  // byte offset of every character, then the end
    for (std::size_t p = word.begin; p < word.end; p += decode(text, p).second) starts.push_back(p);
    starts.push_back(word.end);
    std::size_t first = 0;  // character index where the next piece starts
    const std::size_t chars = starts.size() - 1;
    while (first < chars) {
      std::size_t lo = first + 1, hi = chars;  // the piece ends after character index in [lo, hi]
      auto cost = [&](std::size_t last) {
        return token_count(tokenizer, text.substr(starts[first], starts[last] - starts[first]));
      };
      if (cost(hi) <= size) {
        lo = hi;
      } else {
        while (lo < hi) {  // largest `last` whose prefix fits; lo always taken
          const std::size_t mid = (lo + hi + 1) / 2;
          if (cost(mid) <= size)
            lo = mid;
          else
            hi = mid - 1;
        }
      }
      Atom piece;
      piece.begin = starts[first];
      piece.end = starts[lo];
      piece.weight = cost(lo);
      first = lo;
      if (first == chars) {
        piece.sentence_end = word.sentence_end;
        piece.paragraph_end = word.paragraph_end;
      }
      out.push_back(piece);
    }
  }
  return out;
}

// Greedy windows over items [0, n) with weights: as many items as fit in `size` (the first is
// always taken); the next window starts at the earliest item whose tail of this window weighs at
// most `overlap` and still leaves room for one new item, so every window reaches further.
std::vector<std::pair<std::size_t, std::size_t>> windows(const std::vector<std::size_t>& weight,
                                                         std::size_t size, std::size_t overlap) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  const std::size_t n = weight.size();
  std::size_t i = 0;
  while (i < n) {
    std::size_t end = i, total = 0;
    while (end < n && (end == i || total + weight[end] <= size)) total += weight[end++];
    out.emplace_back(i, end);
    if (end == n) break;
    std::size_t j = end, shared = 0;
    while (j - 1 > i && shared + weight[j - 1] <= overlap &&
           shared + weight[j - 1] + weight[end] <= size) {
      shared += weight[--j];
    }
    i = j;
  }
  return out;
}

void chunk_part(std::string_view text, std::size_t offset, std::size_t section,
                const ChunkOptions& options, std::vector<TextChunk>& out) {
  std::vector<Atom> atoms = split_words(text);
  if (options.unit == ChunkUnit::kTokens) {
    atoms = weigh_tokens(text, atoms, *options.tokenizer, options.size);
  }
  // Groups: the packing's indivisible runs of atoms.
  std::vector<std::pair<std::size_t, std::size_t>> groups;
  for (std::size_t i = 0, start = 0; i < atoms.size(); ++i) {
    const bool boundary = options.packing == ChunkPacking::kNone ||
                          (options.packing == ChunkPacking::kSentence && atoms[i].sentence_end) ||
                          (options.packing == ChunkPacking::kParagraph && atoms[i].paragraph_end);
    if (boundary) {
      groups.emplace_back(start, i + 1);
      start = i + 1;
    }
  }
  auto emit = [&](std::size_t first_atom, std::size_t end_atom) {
    TextChunk c;
    c.begin = offset + atoms[first_atom].begin;
    c.end = offset + atoms[end_atom - 1].end;
    for (std::size_t k = first_atom; k < end_atom; ++k) c.units += atoms[k].weight;
    c.section = section;
    out.push_back(c);
  };
  std::vector<std::size_t> atom_weight;
  for (const Atom& a : atoms) atom_weight.push_back(a.weight);
  // Runs of groups that fit a window are packed; a group over the window alone is cut into
  // windows of its atoms (no overlap across its edges).
  std::size_t g = 0;
  while (g < groups.size()) {
    auto group_weight = [&](std::size_t k) {
      std::size_t w = 0;
      for (std::size_t a = groups[k].first; a < groups[k].second; ++a) w += atom_weight[a];
      return w;
    };
    if (group_weight(g) > options.size && groups[g].second - groups[g].first > 1) {
      const std::vector<std::size_t> inner(atom_weight.begin() + groups[g].first,
                                           atom_weight.begin() + groups[g].second);
      for (const auto& [b, e] : windows(inner, options.size, options.overlap)) {
        emit(groups[g].first + b, groups[g].first + e);
      }
      ++g;
      continue;
    }
    std::size_t run_end = g;  // groups [g, run_end) that fit, up to the next oversized one
    while (run_end < groups.size() && (run_end == g || group_weight(run_end) <= options.size ||
                                       groups[run_end].second - groups[run_end].first == 1)) {
      ++run_end;
    }
    std::vector<std::size_t> weights;
    for (std::size_t k = g; k < run_end; ++k) weights.push_back(group_weight(k));
    for (const auto& [b, e] : windows(weights, options.size, options.overlap)) {
      emit(groups[g + b].first, groups[g + e - 1].second);
    }
    g = run_end;
  }
}

}  // namespace

void check_chunk_options(const ChunkOptions& options) {
  if (options.size == 0) {
    throw InputError("the passage size must be at least 1", {}, 0, "pass --size N with N >= 1");
  }
  if (options.overlap >= options.size) {
    throw InputError("the overlap (" + std::to_string(options.overlap) +
                         ") must be smaller than the passage size (" +
                         std::to_string(options.size) + ")",
                     {}, 0, "pass --overlap M with M < --size");
  }
  if (options.unit == ChunkUnit::kTokens && options.tokenizer == nullptr) {
    throw InputError("--unit tokens needs a tokenizer", {}, 0,
                     "pass --tokenizer gguf:PATH (any GGUF file, vocabulary-only ones included)");
  }
}

std::vector<TextChunk> chunk_text(std::string_view text, const ChunkOptions& options,
                                  const std::vector<TextSection>& sections) {
  check_chunk_options(options);
  std::vector<TextChunk> out;
  if (!options.sections || sections.empty()) {
    chunk_part(text, 0, kNoSection, options, out);
    return out;
  }
  // Cut the text at every section edge; each piece belongs to the innermost section covering
  // it (latest start, then earliest end); neighbouring pieces of one section are joined.
  std::set<std::size_t> cuts{0, text.size()};
  for (const TextSection& s : sections) {
    cuts.insert(std::min(s.begin, text.size()));
    cuts.insert(std::min(s.end, text.size()));
  }
  std::vector<std::pair<std::size_t, std::size_t>> parts;  // begin, owner
  for (auto it = cuts.begin(); std::next(it) != cuts.end(); ++it) {
    const std::size_t b = *it, e = *std::next(it);
    std::size_t owner = kNoSection;
    for (std::size_t k = 0; k < sections.size(); ++k) {
      const TextSection& s = sections[k];
      if (s.begin > b || s.end < e || s.begin >= s.end) continue;
      if (owner == kNoSection || s.begin > sections[owner].begin ||
          (s.begin == sections[owner].begin && s.end < sections[owner].end)) {
        owner = k;
      }
    }
    if (parts.empty() || parts.back().second != owner) parts.emplace_back(b, owner);
  }
  for (std::size_t p = 0; p < parts.size(); ++p) {
    const std::size_t b = parts[p].first;
    const std::size_t e = p + 1 < parts.size() ? parts[p + 1].first : text.size();
    chunk_part(text.substr(b, e - b), b, parts[p].second, options, out);
  }
  return out;
}

}  // namespace embeval
