// What a model costs to run, estimated offline from what eval measured (docs/cost.md):
//   encode, hosted     tokens x the price table's USD per million tokens (price_table.h), or
//                      the openai: spec's own price_per_mtok;
//   encode, self-hosted seconds measured (documents / documents_per_s, queries / queries_per_s)
//                      x --usd-per-hour / 3600, on the machine eval ran on (CPU or GPU: a label);
//   storage            index bytes / 2^30 x --usd-per-gib-month x --replicas, per month.
// Each figure for the corpus evaluated, per million documents like its documents and per million
// queries like its queries. A figure whose inputs are missing (no price, no flag, nothing encoded)
// is empty, never 0. The measured hosted cost (api_cost, openai:) is carried beside the estimate.
// Pure arithmetic: thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/pipeline/price_table.h"

namespace embeval {

struct ModelResult;

// eval's cost flags.
struct CostSettings {
  std::optional<double> usd_per_hour;       // --usd-per-hour: the machine encoding and searching
  std::string hardware = "cpu";             // --hardware cpu|gpu: what that price rents (a label)
  std::optional<double> usd_per_gib_month;  // --usd-per-gib-month: index storage
  std::size_t replicas = 1;                 // --replicas: copies of the index stored
  // --price-model, repeatable: "NAME" prices every model paid per token (openai:) that the
  // table does not match from its spec; "LABEL=NAME" prices the model labelled LABEL.
  std::vector<std::string> price_models;
  std::filesystem::path price_table;  // empty: no hosted estimates
};

// The corpus and queries a cost is scaled from.
struct CorpusShape {
  std::size_t documents = 0;
  std::size_t queries = 0;
  double mean_document_bytes = 0;  // UTF-8 bytes of what a model reads (title and text)
  double mean_query_bytes = 0;
};

// One scale (the corpus, a million documents, a million queries). USD; empty: not known.
struct CostFigures {
  std::optional<double> encode_usd;
  std::optional<double> storage_usd_per_month;
  // encode + one month of storage when storage is priced; encode alone otherwise; empty
  // without an encode figure.
  std::optional<double> total_usd;
};

struct ModelCost {
  std::string encode_basis;       // "price table" | "spec price" | "self-hosted" | "none"
  std::optional<PriceRow> price;  // the price used ("price table" or "spec price")
  std::string price_table_date;   // the table's "# date:", printed with every estimate
  std::string price_table_path;
  double document_tokens = 0;          // mean tokens per document
  std::string document_tokens_source;  // "server" | "model tokenizer" | "estimate" (bytes/4)
  double query_tokens = 0;
  std::string query_tokens_source;
  std::optional<double> usd_per_hour;
  std::string hardware;
  std::optional<double> usd_per_gib_month;
  std::size_t replicas = 1;
  std::size_t index_bytes = 0;
  std::optional<double> api_measured_usd;  // api_cost.cost_usd: what this run paid
  CostFigures corpus;
  CostFigures per_million_documents;
  CostFigures per_million_queries;  // storage empty: queries store nothing
};

// The price row for `model` under `settings` (LABEL=NAME, then the spec matched against the
// table, then a plain NAME for models paid per token), or nullptr. InputError: a --price-model
// name the table lacks.
[[nodiscard]] const PriceRow* price_for(const ModelResult& model, const CostSettings& settings,
                                        const PriceTable* table);

[[nodiscard]] ModelCost model_cost(const ModelResult& model, const CorpusShape& shape,
                                   const CostSettings& settings, const PriceTable* table);

}  // namespace embeval
