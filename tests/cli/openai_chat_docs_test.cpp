// docs/remote-models.md's openai-chat parameter table is generated from the schema: the block
// between `<!-- generated: openai-chat parameters ... -->` and `<!-- end generated -->` must equal
// markdown_table(openai_chat_param_schema()). A failure prints the table to paste.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "embeval/models/generator_registry.h"
#include "embeval/remote/openai_chat_generator.h"

namespace embeval {
namespace {

TEST(OpenAiChatDocs, ParameterTableMatchesTheSchema) {
  const std::filesystem::path page =
      std::filesystem::path(EMBEVAL_TEST_DATA_DIR) / ".." / ".." / "docs" / "remote-models.md";
  std::ifstream in(page);
  ASSERT_TRUE(in) << page;
  std::string line, block;
  bool inside = false, found = false;
  while (std::getline(in, line)) {
    if (!inside && line.rfind("<!-- generated: openai-chat parameters ", 0) == 0) {
      inside = found = true;
    } else if (inside && line == "<!-- end generated -->") {
      inside = false;
    } else if (inside) {
      block += line + "\n";
    }
  }
  ASSERT_TRUE(found && !inside) << "no complete block in " << page;
  const std::string table = markdown_table(openai_chat_param_schema());
  EXPECT_EQ(block, table) << "docs/remote-models.md should read:\n" << table;
  // The registry row uses this very schema.
  bool registered = false;
  for (const auto& kind : generator_kinds()) {
    if (kind.scheme == "openai-chat") registered = kind.schema == &openai_chat_param_schema();
  }
  EXPECT_TRUE(registered);
}

}  // namespace
}  // namespace embeval
