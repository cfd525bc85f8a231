#include "cli/commands.h"

namespace embeval::cli {

// Placeholder until the command is implemented.
void add_encode_command(CLI::App& app) { app.add_subcommand("encode", "(not yet implemented)"); }

}  // namespace embeval::cli
