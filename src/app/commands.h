// Registration of the `shoprl` subcommands, one function per command family (one file each).
#pragma once

#include <CLI/CLI.hpp>

namespace shoprl {

// Options every command understands.
struct GlobalOptions {
  bool quiet = false;
};

void add_data_commands(CLI::App& app, const GlobalOptions& global);
// `data synth`, under the `data` command (synth_command.cpp).
void add_synth_command(CLI::App& data, const GlobalOptions& global);
void add_config_commands(CLI::App& app, const GlobalOptions& global);
void add_quickstart_command(CLI::App& app, const GlobalOptions& global);
void add_evaluate_command(CLI::App& app, const GlobalOptions& global);
void add_bench_commands(CLI::App& app, const GlobalOptions& global);
// `bench env`, under the `bench` command (bench_env_command.cpp).
void add_env_bench_command(CLI::App& bench, const GlobalOptions& global);
// `bench ope`, under the `bench` command (bench_ope_command.cpp).
void add_ope_bench_command(CLI::App& bench, const GlobalOptions& global);
// `bench train`, under the `bench` command (bench_train_command.cpp).
void add_train_bench_command(CLI::App& bench, const GlobalOptions& global);
// `ope` (ope_command.cpp).
void add_ope_command(CLI::App& app, const GlobalOptions& global);
// The `sim` command group and its subcommands (sim_command.cpp); returns the group so that
// subcommands defined in other files can be attached to it.
CLI::App* add_sim_commands(CLI::App& app, const GlobalOptions& global);
// `sim fit`, under the `sim` command (sim_command.cpp).
void add_sim_fit_command(CLI::App& sim, const GlobalOptions& global);
// `sim report` and `sim check`, under the `sim` command (sim_report_command.cpp,
// sim_check_command.cpp).
void add_sim_report_command(CLI::App& sim, const GlobalOptions& global);
void add_sim_check_command(CLI::App& sim, const GlobalOptions& global);

// `train` (train_command.cpp).
void add_train_command(CLI::App& app, const GlobalOptions& global);

struct SynthesizedLogs;
struct StoreTruth;
struct LoadedConfig;
// Generates the logs the config describes, logging what was made (synth_command.cpp).
SynthesizedLogs run_synthesis(const LoadedConfig& loaded);
// The true policy values of a truth as a text table.
std::string policy_values_table(const StoreTruth& truth);

// The --config/--set pair most commands take.
struct ConfigOptions {
  std::string file;
  std::vector<std::string> overrides;
};
void add_config_options(CLI::App& command, ConfigOptions& options);

}  // namespace shoprl
