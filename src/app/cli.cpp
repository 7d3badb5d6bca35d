// The command line (cli.h).
#include "app/cli.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>

#include "app/commands.h"
#include "core/allocator_tuning.h"
#include "core/edit_distance.h"
#include "core/error.h"
#include "core/interrupts.h"
#include "core/logging.h"
#include "core/version.h"

namespace shoprl {
namespace {

// "shoprl data improt": the first word that is not a command of its command group, with the
// nearest command, so that the message can say "did you mean 'import'?". Command groups take no
// options with values, so every word that does not start with '-' is a command name until a
// command without subcommands is reached. "" when the command line names commands correctly.
std::string unknown_command_message(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  std::string path = "shoprl";
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') continue;
    const std::vector<CLI::App*> commands =
        current->get_subcommands([](CLI::App*) { return true; });
    if (commands.empty()) return "";
    std::vector<std::string> names;
    for (CLI::App* command : commands) {
      if (command->get_name() == word) {
        current = command;
        path += " " + word;
        names.clear();
        break;
      }
      names.push_back(command->get_name());
    }
    if (names.empty()) continue;  // found: descend
    std::string message = fmt::format("unknown command '{}' for '{}'", word, path);
    if (const std::string guess = nearest_match(word, names); !guess.empty()) {
      message += fmt::format("; did you mean '{}'?", guess);
    } else {
      message += fmt::format(" (commands: {})", fmt::join(names, ", "));
    }
    return message;
  }
  return "";
}

}  // namespace

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
  // Options of the top level (-q) are understood after a subcommand too ("data stats -q x.h5").
  app.fallthrough();

  add_data_commands(app, global);
  add_torch_command(app, "quickstart", global);
  add_evaluate_command(app, global);
  add_config_commands(app, global);
  CLI::App* bench = add_bench_commands(app, global);
  add_torch_command(*bench, "train", global);
  add_torch_command(*bench, "serve", global);
  add_ope_command(app, global);
  add_torch_command(app, "sim", global);
  add_torch_command(app, "train", global);
  add_torch_command(app, "export", global);
  add_torch_command(app, "serve", global);
  add_torch_command(app, "traffic", global);
  add_torch_command(app, "promote", global);
  add_torch_command(app, "info", global);

  init_logging("info");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version come here too, with status 0: CLI11 prints them. Every other parse
    // error is a usage error, one line like every other error (docs/cli.md).
    if (e.get_exit_code() == 0) return app.exit(e);
    std::string message = unknown_command_message(app, argc, argv);
    if (message.empty()) message = std::string(e.what()) + " (see --help)";
    std::fprintf(stderr, "shoprl: error: %s\n", message.c_str());
    return static_cast<int>(ExitCode::kUsage);
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
