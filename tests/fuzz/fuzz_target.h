// Shared by every fuzz target (tests/fuzz/<reader>_fuzz.cpp). A target is a libFuzzer entry
// point, LLVMFuzzerTestOneInput, built either with libFuzzer (EMBEVAL_FUZZ=ON) or with our seeded
// mutation driver (mutation_driver.cpp, always). The contract it checks (docs/fuzzing.md): for
// any input a reader either succeeds or throws InputError. Anything else — another exception, a
// crash, an abort, a sanitizer report, a hang or a huge allocation — is a failure; exceptions
// are turned into an abort here so both drivers see them the same way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>

#include "embeval/core/error.h"
#include "support/temp_dir.h"

namespace embeval::fuzz {

namespace fs = std::filesystem;

// One directory per process under the system temp dir, removed at exit. Readers take paths, so
// every input is written to a file in it first (tmpfs or page cache: cheap next to parsing).
inline const fs::path& scratch_dir() {
  static const testing::TempDir dir("embeval-fuzz");
  return dir.path();
}

// Writes `data` to scratch_dir()/relative (parent folders created) and returns the path.
inline fs::path write_scratch_file(const fs::path& relative, std::string_view data) {
  const fs::path path = scratch_dir() / relative;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "embeval fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
  return path;
}

// Empties scratch_dir() (a target that builds a folder tree starts from nothing each time).
inline void clear_scratch_dir() {
  for (const auto& entry : fs::directory_iterator(scratch_dir())) fs::remove_all(entry.path());
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits `input` at the first occurrence of `separator`: {before, after}; {input, ""} without one.
// Lets one fuzz input describe two files (e.g. a corpus and its qrels).
inline std::pair<std::string_view, std::string_view> split_once(std::string_view input,
                                                                std::string_view separator) {
  const std::size_t at = input.find(separator);
  if (at == std::string_view::npos) return {input, {}};
  return {input.substr(0, at), input.substr(at + separator.size())};
}

// Runs `body`; InputError is the accepted way to refuse an input. Any other exception aborts
// with its type and message (a fuzz failure: the reader let a non-input error escape).
template <typename Body>
int expect_success_or_input_error(Body&& body) {
  try {
    body();
  } catch (const InputError&) {
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "embeval fuzz: FAILURE: exception %s escaped the reader: %s\n",
                 typeid(e).name(), e.what());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "embeval fuzz: FAILURE: a non-std exception escaped the reader\n");
    std::abort();
  }
  return 0;
}

// A broken property of a successful read (e.g. a round trip): a fuzz failure.
inline void require(bool condition, const char* what) {
  if (condition) return;
  std::fprintf(stderr, "embeval fuzz: FAILURE: %s\n", what);
  std::abort();
}

}  // namespace embeval::fuzz
