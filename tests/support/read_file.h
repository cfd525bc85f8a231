// The one way tests read a file back whole, to compare its bytes with what they expect.
#pragma once

#include <filesystem>
#include <string>

namespace embeval::testing {

// Every byte of `path`; "" when it does not exist or cannot be read, so that a missing output
// shows as a mismatch in the assertion that compares it rather than as an exception.
std::string read_file(const std::filesystem::path& path);

}  // namespace embeval::testing
