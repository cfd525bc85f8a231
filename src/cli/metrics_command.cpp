#include "cli/commands.h"

namespace embeval::cli {

// Placeholder until the command is implemented.
void add_metrics_command(CLI::App& app) { app.add_subcommand("metrics", "(not yet implemented)"); }

}  // namespace embeval::cli
