#include "cli/commands.h"

namespace embeval::cli {

// Placeholder until the command is implemented.
void add_eval_command(CLI::App& app) { app.add_subcommand("eval", "(not yet implemented)"); }

}  // namespace embeval::cli
