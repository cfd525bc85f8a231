#include "cli/commands.h"

namespace embeval::cli {

// Placeholder until the command is implemented.
void add_dataset_command(CLI::App& app) { app.add_subcommand("dataset", "(not yet implemented)"); }

}  // namespace embeval::cli
