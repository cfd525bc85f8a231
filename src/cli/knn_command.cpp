#include "cli/commands.h"

namespace embeval::cli {

// Placeholder until the command is implemented.
void add_knn_command(CLI::App& app) { app.add_subcommand("knn", "(not yet implemented)"); }

}  // namespace embeval::cli
