// Internal to the dataset layer: the one place that checks and repairs UTF-8 in input text.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace embeval::dataset_detail {

// Byte offset of the first invalid UTF-8 sequence in `text`, or text.size() when all valid.
std::size_t first_invalid_utf8(std::string_view text);

// Replaces every invalid UTF-8 sequence of `text` by U+FFFD. Returns true when it changed.
bool repair_utf8(std::string& text);

}  // namespace embeval::dataset_detail
