#include "embeval/pipeline/cost_model.h"

#include <algorithm>

#include "embeval/core/error.h"
#include "embeval/core/model_spec.h"
#include "embeval/pipeline/evaluation.h"

namespace embeval {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;
constexpr double kMillion = 1e6;

bool paid_per_token(const ModelResult& model) {
  return model.api_cost.has_value() || model.spec.rfind("openai:", 0) == 0;
}

const PriceRow* named_row(const std::string& name, const PriceTable* table) {
  if (!table) {
    throw InputError("--price-model " + name + " needs a price table", {}, 0,
                     "pass --price-table data/prices.tsv");
  }
  const PriceRow* row = table->find(name);
  if (!row) {
    throw InputError("--price-model: '" + name + "' is not in the price table", table->path, 0,
                     "add a row for it (docs/cost.md) or use a name the table has");
  }
  return row;
}

// Mean tokens per text: the server's count, else the model's own tokenizer, else bytes / 4.
void mean_tokens(const std::optional<LengthReport>& lengths, double server, double bytes,
                 double& tokens, std::string& source) {
  if (server > 0) {
    tokens = server;
    source = "server";
  } else if (lengths && lengths->texts > 0) {
    tokens = static_cast<double>(lengths->tokens) / static_cast<double>(lengths->texts);
    source = "model tokenizer";
  } else {
    tokens = bytes / 4.0;  // estimate_tokens()'s rule, on the mean
    source = "estimate";
  }
}

void add_total(CostFigures& f) {
  if (!f.encode_usd) return;
  f.total_usd = *f.encode_usd + f.storage_usd_per_month.value_or(0.0);
}

}  // namespace

const PriceRow* price_for(const ModelResult& model, const CostSettings& settings,
                          const PriceTable* table) {
  for (const std::string& entry : settings.price_models) {
    const std::size_t eq = entry.find('=');
    if (eq != std::string::npos && entry.substr(0, eq) == model.label) {
      return named_row(entry.substr(eq + 1), table);
    }
  }
  if (table) {
    if (const PriceRow* row = table->match_spec(model.spec)) return row;
  }
  if (!paid_per_token(model)) return nullptr;
  for (const std::string& entry : settings.price_models) {
    if (entry.find('=') == std::string::npos) return named_row(entry, table);
  }
  return nullptr;
}

ModelCost model_cost(const ModelResult& model, const CorpusShape& shape,
                     const CostSettings& settings, const PriceTable* table) {
  ModelCost c;
  c.usd_per_hour = settings.usd_per_hour;
  c.hardware = settings.hardware;
  c.usd_per_gib_month = settings.usd_per_gib_month;
  c.replicas = settings.replicas;
  c.index_bytes = model.index_bytes;
  if (model.api_cost) c.api_measured_usd = model.api_cost->cost_usd;
  const double server_doc_tokens =
      model.api_cost && model.api_cost->mean_document_tokens_source != "estimate"
          ? model.api_cost->mean_document_tokens
          : 0.0;
  mean_tokens(model.document_lengths, server_doc_tokens, shape.mean_document_bytes,
              c.document_tokens, c.document_tokens_source);
  mean_tokens(model.query_lengths, 0.0, shape.mean_query_bytes, c.query_tokens,
              c.query_tokens_source);

  const double documents = static_cast<double>(shape.documents);
  const double queries = static_cast<double>(shape.queries);
  // Seconds of the machine per document and per query, as measured.
  const double rate = settings.usd_per_hour.value_or(0.0) / 3600.0;
  const std::optional<double> s_per_document =
      model.timings.documents_per_s > 0 ? std::optional(1.0 / model.timings.documents_per_s)
                                        : std::nullopt;
  const std::optional<double> s_per_query = model.timings.queries_per_s > 0
                                                ? std::optional(1.0 / model.timings.queries_per_s)
                                                : std::nullopt;

  const PriceRow* row = price_for(model, settings, table);
  // The spec's own price_per_mtok (openai:...?price_per_mtok=X) is the user's word for this
  // model: it wins over a table row matched from the spec, not over an explicit LABEL=NAME.
  PriceRow from_spec;
  const bool labelled =
      std::any_of(settings.price_models.begin(), settings.price_models.end(),
                  [&](const std::string& e) { return e.rfind(model.label + "=", 0) == 0; });
  if (!labelled && model.api_cost && model.api_cost->usage.price_per_mtok) {
    from_spec = {model.label, "spec", *model.api_cost->usage.price_per_mtok,
                 "the model spec's price_per_mtok"};
    row = &from_spec;
  }
  if (row) {
    c.encode_basis = row == &from_spec ? "spec price" : "price table";
    c.price = *row;
    if (row != &from_spec) {
      c.price_table_date = table->date;
      c.price_table_path = table->path;
    }
    const double per_doc = c.document_tokens * row->usd_per_mtok / kMillion;
    const double per_query = c.query_tokens * row->usd_per_mtok / kMillion;
    // The search still runs on the user's machine: its share of query time, when priced.
    const double search_per_query =
        settings.usd_per_hour && queries > 0 ? model.timings.search_s / queries * rate : 0.0;
    c.corpus.encode_usd = per_doc * documents;
    c.per_million_documents.encode_usd = per_doc * kMillion;
    c.per_million_queries.encode_usd = (per_query + search_per_query) * kMillion;
  } else if (settings.usd_per_hour) {
    c.encode_basis = "self-hosted";
    if (s_per_document) {
      c.corpus.encode_usd = *s_per_document * documents * rate;
      c.per_million_documents.encode_usd = *s_per_document * kMillion * rate;
    }
    if (s_per_query) c.per_million_queries.encode_usd = *s_per_query * kMillion * rate;
  } else {
    c.encode_basis = "none";
  }

  if (settings.usd_per_gib_month) {
    const double per_gib = *settings.usd_per_gib_month * static_cast<double>(settings.replicas);
    const double bytes = static_cast<double>(model.index_bytes);
    c.corpus.storage_usd_per_month = bytes / kGiB * per_gib;
    if (documents > 0) {
      c.per_million_documents.storage_usd_per_month = bytes / documents * kMillion / kGiB * per_gib;
    }
  }
  add_total(c.corpus);
  add_total(c.per_million_documents);
  add_total(c.per_million_queries);
  return c;
}

}  // namespace embeval
