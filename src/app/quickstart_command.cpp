// `shoprl quickstart`: the README's main job, the whole loop on the embedded default
// (configs/quickstart.yaml), in one run directory:
//   1. generate logs in the synthetic world (sessions.h5, with the world's truth);
//   2. fit the user simulator on them (simulator/);
//   3. train the agent in the simulator (agent/: metrics, checkpoint);
//   4. evaluate the trained policy: rollouts in the true world beside the oracle and the
//      reference policies, off-policy estimates on the held-out logs, ranking metrics
//      (agent/evaluation.md, agent/report/index.html).
// Every step is deterministic in run.seed, so the quickstart regenerates its folder: the agent's
// previous checkpoint there is replaced (a run worth keeping belongs in `shoprl train`).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>

#include "agent/trainer.h"
#include "app/app_config.h"
#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/run_context.h"
#include "app/train_job.h"
#include "core/atomic_file.h"
#include "core/seconds_since.h"
#include "core/torch/device.h"
#include "data/session_store_io.h"
#include "data/store_stats.h"
#include "env/log_synthesis.h"
#include "sim/fitted_simulator.h"
#include "sim/simulator_fit.h"

namespace shoprl {

void add_quickstart_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<ConfigOptions>();
  CLI::App* quickstart = app.add_subcommand("quickstart", torch_command_summary("", "quickstart"));
  add_config_options(*quickstart, *options);
  quickstart->callback([options, &global] {
    const auto start = std::chrono::steady_clock::now();
    const LoadedConfig loaded = load_app_config(options->file, options->overrides);
    apply_logging(loaded.config, global.quiet);
    const RunContext run = open_run(loaded);
    const std::filesystem::path store_path = run.dir / "sessions.h5";
    const std::filesystem::path simulator_dir = run.dir / "simulator";
    const std::filesystem::path agent_dir = run.dir / "agent";

    spdlog::info("1/4 generating logs in the synthetic world ({} policy)",
                 loaded.config.logging_policy.kind);
    const SynthesizedLogs logs = run_synthesis(loaded);
    write_session_store(logs.store, store_path, &logs.truth);
    const StoreStats stats = compute_store_stats(read_session_store(store_path));
    write_file_atomic(run.dir / "stats.json", store_stats_json(stats));
    fmt::print("{}\n{}\n", store_stats_text(stats), policy_values_table(logs.truth));

    spdlog::info("2/4 fitting the user simulator");
    const std::string device = resolve_device(loaded.config.run.device);
    const FittedSimulator simulator =
        fit_simulator(loaded.config.sim, logs.store, store_path.string(),
                      loaded.config.env.slate_size, run.seed, device);
    save_simulator(simulator, simulator_dir);

    spdlog::info("3/4 training agent {} in the simulator", loaded.config.agent.kind);
    std::vector<std::string> overrides = options->overrides;
    for (const std::string& set :
         {std::string("train.environment=simulator"), "train.simulator=" + simulator_dir.string(),
          "train.store=" + store_path.string(), "run.output_dir=" + run.dir.string(),
          std::string("run.name=agent")})
      overrides.push_back(set);
    const LoadedConfig training = load_app_config(options->file, overrides);
    std::error_code ignored;  // absent on a first run
    std::filesystem::remove_all(checkpoint_folder(agent_dir), ignored);
    const TrainJobResult result = run_train_job(training, /*resume=*/false);
    spdlog::info("4/4 evaluated: true world, off-policy on the held-out logs, ranking");

    fmt::print("{}\n", result.evaluation_markdown);
    fmt::print(
        "Run directory: {} ({:.1f} min, seed {})\n"
        "  sessions.h5             logs with impressions; the world's truth in /truth\n"
        "  simulator/              the fitted user simulator\n"
        "  agent/metrics.jsonl     training curves, one line per iteration\n"
        "  agent/checkpoint/       the trained agent\n"
        "  agent/evaluation.md     the evaluation above (also evaluation.json)\n"
        "  agent/report/index.html off-policy evaluation report on the held-out logs\n",
        run.dir.string(), seconds_since(start) / 60.0, run.seed);
  });
}

}  // namespace shoprl
