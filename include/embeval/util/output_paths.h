// Checks on where a command will write, done before any work starts: a read-only or
// non-directory --out must fail in the first second, not after an hour of encoding.
#pragma once

#include <filesystem>
#include <string_view>

namespace embeval {

// Creates `dir` (and parents) when missing, then proves it is a writable directory by creating
// and removing a probe file in it. Throws InputError naming `dir` otherwise.
void prepare_output_directory(const std::filesystem::path& dir);

// Throws InputError when `output` names the same file as `input` (same path, a hard link or a
// symlink to it): writing it would destroy the input. `flag` names the output option in the hint.
void refuse_overwriting_input(const std::filesystem::path& input,
                              const std::filesystem::path& output, std::string_view flag);

}  // namespace embeval
