#include "cli/commands.h"

namespace embeval::cli {

// Placeholder until the command is implemented.
void add_inspect_command(CLI::App& app) { app.add_subcommand("inspect", "(not yet implemented)"); }

}  // namespace embeval::cli
