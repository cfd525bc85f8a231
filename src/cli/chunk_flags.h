// The chunking flags (--unit, --tokenizer, --size, --overlap, --pack, --sections): one group
// for `dataset chunk` and any command that chunks while it builds a dataset (`dataset import
// --chunk`), so names, meanings and defaults cannot drift. docs/chunking.md defines each.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <memory>
#include <string>

#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"
#include "embeval/dataset/chunking.h"
#include "embeval/models/registry.h"

namespace embeval::cli {

struct ChunkFlags {
  std::string unit = "words";
  std::string tokenizer;  // a model spec whose tokenizer measures tokens: gguf:PATH
  std::size_t size = 200;
  std::size_t overlap = 0;
  std::string pack = "none";
  bool sections = false;

  void add_to(CLI::App* cmd) {
    cmd->add_option("--unit", unit, "What --size and --overlap count: words or tokens")
        ->check(CLI::IsMember({"words", "tokens"}))
        ->capture_default_str();
    cmd->add_option("--tokenizer", tokenizer,
                    "With --unit tokens: the model whose tokenizer counts, e.g. gguf:PATH.gguf "
                    "(vocabulary-only GGUF files work)");
    cmd->add_option("--size", size, "Units per passage at most")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 30))
        ->capture_default_str();
    cmd->add_option("--overlap", overlap,
                    "Units shared by neighbouring passages at most (less than --size)")
        ->capture_default_str();
    cmd->add_option("--pack", pack,
                    "none: windows of words; sentence or paragraph: windows of whole sentences "
                    "or paragraphs, cut inside one only when it alone exceeds --size")
        ->check(CLI::IsMember({"none", "sentence", "paragraph"}))
        ->capture_default_str();
    cmd->add_flag("--sections", sections,
                  "Never let a passage span two sections (from the documents' metadata "
                  "\"sections\"); the heading path is appended to the passage title");
  }

  // The options, with the tokenizer they point to (kept alive in `owner`). Throws InputError.
  [[nodiscard]] ChunkOptions make(std::unique_ptr<Tokenizer>& owner) const {
    ChunkOptions o;
    o.unit = unit == "tokens" ? ChunkUnit::kTokens : ChunkUnit::kWords;
    o.size = size;
    o.overlap = overlap;
    o.packing = pack == "sentence"    ? ChunkPacking::kSentence
                : pack == "paragraph" ? ChunkPacking::kParagraph
                                      : ChunkPacking::kNone;
    o.sections = sections;
    if (o.unit == ChunkUnit::kTokens) {
      if (tokenizer.empty()) {
        throw InputError("--unit tokens needs --tokenizer", {}, 0,
                         "e.g. --tokenizer gguf:model.gguf (a vocabulary-only GGUF file works)");
      }
      owner = make_tokenizer(ModelSpec::parse(tokenizer));
      if (!owner) {
        throw InputError("'" + tokenizer + "' has no tokenizer of its own", {}, 0,
                         "use --unit words, or a gguf: model");
      }
      o.tokenizer = owner.get();
      o.tokenizer_spec = tokenizer;
    } else if (!tokenizer.empty()) {
      throw InputError("--tokenizer is only used with --unit tokens", {}, 0,
                       "add --unit tokens, or drop --tokenizer");
    }
    check_chunk_options(o);
    return o;
  }
};

}  // namespace embeval::cli
