// Registration of the `shoprl` subcommands, one function per command family (one file each).
#pragma once

#include <CLI/CLI.hpp>

namespace shoprl {

// Options every command understands.
struct GlobalOptions {
  bool quiet = false;
};

void add_data_commands(CLI::App& app, const GlobalOptions& global);
void add_config_commands(CLI::App& app, const GlobalOptions& global);
void add_quickstart_command(CLI::App& app, const GlobalOptions& global);
void add_bench_commands(CLI::App& app, const GlobalOptions& global);

// The --config/--set pair most commands take.
struct ConfigOptions {
  std::string file;
  std::vector<std::string> overrides;
};
void add_config_options(CLI::App& command, ConfigOptions& options);

}  // namespace shoprl
