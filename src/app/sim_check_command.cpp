// `shoprl sim check`: the ground-truth check. Logs from the synthetic world the config
// describes, a simulator fitted on them (saved to sim.directory), and the policies of
// sim_check valued in both worlds; the table is printed and written beside the simulator.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "app/commands.h"
#include "app/overwrite_flag.h"
#include "core/torch/device.h"
#include "jobs/app_config.h"
#include "jobs/exported_slate_policy.h"
#include "jobs/run_context.h"
#include "sim/ground_truth_check.h"

namespace shoprl {

void add_sim_check_command(CLI::App& sim, const GlobalOptions& global) {
  struct CheckOptions {
    ConfigOptions config;
    bool overwrite = false;
  };
  auto options = std::make_shared<CheckOptions>();
  CLI::App* check = sim.add_subcommand(
      "check",
      "Ground-truth check: fit a simulator on synthetic logs and compare policy values in the "
      "true and the learned world (sections world, env, logging_policy, synth, sim, sim_check)");
  add_config_options(*check, options->config);
  add_overwrite_flag(*check, options->overwrite);
  check->callback([options, &global] {
    const LoadedConfig loaded =
        load_app_config(options->config.file, options->config.overrides, "sim-check");
    const AppConfig& config = loaded.config;
    apply_logging(config, global.quiet);
    warn_unused_sections(loaded, "sim check",
                         {"world", "env", "logging_policy", "synth", "sim", "sim_check"});
    // Trained policies are loaded and checked against this world before anything is written.
    GroundTruthInputs inputs;
    for (std::size_t p = 0; p < config.sim_check.exported.size(); ++p) {
      const std::string& model = config.sim_check.exported[p];
      inputs.extra_policies.push_back(
          {"exported:" + model,
           exported_slate_policy(model, config.world.items, config.env.slate_size,
                                 fmt::format("sim_check.exported[{}]", p))});
    }
    const RunFolderMode mode = run_folder_mode(options->overwrite);
    check_run_folder(run_directory(config), mode);
    RunContext run = open_run(loaded, mode);
    inputs.world = config.world;
    inputs.env = config.env;
    inputs.logging_policy = config.logging_policy;
    inputs.synth = config.synth;
    inputs.sim = config.sim;
    inputs.check = config.sim_check;
    inputs.seed = config.run.seed;
    inputs.resolved_config_yaml = loaded.resolved_yaml;
    inputs.device = resolve_device(config.run.device);
    const GroundTruthResult result = run_ground_truth_check(inputs);
    run.finish();
    fmt::print("{}", ground_truth_table(result));
    spdlog::info(
        "wrote {}/ground_truth.json and ground_truth.md (fit {:.1f} s, evaluation {:.1f} s)",
        config.sim.directory, result.fit_seconds, result.evaluation_seconds);
  });
}

}  // namespace shoprl
