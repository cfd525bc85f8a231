// The cost model's arithmetic against figures worked by hand, and the price table's reader.
#include "embeval/pipeline/cost_model.h"

#include <gtest/gtest.h>

#include <string>

#include "embeval/core/error.h"
#include "embeval/pipeline/evaluation.h"
#include "support/temp_dir.h"

namespace embeval {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

// 50,000 documents of 800 bytes, 1,000 queries of 40 bytes.
CorpusShape shape() { return {50000, 1000, 800.0, 40.0}; }

CostSettings machine() {
  CostSettings s;
  s.usd_per_hour = 1.8;  // $0.0005 per second
  s.hardware = "gpu";
  s.usd_per_gib_month = 0.25;
  s.replicas = 2;
  return s;
}

ModelResult self_hosted() {
  ModelResult m;
  m.label = "bge";
  m.spec = "gguf:/m/bge.gguf";
  m.timings.documents_per_s = 250;
  m.timings.queries_per_s = 40;
  m.index_bytes = static_cast<std::size_t>(1.5 * kGiB);
  return m;
}

PriceTable table() {
  PriceTable t;
  t.path = "prices.tsv";
  t.date = "2026-12-02";
  t.rows = {{"text-embedding-3-large", "openai", 0.13, "https://openai.com/api/pricing/"},
            {"voyage-3.5", "voyage", 0.06, "https://docs.voyageai.com/docs/pricing"},
            {"voyage-3.5-lite", "voyage", 0.02, "https://docs.voyageai.com/docs/pricing"}};
  return t;
}

TEST(CostModel, SelfHostedFromMeasuredThroughputAndStorage) {
  const ModelCost c = model_cost(self_hosted(), shape(), machine(), nullptr);
  EXPECT_EQ(c.encode_basis, "self-hosted");
  EXPECT_EQ(c.hardware, "gpu");
  // 50,000 / 250 = 200 s x $0.0005 = $0.10; a million: 4,000 s = $2; queries: 25,000 s = $12.50.
  EXPECT_NEAR(*c.corpus.encode_usd, 0.1, 1e-15);
  EXPECT_NEAR(*c.per_million_documents.encode_usd, 2.0, 1e-14);
  EXPECT_NEAR(*c.per_million_queries.encode_usd, 12.5, 1e-13);
  // 1.5 GiB x $0.25 x 2 replicas = $0.75 a month; a million documents: 30 GiB -> $15.
  EXPECT_NEAR(*c.corpus.storage_usd_per_month, 0.75, 1e-15);
  EXPECT_NEAR(*c.per_million_documents.storage_usd_per_month, 15.0, 1e-13);
  EXPECT_FALSE(c.per_million_queries.storage_usd_per_month.has_value());
  EXPECT_NEAR(*c.corpus.total_usd, 0.85, 1e-15);
  EXPECT_NEAR(*c.per_million_documents.total_usd, 17.0, 1e-13);
  EXPECT_NEAR(*c.per_million_queries.total_usd, 12.5, 1e-13);
  EXPECT_EQ(c.document_tokens_source, "estimate");
  EXPECT_DOUBLE_EQ(c.document_tokens, 200.0);  // 800 bytes / 4
}

TEST(CostModel, HostedFromThePriceTableMatchedFromTheSpec) {
  ModelResult m = self_hosted();
  m.label = "oai";
  m.spec = "openai:https://api.openai.com/v1?model=text-embedding-3-large";
  m.timings.search_s = 5.0;  // 5 ms a query on this machine
  const PriceTable t = table();
  const ModelCost c = model_cost(m, shape(), machine(), &t);
  EXPECT_EQ(c.encode_basis, "price table");
  ASSERT_TRUE(c.price.has_value());
  EXPECT_EQ(c.price->model, "text-embedding-3-large");
  EXPECT_EQ(c.price_table_date, "2026-12-02");
  // 200 tokens x 50,000 x $0.13 / 1M = $1.30; a million documents: 200 x $0.13 = $26.
  EXPECT_NEAR(*c.corpus.encode_usd, 1.3, 1e-14);
  EXPECT_NEAR(*c.per_million_documents.encode_usd, 26.0, 1e-13);
  // Queries: 10 tokens x $0.13 = $1.30 per million, plus the search: 0.005 s x $0.0005 x 1M
  // = $2.50.
  EXPECT_NEAR(*c.per_million_queries.encode_usd, 3.8, 1e-13);
}

TEST(CostModel, TokensFromTheServerOrTheModelsTokenizerBeforeTheEstimate) {
  ModelResult m = self_hosted();
  m.spec = "openai:http://127.0.0.1:1/v1?model=voyage-3.5-lite";
  m.document_lengths = LengthReport{};
  m.document_lengths->texts = 100;
  m.document_lengths->tokens = 12345;
  const PriceTable t = table();
  ModelCost c = model_cost(m, shape(), {}, &t);
  EXPECT_EQ(c.price->model, "voyage-3.5-lite");  // the whole name, not voyage-3.5
  EXPECT_EQ(c.document_tokens_source, "model tokenizer");
  EXPECT_DOUBLE_EQ(c.document_tokens, 123.45);
  EXPECT_NEAR(*c.corpus.encode_usd, 123.45 * 50000 * 0.02 / 1e6, 1e-15);
  EXPECT_FALSE(c.corpus.storage_usd_per_month.has_value());
  EXPECT_NEAR(*c.corpus.total_usd, *c.corpus.encode_usd, 0.0);  // storage not priced

  m.api_cost = ApiCost{};
  m.api_cost->mean_document_tokens = 150;
  m.api_cost->mean_document_tokens_source = "server";
  m.api_cost->cost_usd = 0.25;
  c = model_cost(m, shape(), {}, &t);
  EXPECT_EQ(c.document_tokens_source, "server");
  EXPECT_DOUBLE_EQ(c.document_tokens, 150.0);
  EXPECT_EQ(c.api_measured_usd, 0.25);
}

TEST(CostModel, TheSpecsOwnPriceWinsOverAMatchedRowNotOverLabelEqualsName) {
  ModelResult m = self_hosted();
  m.label = "oai";
  m.spec = "openai:https://api.openai.com/v1?model=text-embedding-3-large&price_per_mtok=0.5";
  m.api_cost = ApiCost{};
  m.api_cost->usage.price_per_mtok = 0.5;
  const PriceTable t = table();
  ModelCost c = model_cost(m, shape(), {}, &t);
  EXPECT_EQ(c.encode_basis, "spec price");
  EXPECT_TRUE(c.price_table_date.empty());
  EXPECT_NEAR(*c.per_million_documents.encode_usd, 200 * 0.5, 1e-12);  // 200 tokens x $0.50
  CostSettings s;
  s.price_models = {"oai=voyage-3.5"};
  c = model_cost(m, shape(), s, &t);
  EXPECT_EQ(c.encode_basis, "price table");
  EXPECT_NEAR(*c.per_million_documents.encode_usd, 200 * 0.06, 1e-12);
}

TEST(CostModel, PriceModelFlagAndMissingInputs) {
  const PriceTable t = table();
  CostSettings s;
  s.price_models = {"bge=voyage-3.5"};
  ModelCost c = model_cost(self_hosted(), shape(), s, &t);
  EXPECT_EQ(c.price->model, "voyage-3.5");
  EXPECT_NEAR(*c.per_million_documents.encode_usd, 200 * 0.06, 1e-13);

  // Nothing to price by: no figure, never a zero.
  c = model_cost(self_hosted(), shape(), {}, &t);
  EXPECT_EQ(c.encode_basis, "none");
  EXPECT_FALSE(c.corpus.encode_usd.has_value());
  EXPECT_FALSE(c.corpus.total_usd.has_value());

  // Every document from the cache: no throughput, so no self-hosted figure.
  ModelResult cached = self_hosted();
  cached.timings.documents_per_s = 0;
  c = model_cost(cached, shape(), machine(), nullptr);
  EXPECT_FALSE(c.corpus.encode_usd.has_value());
  EXPECT_TRUE(c.per_million_queries.encode_usd.has_value());

  s.price_models = {"bge=no-such-model"};
  EXPECT_THROW((void)model_cost(self_hosted(), shape(), s, &t), InputError);
  EXPECT_THROW((void)model_cost(self_hosted(), shape(), s, nullptr), InputError);
}

TEST(PriceTable, ReadsTheShippedTableAndRefusesBrokenOnes) {
  const PriceTable shipped =
      read_price_table(std::string(EMBEVAL_TEST_DATA_DIR) + "/../../data/prices.tsv");
  EXPECT_FALSE(shipped.date.empty());
  ASSERT_NE(shipped.find("TEXT-EMBEDDING-3-SMALL"), nullptr);  // case-insensitive
  EXPECT_DOUBLE_EQ(shipped.find("text-embedding-3-small")->usd_per_mtok, 0.02);
  for (const PriceRow& row : shipped.rows) {
    EXPECT_EQ(row.source_url.rfind("https://", 0), 0u) << row.model;
  }

  testing::TempDir dir{"embeval-prices"};
  const std::string header = "model\tprovider\tusd_per_mtok\tsource_url\n";
  const auto expect_error = [&](const std::string& text, std::size_t line) {
    const auto path = dir.write("p.tsv", text);
    try {
      (void)read_price_table(path);
      ADD_FAILURE() << "accepted: " << text;
    } catch (const InputError& e) {
      EXPECT_EQ(e.line(), line) << e.what();
    }
  };
  expect_error(header + "a\tx\t0.1\thttps://a\n", 0);                          // no date
  expect_error("# date: 2026-01-01\n" + header + "a\tx\t-1\thttps://a\n", 3);  // negative
  expect_error("# date: 2026-01-01\n" + header + "a\tx\tfree\thttps://a\n", 3);
  expect_error("# date: 2026-01-01\n" + header + "a\tx\t0.1\n", 3);  // a column short
  expect_error("# date: 2026-01-01\n" + header + "a\tx\t0.1\tu\nA\ty\t0.2\tu\n", 4);  // twice
  expect_error("# date: 2026-01-01\nmodel\tprice\n", 2);
}

}  // namespace
}  // namespace embeval
