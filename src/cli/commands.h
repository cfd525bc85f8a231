// Each subcommand lives in its own file and registers itself on the app here. A command's
// callback parses nothing by hand: CLI11 fills an options struct, then it calls the library.
#pragma once

#include <CLI/CLI.hpp>

namespace embeval::cli {

void add_demo_command(CLI::App& app);       // demo_command.cpp
void add_dataset_command(CLI::App& app);    // dataset_command.cpp
void add_eval_command(CLI::App& app);       // eval_command.cpp
void add_metrics_command(CLI::App& app);    // metrics_command.cpp
void add_compare_command(CLI::App& app);    // compare_command.cpp
void add_recommend_command(CLI::App& app);  // recommend_command.cpp
void add_fuse_command(CLI::App& app);       // fuse_command.cpp
void add_knn_command(CLI::App& app);        // knn_command.cpp
void add_ann_command(CLI::App& app);        // ann_command.cpp
void add_encode_command(CLI::App& app);     // encode_command.cpp
void add_inspect_command(CLI::App& app);    // inspect_command.cpp
void add_word2vec_command(CLI::App& app);   // word2vec_command.cpp
void add_probe_command(CLI::App& app);      // probe_command.cpp
// Subcommands in files of their own, registered by their group's add_*_command.
void add_dataset_import_subcommand(CLI::App& dataset);  // dataset_import_command.cpp
void add_probe_robustness(CLI::App* probe);             // probe_robustness_command.cpp
void add_dataset_chunk_command(CLI::App& dataset);      // dataset_chunk_command.cpp
void add_dataset_queries_command(CLI::App& dataset);    // dataset_queries_command.cpp
void add_probe_neighbours(CLI::App* probe);             // probe_neighbours_command.cpp
// `dataset bitext ...`, a subcommand group of `dataset` (dataset_bitext_command.cpp).
void add_dataset_bitext_command(CLI::App* dataset);
void add_parity_command(CLI::App& app);  // parity_command.cpp
void add_judge_command(CLI::App& app);   // judge_command.cpp
void add_report_command(CLI::App& app);  // report_command.cpp

}  // namespace embeval::cli
