// Writing a fused run straight to a TREC run file, without building a TrecRun first: the
// entries of a FusedRun are already in trec_eval's order (fused score descending compared as a
// float, ties by document id descending), so each line is formatted once into a large buffer
// (std::to_chars for the rank and the score) and written. The file is byte for byte what
// write_run(path, to_trec_run(fused, tag)) writes: the same id checks and messages, ranks 1..n,
// the score as the shortest text that reads back to the same double, atomic replace. Stateless;
// thread-safe on a shared const FusedRun (distinct paths).
#pragma once

#include <filesystem>
#include <string_view>

#include "embeval/fusion/fuse_runs.h"

namespace embeval {

// Writes `fused` (as fuse_runs() returns it: entries of each query in the fused order) with run
// tag `tag`. Throws InputError, the target unchanged, for an id write_run would refuse (a tag,
// query id or document id that is empty or holds whitespace, controls or invalid UTF-8) or a
// score that is not finite.
void write_fused_run(const std::filesystem::path& path, const FusedRun& fused,
                     std::string_view tag);

}  // namespace embeval
