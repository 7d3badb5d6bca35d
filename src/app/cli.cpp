// The command line (cli.h).
#include "app/cli.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "app/commands.h"
#include "core/allocator_tuning.h"
#include "core/error.h"
#include "core/interrupts.h"
#include "core/logging.h"
#include "core/version.h"

namespace shoprl {

int run_cli(int argc, char** argv, const TorchParts* torch) {
  install_interrupt_handling();
  if (!keep_freed_memory_for_reuse())
    spdlog::warn("the C library refused the allocator settings; tensor-heavy steps run slower");
  CLI::App app{"shoprl: reinforcement-learning recommendation from logged shopping sessions",
               "shoprl"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("shoprl ") + kVersion);
  GlobalOptions global;
  global.command_line.assign(argv, argv + argc);
  global.torch = torch;
  app.add_flag("-q,--quiet", global.quiet, "No progress display; warnings and errors only");

  add_data_commands(app, global);
  add_torch_command(app, "quickstart", global);
  add_evaluate_command(app, global);
  add_config_commands(app, global);
  CLI::App* bench = add_bench_commands(app, global);
  add_torch_command(*bench, "train", global);
  add_ope_command(app, global);
  add_torch_command(app, "sim", global);
  add_torch_command(app, "train", global);
  add_torch_command(app, "info", global);

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

}  // namespace shoprl
