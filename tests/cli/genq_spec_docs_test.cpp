// docs/query-generation.md's table of the `gguf:` generator's parameters is generated from its
// schema (as spec_docs_test.cpp does for the encoder families): it must equal what the schema
// gives today. A failure prints the table to paste.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "embeval/core/param_schema.h"
#include "embeval/models/generator_registry.h"

namespace embeval {
namespace {

std::string generated_block(const std::filesystem::path& file, const std::string& name) {
  std::ifstream in(file);
  EXPECT_TRUE(in) << file;
  const std::string open = "<!-- generated: " + name + " ";
  std::string line, block;
  bool inside = false, found = false;
  while (std::getline(in, line)) {
    if (!inside && line.rfind(open, 0) == 0) {
      inside = found = true;
    } else if (inside && line == "<!-- end generated -->") {
      inside = false;
    } else if (inside) {
      block += line + "\n";
    }
  }
  EXPECT_TRUE(found && !inside) << file << " has no complete block '" << name << "'";
  return block;
}

TEST(GenqSpecDocs, GgufGeneratorParameterTableMatchesItsSchema) {
  if (!has_generator_family("gguf")) GTEST_SKIP() << "built without llama.cpp";
  for (const auto& kind : generator_kinds()) {
    if (kind.scheme != "gguf") continue;
    const std::string table = markdown_table(*kind.schema);
    EXPECT_EQ(generated_block(std::filesystem::path(EMBEVAL_TEST_DATA_DIR) / ".." / ".." / "docs" /
                                  "query-generation.md",
                              "gguf generator parameters"),
              table)
        << "docs/query-generation.md: the gguf generator table should read:\n"
        << table;
  }
}

}  // namespace
}  // namespace embeval
