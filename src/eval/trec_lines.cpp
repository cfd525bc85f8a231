#include "eval/trec_lines.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "embeval/core/error.h"

namespace embeval::eval_detail {

std::string read_whole_file(const std::filesystem::path& path, const char* what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {  // it would read as an empty file
    throw InputError(std::string("a directory, not a ") + what + " file", path.string(), 0,
                     "pass the file itself");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(std::string("cannot open ") + what + " file", path.string(), 0,
                     "check the path");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  std::string text = std::move(buffer).str();
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    throw InputError(std::string("the ") + what + " file is UTF-16 (it opens with a UTF-16 " +
                         "byte-order mark)",
                     path.string(), 1, "convert it to UTF-8, e.g. iconv -f UTF-16 -t UTF-8");
  }
  return text;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t") == std::string_view::npos;
}

}  // namespace embeval::eval_detail
