// shoprl-torch's half of the command line (torch_parts.h): the LibTorch commands and what the
// shared commands need of LibTorch.
#include "app/torch_parts.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/hand_over.h"
#include "app/learned_env_bench.h"
#include "core/error.h"
#include "core/torch/device.h"
#include "core/version.h"
#include "eval/torch/mlp_reward_model.h"
#include "jobs/app_config.h"
#include "jobs/checkpoint_evaluation.h"

namespace shoprl {
namespace {

// Every LibTorch command but the serving ones, which live in shoprl-serve.
bool has_command(const std::string& parent, const std::string& name) {
  return helper_for_command(parent, name) == HelperProgram::kTorch;
}

void add_command(CLI::App& parent, const std::string& name, const GlobalOptions& global) {
  const bool top_level = parent.get_parent() == nullptr;
  if (top_level && name == "quickstart") return add_quickstart_command(parent, global);
  if (top_level && name == "sim") return static_cast<void>(add_sim_commands(parent, global));
  if (top_level && name == "train") return add_train_command(parent, global);
  if (top_level && name == "info") return add_info_command(parent, global);
  if (top_level && name == "export") return add_export_command(parent, global);
  if (!top_level && parent.get_name() == "bench" && name == "train")
    return add_train_bench_command(parent, global);
  throw Error("no LibTorch command '" + name + "' in shoprl-torch (app/torch_parts.cpp)");
}

}  // namespace

void add_info_command(CLI::App& app, const GlobalOptions& /*global*/) {
  auto options = std::make_shared<ConfigOptions>();
  CLI::App* info = app.add_subcommand("info", torch_command_summary("", "info"));
  add_config_options(*info, *options);
  info->callback([options] {
    const LoadedConfig loaded = load_app_config(options->file, options->overrides);
    fmt::print("shoprl {}\n{}\nrun.device '{}' resolves to: {}\n", kVersion, torch_build_summary(),
               loaded.config.run.device, resolve_device(loaded.config.run.device));
  });
}

const TorchParts& torch_parts() {
  static const TorchParts parts{has_command, add_command, train_mlp_reward_model,
                                evaluate_trained_policy_on_logs, run_learned_env_bench};
  return parts;
}

}  // namespace shoprl
