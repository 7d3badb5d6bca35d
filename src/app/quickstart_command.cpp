// `shoprl quickstart`: the README's main job, the whole loop on the embedded default
// (configs/quickstart.yaml), in one run directory:
//   1. generate logs in the synthetic world (sessions.h5, with the world's truth);
//   2. fit the user simulator on them (simulator/);
//   3. train the agent in the simulator (agent/: metrics, checkpoint);
//   4. evaluate the trained policy: rollouts in the true world beside the oracle and the
//      reference policies, off-policy estimates on the held-out logs, ranking metrics
//      (agent/evaluation.md, agent/report/index.html).
// Like every job it refuses a run folder that already holds files unless --overwrite
// (core/run_folder.h; tools/quickstart.sh passes it). Without --config it runs
// configs/quickstart.yaml as compiled into the program (embedded_configs.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "agent/trainer.h"
#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/embedded_configs.h"
#include "app/overwrite_flag.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/seconds_since.h"
#include "core/torch/device.h"
#include "data/session_store_io.h"
#include "data/store_stats.h"
#include "env/log_synthesis.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"
#include "jobs/train_job.h"
#include "jobs/training_setup.h"
#include "sim/fitted_simulator.h"
#include "sim/simulator_fit.h"

namespace shoprl {

namespace {

// A bare `shoprl quickstart` runs the embedded configs/quickstart.yaml; --config names another.
LoadedConfig load_quickstart_config(const ConfigOptions& options,
                                    const std::vector<std::string>& overrides) {
  return options.file.empty()
             ? load_embedded_app_config(quickstart_config(), overrides, "quickstart")
             : load_app_config(options.file, overrides, "quickstart");
}

}  // namespace

void add_quickstart_command(CLI::App& app, const GlobalOptions& global) {
  struct QuickstartOptions {
    ConfigOptions config;
    bool overwrite = false;
  };
  auto options = std::make_shared<QuickstartOptions>();
  CLI::App* quickstart = app.add_subcommand("quickstart", torch_command_summary("", "quickstart"));
  add_config_options(*quickstart, options->config);
  add_overwrite_flag(*quickstart, options->overwrite);
  quickstart->callback([options, &global] {
    const auto start = std::chrono::steady_clock::now();
    // Its training step would join a data-parallel job as one rank while every process of it
    // wrote the same logs and simulator: the whole quickstart is one process's job.
    if (std::getenv("RANK") != nullptr || std::getenv("WORLD_SIZE") != nullptr)
      throw DistributedError(
          "quickstart runs in one process, but RANK or WORLD_SIZE is set: unset them (a "
          "data-parallel job is `shoprl train`, docs/training.md \"More than one machine\")");
    const LoadedConfig loaded = load_quickstart_config(options->config, options->config.overrides);
    apply_logging(loaded.config, global.quiet);
    const RunFolderMode mode = run_folder_mode(options->overwrite);
    check_run_folder(run_directory(loaded.config), mode);
    // The training step's config, checked now rather than at step 3.
    std::vector<std::string> overrides = options->config.overrides;
    const std::filesystem::path run_dir = run_directory(loaded.config);
    const std::filesystem::path store_path = run_dir / "sessions.h5";
    const std::filesystem::path simulator_dir = run_dir / "simulator";
    for (const std::string& set :
         {std::string("train.environment=simulator"), "train.simulator=" + simulator_dir.string(),
          "train.store=" + store_path.string(), "run.output_dir=" + run_dir.string(),
          std::string("run.name=agent")})
      overrides.push_back(set);
    const LoadedConfig training = load_quickstart_config(options->config, overrides);
    check_training_config(training.config);

    RunContext run = open_run(loaded, mode);

    spdlog::info("1/4 generating logs in the synthetic world ({} policy)",
                 loaded.config.logging_policy.kind);
    auto stage_start = std::chrono::steady_clock::now();
    const SynthesizedLogs logs = run_synthesis(loaded);
    write_session_store(logs.store, store_path, &logs.truth);
    const StoreStats stats = compute_store_stats(read_session_store(store_path));
    write_file_atomic(run.dir / "stats.json", store_stats_json(stats));
    fmt::print("{}\n{}\n", store_stats_text(stats), policy_values_table(logs.truth));
    const double logs_seconds = seconds_since(stage_start);

    spdlog::info("2/4 fitting the user simulator");
    stage_start = std::chrono::steady_clock::now();
    const std::string device = resolve_device(loaded.config.run.device);
    const FittedSimulator simulator =
        fit_simulator(loaded.config.sim, logs.store, store_path.string(),
                      loaded.config.env.slate_size, run.seed, device);
    save_simulator(simulator, simulator_dir);
    const double simulator_seconds = seconds_since(stage_start);

    spdlog::info("3/4 training agent {} in the simulator", loaded.config.agent.kind);
    const TrainJobResult result = run_train_job(training, RunFolderMode::kNew);
    run.finish();
    spdlog::info("4/4 evaluated: true world, off-policy on the held-out logs, ranking");

    fmt::print("{}\n", result.evaluation_markdown);
    fmt::print(
        "Run directory: {} ({:.1f} min, seed {})\n"
        "  sessions.h5             logs with impressions; the world's truth in /truth\n"
        "  simulator/              the fitted user simulator\n"
        "  agent/metrics.jsonl     training curves, one line per iteration\n"
        "  agent/checkpoint/       the trained agent\n"
        "  agent/evaluation.md     the evaluation above (also evaluation.json)\n"
        "  agent/report/index.html off-policy evaluation report on the held-out logs\n"
        "Stages: 1 logs {:.0f} s, 2 simulator {:.0f} s, 3 training {:.0f} s, 4 evaluation {:.0f} "
        "s\n",
        run.dir.string(), seconds_since(start) / 60.0, run.seed, logs_seconds, simulator_seconds,
        result.training_seconds, result.evaluation_seconds);
  });
}

}  // namespace shoprl
