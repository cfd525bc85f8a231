// Document and query ids, checked where they are read (corpus/queries JSONL, qrels, TREC runs).
// An id travels into whitespace-separated TREC runs, one-id-per-line ids files next to .npy
// rows, and JSON; one that holds whitespace or a control character cannot make that trip intact
// (a newline splits an ids file line, a space splits a run field, a NUL truncates C strings).
// So an id must be non-empty, valid UTF-8, and free of:
//   * C0 controls U+0000..U+001F (NUL, tab, newline, VT, FF, CR, ...), space, DEL U+007F;
//   * C1 controls U+0080..U+009F (NEL U+0085 included);
//   * the other Unicode White_Space characters (U+00A0, U+1680, U+2000..U+200A, U+2028,
//     U+2029, U+202F, U+205F, U+3000), which split fields in many tools (Python's str.split);
//   * U+FEFF, an invisible byte-order mark (left inside files that were concatenated).
// Every other character, punctuation and non-Latin scripts included, is fine.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace embeval {

// Empty when `id` is acceptable; otherwise what is wrong with it, e.g. "is empty" or
// "holds a tab (U+0009) at byte 3".
[[nodiscard]] std::string record_id_problem(std::string_view id);

// Throws InputError naming `file` and `line` (1-based) when record_id_problem(id) is not empty.
// `what` names the id in the message: "document id", "query id", "\"_id\"".
void validate_record_id(std::string_view id, std::string_view what, const std::string& file,
                        std::size_t line);

}  // namespace embeval
