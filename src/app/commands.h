// Registration of the `shoprl` subcommands, one function per command family (one file each).
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace shoprl {

struct TorchParts;

// What every command sees: the global flags, the command line, and whether this program links
// LibTorch.
struct GlobalOptions {
  bool quiet = false;
  // The whole command line, handed over unchanged when a command needs shoprl-torch.
  std::vector<std::string> command_line;
  // The LibTorch half of the program (torch_parts.h): set in shoprl-torch, null in shoprl.
  const TorchParts* torch = nullptr;
};

void add_data_commands(CLI::App& app, const GlobalOptions& global);
// `data synth`, under the `data` command (synth_command.cpp).
void add_synth_command(CLI::App& data, const GlobalOptions& global);
void add_config_commands(CLI::App& app, const GlobalOptions& global);
void add_quickstart_command(CLI::App& app, const GlobalOptions& global);
void add_evaluate_command(CLI::App& app, const GlobalOptions& global);
// Returns the `bench` group, so that `bench train` can be attached to it.
CLI::App* add_bench_commands(CLI::App& app, const GlobalOptions& global);
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
// `info` (torch_parts.cpp).
void add_info_command(CLI::App& app, const GlobalOptions& global);
// `export` (export_command.cpp).
void add_export_command(CLI::App& app, const GlobalOptions& global);
// `serve` and `bench serve` (serve_command.cpp, bench_serve_command.cpp).
void add_serve_command(CLI::App& app, const GlobalOptions& global);
void add_serve_bench_command(CLI::App& bench, const GlobalOptions& global);
// `traffic` and `promote`, the closed loop's commands in shoprl-serve (traffic_command.cpp,
// promote_command.cpp).
void add_traffic_command(CLI::App& app, const GlobalOptions& global);
void add_promote_command(CLI::App& app, const GlobalOptions& global);

// A command that only shoprl-torch has (`quickstart`, `sim`, `train`, `info`, `bench train`):
// registered for real there, and as a stub that hands over to it in shoprl (hand_over.h).
void add_torch_command(CLI::App& parent, const std::string& name, const GlobalOptions& global);

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
