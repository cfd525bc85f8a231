// --threads N: the one flag group for the commands that run models or searches (eval, ann,
// encode, inspect), so the name, meaning and default cannot drift between them.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

#include "embeval/models/registry.h"
#include "embeval/util/thread_count.h"

namespace embeval::cli {

struct ThreadsFlag {
  std::size_t threads = 0;  // as given; 0 = the physical cores

  // Registers --threads on `cmd`; `what` names what runs on them, for --help.
  void add_to(CLI::App* cmd, const std::string& what) {
    cmd->add_option("--threads", threads,
                    "Threads for " + what +
                        " (0 = physical cores; a GGUF model's default can be set with "
                        "EMBEVAL_LLAMA_THREADS)")
        ->check(CLI::Range(std::size_t{0}, std::size_t{1024}))
        ->capture_default_str();
  }
  [[nodiscard]] std::size_t resolved() const { return resolve_thread_count(threads); }
  // Encoders get the flag as given: 0 lets them apply their own default (EMBEVAL_LLAMA_THREADS).
  [[nodiscard]] EncoderOptions encoder_options() const { return EncoderOptions{threads}; }
};

}  // namespace embeval::cli
