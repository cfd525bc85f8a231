// The parameter tables in docs/ are generated from the registries' schemas: each table sits
// between `<!-- generated: NAME ... -->` and `<!-- end generated -->` and must equal what the
// schema gives today. A failure prints the table to paste.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/registry_help.h"

namespace embeval {
namespace {

const std::filesystem::path kDocs =
    std::filesystem::path(EMBEVAL_TEST_DATA_DIR) / ".." / ".." / "docs";

// The text between the marker lines of block `name` in `file`; ADD_FAILURE when absent.
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

void expect_block(const std::string& file, const std::string& name, const std::string& table) {
  EXPECT_EQ(generated_block(kDocs / file, name), table)
      << "docs/" << file << ": block '" << name << "' differs from the schema; it should read:\n"
      << table;
}

std::string doc_of(const std::string& scheme) {
  if (scheme == "bm25") return "bm25.md";
  if (scheme == "static") return "static-vectors.md";
  if (scheme == "gguf") return "gguf.md";
  if (scheme == "bge-m3") return "bge-m3.md";
  if (scheme == "openai") return "remote-models.md";
  ADD_FAILURE() << "no doc page for encoder family " << scheme;
  return "";
}

TEST(SpecDocs, EveryRerankerFamilysParameterTableMatchesItsSchema) {
  for (const auto& kind : reranker_kinds()) {
    ASSERT_NE(kind.schema, nullptr) << kind.scheme;
    EXPECT_EQ(kind.schema->family, kind.scheme);
    expect_block("reranking.md", kind.scheme + " reranker parameters",
                 markdown_table(*kind.schema));
  }
}

TEST(SpecDocs, EveryEncoderFamilysParameterTableMatchesItsSchema) {
  for (const auto& kind : encoder_kinds()) {
    ASSERT_NE(kind.schema, nullptr) << kind.scheme;
    EXPECT_EQ(kind.schema->family, kind.scheme);
    expect_block(doc_of(kind.scheme), kind.scheme + " parameters", markdown_table(*kind.schema));
  }
}

TEST(SpecDocs, IndexTablesMatchTheIndexRegistry) {
  expect_block("ann.md", "index kinds", cli::index_kinds_markdown());
  expect_block("ann.md", "index parameters", cli::index_parameters_markdown());
}

TEST(SpecDocs, HelpListsEveryFamilyAndIndexWithItsGeneratedParameters) {
  const std::string models = cli::model_kinds_help();
  for (const auto& kind : encoder_kinds()) {
    EXPECT_NE(
        models.find(kind.scheme + ": " + kind.summary + " [" + parameters_line(*kind.schema) + "]"),
        std::string::npos)
        << models;
  }
  EXPECT_NE(models.find("bm25: Okapi BM25 (Lucene formula) over an inverted index, fitted on the "
                        "corpus [k1=0.9 b=0.4 analyzer=english]"),
            std::string::npos)
      << models;
  const std::string indexes = cli::index_kinds_help();
  EXPECT_NE(indexes.find("\n  hnsw (HNSW): HNSW graph over float32 vectors (IndexHNSWFlat) [M=32 "
                         "efConstruction=200 efSearch=64]"),
            std::string::npos)
      << indexes;
  EXPECT_NE(indexes.find("\n  inverted: "), std::string::npos) << indexes;
  EXPECT_NE(indexes.find("[strategy=maxscore|exhaustive]"), std::string::npos) << indexes;
}

}  // namespace
}  // namespace embeval
