// `shoprl config show|reference`: the resolved config of a file plus overrides, and the
// generated reference of every key.
#include <fmt/format.h>

#include "app/commands.h"
#include "core/atomic_file.h"
#include "jobs/app_config.h"

namespace shoprl {

void add_config_options(CLI::App& command, ConfigOptions& options) {
  // Checked when loaded: a missing file is an I/O error (exit 5) like any other (docs/cli.md).
  command.add_option("-c,--config", options.file, "YAML config file (may `extends` another)");
  command.add_option("--set", options.overrides, "Override a key: section.key=value (repeatable)")
      ->allow_extra_args(false);
}

void add_config_commands(CLI::App& app, const GlobalOptions& /*global*/) {
  CLI::App* config = app.add_subcommand("config", "Inspect configuration");
  config->require_subcommand(1);

  auto show_options = std::make_shared<ConfigOptions>();
  CLI::App* show = config->add_subcommand("show", "Print the fully resolved config");
  add_config_options(*show, *show_options);
  show->callback([show_options] {
    fmt::print("{}", load_app_config(show_options->file, show_options->overrides).resolved_yaml);
  });

  auto output = std::make_shared<std::string>();
  CLI::App* reference =
      config->add_subcommand("reference", "Print (or write) the Markdown reference of every key");
  reference->add_option("-o,--output", *output, "Write to this file instead of stdout");
  reference->callback([output] {
    const std::string text = config_reference_markdown();
    if (output->empty()) {
      fmt::print("{}", text);
    } else {
      write_file_atomic(*output, text);
    }
  });
}

}  // namespace shoprl
