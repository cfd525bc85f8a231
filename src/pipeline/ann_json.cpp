#include "embeval/pipeline/ann_json.h"

#include "embeval/pipeline/results_json.h"
#include "embeval/util/atomic_file.h"

namespace embeval {
namespace {

using nlohmann::json;

json cost_to_json(const SearchCost& c) {
  return {{"batch_queries_per_s", c.batch_queries_per_s},
          {"latency_p50_ms", c.latency_p50_ms},
          {"latency_p95_ms", c.latency_p95_ms},
          {"latency_p99_ms", c.latency_p99_ms},
          {"latency_queries", c.latency_queries}};
}

json point_to_json(const AnnPoint& p) {
  json j = {{"label", p.label},
            {"index_spec", p.index_spec},
            {"dimension", p.dimension},
            {"recall_at_10", p.recall_at_10},
            {"recall_at_100", p.recall_at_100},
            {"ndcg_at_10", p.ndcg_at_10},
            {"ndcg_at_10_delta", p.ndcg_at_10_delta},
            {"search", cost_to_json(p.cost)},
            {"build_s", p.build_s},
            {"index_bytes", p.index_bytes},
            {"rescore_bytes", p.rescore_bytes},
            {"bytes_per_vector", p.bytes_per_vector},
            {"bytes_per_million_documents", p.bytes_per_vector * 1e6},
            {"pareto", p.pareto}};
  j["search_parameter"] = p.search_parameter.empty() ? json(nullptr) : json(p.search_parameter);
  j["search_value"] = p.search_parameter.empty() ? json(nullptr) : json(p.search_value);
  return j;
}

json points_to_json(const std::vector<AnnPoint>& points) {
  json a = json::array();
  for (const auto& p : points) a.push_back(point_to_json(p));
  return a;
}

json optional_index(const std::optional<std::size_t>& i) { return i ? json(*i) : json(nullptr); }

}  // namespace

json to_json(const AnnResults& r) {
  json j = {
      {"format", kAnnFormat},
      {"version", kAnnVersion},
      {"dataset",
       {{"name", r.dataset_name},
        {"fingerprint", r.dataset_fingerprint},
        {"documents", r.num_documents},
        {"queries", r.num_queries}}},
      {"model",
       {{"spec", r.model_spec},
        {"card", card_to_json(r.card)},
        {"dimension", r.dimension},
        {"encode_documents_s", r.encode_documents_s},
        {"encode_queries_s", r.encode_queries_s}}},
      {"settings", {{"metric", r.metric}, {"threads", r.threads}, {"k", 100}, {"latency_k", 10}}},
      {"points", points_to_json(r.points)},
      {"truncation", points_to_json(r.truncation)},
      {"precision", points_to_json(r.precision)},
      {"notes", r.notes}};
  j["exact"] = r.exact ? point_to_json(*r.exact) : json(nullptr);
  if (r.sweep) {
    j["sweep"] = {{"recall_target", r.sweep->recall_target},
                  {"frontier", r.sweep->frontier},
                  {"fastest_meeting_target", optional_index(r.sweep->fastest_meeting_target)},
                  {"smallest_meeting_target", optional_index(r.sweep->smallest_meeting_target)}};
  } else {
    j["sweep"] = nullptr;
  }
  if (r.sparse) {
    const SparseSummary& s = *r.sparse;
    json searches = json::array();
    for (const auto& c : s.searches) {
      json one = cost_to_json(c.cost);
      one["strategy"] = c.strategy;
      one["index_spec"] = c.index_spec;
      searches.push_back(one);
    }
    j["sparse"] = {{"documents", s.postings.documents},
                   {"terms_with_postings", s.postings.terms_with_postings},
                   {"postings", s.postings.postings},
                   {"average_terms_per_document", s.postings.average_terms_per_document},
                   {"average_terms_per_query", s.average_terms_per_query},
                   {"longest_query", s.longest_query},
                   {"longest_lists", s.longest_lists},
                   {"index_bytes", s.postings.bytes},
                   {"searches", searches},
                   {"identical_top10_share", s.identical_top10_share},
                   {"ndcg_at_10", s.ndcg_at_10}};
  } else {
    j["sparse"] = nullptr;
  }
  if (r.hybrid) {
    const HybridAnnSummary& h = *r.hybrid;
    json rows = json::array();
    for (const HybridAnnPoint& p : h.points) {
      json row = {{"label", p.label},
                  {"index_spec", p.index_spec},
                  {"ndcg_at_10", p.ndcg_at_10},
                  {"ndcg_at_10_delta", p.ndcg_at_10_delta},
                  {"recall_at_10", p.recall_at_10}};
      row["search_parameter"] =
          p.search_parameter.empty() ? json(nullptr) : json(p.search_parameter);
      row["search_value"] = p.search_parameter.empty() ? json(nullptr) : json(p.search_value);
      rows.push_back(row);
    }
    j["hybrid"] = {{"spec", h.spec},
                   {"components", h.components},
                   {"dense_component", h.dense_component},
                   {"exact_ndcg_at_10", h.exact_ndcg_at_10},
                   {"points", rows}};
  } else {
    j["hybrid"] = nullptr;
  }
  return j;
}

void write_ann_json(const std::filesystem::path& path, const AnnResults& results) {
  write_file_atomic(path, to_json(results).dump(1) + "\n");
}

}  // namespace embeval
