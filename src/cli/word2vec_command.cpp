#include "cli/commands.h"

namespace embeval::cli {

// Placeholder until the command is implemented.
void add_word2vec_command(CLI::App& app) { app.add_subcommand("word2vec", "(not yet implemented)"); }

}  // namespace embeval::cli
