#include "support/read_file.h"

#include <fstream>
#include <sstream>

namespace embeval::testing {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  if (in) bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace embeval::testing
