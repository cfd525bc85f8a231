// eval's significance and cost flags (docs/compare.md, docs/cost.md): one group, so that
// `eval` and anything else that runs the eval pipeline name, default and check them the same way.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "embeval/core/error.h"
#include "embeval/eval/significance.h"
#include "embeval/pipeline/evaluation.h"

#ifndef EMBEVAL_PRICE_TABLE
#define EMBEVAL_PRICE_TABLE ""
#endif

namespace embeval::cli {

struct SignificanceFlags {
  bool off = false;
  std::vector<std::string> measures;
  std::string test = "t";
  int samples = 10000;
  std::uint64_t seed = 42;
  double alpha = 0.05;
  std::string correction = "holm";

  void add_to(CLI::App* cmd) {
    cmd->add_flag("--no-significance", off, "Do not test the pairs of models");
    cmd->add_option("--significance-measure", measures,
                    "Measure the pairs are tested on, repeatable (default: the table's "
                    "ndcg_cut.10 recall.100 mrr_cut.10 map_cut.100)")
        ->allow_extra_args(false);
    cmd->add_option("--test", test, "Paired test: t, fisher (sign flips) or bootstrap")
        ->capture_default_str();
    cmd->add_option("--samples", samples, "B: sign flips or resamples (fisher, bootstrap)")
        ->capture_default_str();
    cmd->add_option("--seed", seed, "Seed of the xoshiro256** generator (fisher, bootstrap)")
        ->capture_default_str();
    cmd->add_option("--alpha", alpha, "Significant when the adjusted p <= alpha")
        ->capture_default_str();
    cmd->add_option("--correction", correction, "holm (over every pair and measure) or none")
        ->capture_default_str();
  }

  [[nodiscard]] SignificanceSettings settings() const {
    SignificanceSettings s;
    s.enabled = !off;
    s.measures = measures;
    s.options.test.test = parse_significance_test(test);
    s.options.test.samples = samples;
    s.options.test.seed = seed;
    s.options.correction = parse_p_correction(correction);
    s.options.alpha = alpha;
    if (s.options.test.test != SignificanceTest::kT && samples < 1) {
      throw InputError("--samples must be at least 1", {}, 0, "e.g. --samples 10000");
    }
    if (!(alpha > 0 && alpha < 1)) {
      throw InputError("--alpha must be between 0 and 1", {}, 0, "e.g. --alpha 0.05");
    }
    return s;
  }
};

struct CostFlags {
  std::optional<double> usd_per_hour;
  std::string hardware = "cpu";
  std::optional<double> usd_per_gib_month;
  std::size_t replicas = 1;
  std::vector<std::string> price_models;
  std::string price_table = EMBEVAL_PRICE_TABLE;

  void add_to(CLI::App* cmd) {
    cmd->add_option("--usd-per-hour", usd_per_hour,
                    "Price of this machine per hour: self-hosted encoding and search cost from "
                    "the measured docs/s and QPS")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--hardware", hardware, "What --usd-per-hour rents: cpu or gpu")
        ->check(CLI::IsMember({"cpu", "gpu"}))
        ->capture_default_str();
    cmd->add_option("--usd-per-gib-month", usd_per_gib_month,
                    "Storage price: index bytes x this x --replicas, per month")
        ->check(CLI::NonNegativeNumber);
    cmd->add_option("--replicas", replicas, "Copies of the index stored")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1000000}))
        ->capture_default_str();
    cmd->add_option("--price-model", price_models,
                    "Hosted price from the price table: NAME (every openai: model) or "
                    "LABEL=NAME; otherwise matched from the spec")
        ->allow_extra_args(false);
    cmd->add_option("--price-table", price_table,
                    "Dated USD-per-1M-token table of hosted APIs (docs/cost.md); \"\" for none")
        ->capture_default_str();
  }

  [[nodiscard]] CostSettings settings() const {
    CostSettings s;
    s.usd_per_hour = usd_per_hour;
    s.hardware = hardware;
    s.usd_per_gib_month = usd_per_gib_month;
    s.replicas = replicas;
    s.price_models = price_models;
    // The shipped table is used only where it exists (an installed binary may lack the source
    // tree); a table named on the command line must exist.
    if (!price_table.empty() &&
        (price_table != EMBEVAL_PRICE_TABLE || std::filesystem::exists(price_table))) {
      s.price_table = price_table;
    }
    return s;
  }
};

}  // namespace embeval::cli
