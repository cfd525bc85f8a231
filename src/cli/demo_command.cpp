#include "cli/commands.h"

namespace embeval::cli {

// Placeholder until the command is implemented.
void add_demo_command(CLI::App& app) { app.add_subcommand("demo", "(not yet implemented)"); }

}  // namespace embeval::cli
