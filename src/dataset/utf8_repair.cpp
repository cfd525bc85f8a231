#include "dataset/utf8_repair.h"

#include "embeval/util/utf8.h"

namespace embeval::dataset_detail {

std::size_t first_invalid_utf8(std::string_view text) { return embeval::first_invalid_utf8(text); }

bool repair_utf8(std::string& text) {
  if (is_valid_utf8(text)) return false;
  text = replace_invalid_utf8(text);
  return true;
}

}  // namespace embeval::dataset_detail
