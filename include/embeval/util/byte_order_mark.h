// The UTF-8 byte-order mark. Editors on Windows (and Excel's CSV export) put it at the start of
// text files; every reader of ours drops it, as most readers do, so that it is never glued to
// the first id, word or JSON value.
#pragma once

#include <string_view>

namespace embeval {

inline constexpr std::string_view kUtf8ByteOrderMark = "\xEF\xBB\xBF";

// `text` without a leading UTF-8 byte-order mark (unchanged when there is none).
[[nodiscard]] constexpr std::string_view strip_utf8_bom(std::string_view text) noexcept {
  return text.starts_with(kUtf8ByteOrderMark) ? text.substr(kUtf8ByteOrderMark.size()) : text;
}

}  // namespace embeval
