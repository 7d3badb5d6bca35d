// The shoprl program: one subcommand per job. Every error ends here as one line on stderr and
// the exit code of its class (docs/cli.md).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "app/app_config.h"
#include "app/commands.h"
#include "core/allocator_tuning.h"
#include "core/error.h"
#include "core/logging.h"
#include "core/torch/device.h"
#include "core/version.h"

int main(int argc, char** argv) {
  using namespace shoprl;
  if (!keep_freed_memory_for_reuse())
    spdlog::warn("the C library refused the allocator settings; tensor-heavy steps run slower");
  CLI::App app{"shoprl: reinforcement-learning recommendation from logged shopping sessions"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("shoprl ") + kVersion);
  GlobalOptions global;
  app.add_flag("-q,--quiet", global.quiet, "No progress display; warnings and errors only");

  add_data_commands(app, global);
  add_quickstart_command(app, global);
  add_evaluate_command(app, global);
  add_config_commands(app, global);
  add_bench_commands(app, global);
  add_ope_command(app, global);
  add_sim_commands(app, global);
  add_train_command(app, global);
  ConfigOptions info_config;
  CLI::App* info = app.add_subcommand("info", "Print the version, the LibTorch build and devices");
  add_config_options(*info, info_config);
  info->callback([&info_config] {
    const LoadedConfig loaded = load_app_config(info_config.file, info_config.overrides);
    fmt::print("shoprl {}\n{}\nrun.device '{}' resolves to: {}\n", kVersion, torch_build_summary(),
               loaded.config.run.device, resolve_device(loaded.config.run.device));
  });

  init_logging("info");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message; --help and --version come here too, with status 0. Every
    // other parse error is a usage error, whatever CLI11's own numbering (docs/cli.md).
    return app.exit(e) == 0 ? 0 : static_cast<int>(ExitCode::kUsage);
  } catch (const Error& e) {
    std::fprintf(stderr, "shoprl: error: %s\n", e.what());
    return static_cast<int>(e.exit_code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "shoprl: internal error: %s\n", e.what());
    return static_cast<int>(ExitCode::kInternal);
  }
  return 0;
}
