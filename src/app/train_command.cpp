// `shoprl train`: trains the configured agent in a run directory (metrics.jsonl, checkpoints,
// evaluation during training), then evaluates the trained policy (train_evaluation.h).
// `--resume runs/X` continues a run from its checkpoint exactly (agent/trainer.h).
#include <fmt/format.h>

#include <memory>
#include <optional>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/overwrite_flag.h"
#include "core/distributed_launch.h"
#include "core/error.h"
#include "jobs/app_config.h"
#include "jobs/run_context.h"
#include "jobs/train_job.h"

namespace shoprl {

void add_train_command(CLI::App& app, const GlobalOptions& global) {
  struct TrainOptions {
    ConfigOptions config;
    std::string resume;
    bool overwrite = false;
  };
  auto options = std::make_shared<TrainOptions>();
  CLI::App* train = app.add_subcommand("train", torch_command_summary("", "train"));
  add_config_options(*train, options->config);
  train->add_option("--resume", options->resume,
                    "Continue the run in this folder from its checkpoint (its config.yaml unless "
                    "--config is given; --set train.iterations=N extends it)");
  add_overwrite_flag(*train, options->overwrite);
  train->callback([options, &global] {
    std::string file = options->config.file;
    std::vector<std::string> overrides = options->config.overrides;
    if (!options->resume.empty()) {
      // A job's other ranks need not see the run folder (rank 0 sends them its checkpoint),
      // only the run's config.
      const std::optional<LaunchEnvironment> launch = launch_environment_from_process();
      const bool other_rank = launch && launch->rank != 0;
      if (!std::filesystem::is_directory(options->resume) && !(other_rank && !file.empty()))
        throw IoError(fmt::format(
            "--resume {}: no such run folder{}", options->resume,
            other_rank ? " here; on a rank other than 0 give the run's config.yaml with --config"
                       : ""));
      std::filesystem::path dir = std::filesystem::path(options->resume).lexically_normal();
      if (!dir.has_filename()) dir = dir.parent_path();  // "runs/X/"
      if (file.empty()) file = (dir / "config.yaml").string();
      // The run directory is the one resumed, whatever the config names.
      overrides.push_back("run.output_dir=" + dir.parent_path().string());
      overrides.push_back("run.name=" + dir.filename().string());
    }
    const LoadedConfig loaded = load_app_config(file, overrides, "train");
    apply_logging(loaded.config, global.quiet);
    warn_unused_sections(
        loaded, "train",
        {"world", "env", "sim", "policy", "agent", "train", "ope", "reward_model", "distributed"});
    if (!options->resume.empty() && options->overwrite)
      throw ConfigError("--resume and --overwrite: continue a run or replace it, not both");
    const TrainJobResult result =
        run_train_job(loaded, options->resume.empty() ? run_folder_mode(options->overwrite)
                                                      : RunFolderMode::kResume);
    if (result.rank != 0) {
      fmt::print("rank {} of {}: done; rank 0 evaluated and wrote {}\n", result.rank,
                 result.world_size, result.run_dir.string());
      return;
    }
    fmt::print(
        "{}\nRun directory: {}\n  config.yaml     resolved config (seed {})\n"
        "  metrics.jsonl   one line per iteration\n  checkpoint/     the trained agent "
        "(resume with --resume)\n  evaluation.md   the evaluation above (also .json)\n",
        result.evaluation_markdown, result.run_dir.string(), loaded.config.run.seed);
  });
}

}  // namespace shoprl
