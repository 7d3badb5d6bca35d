// `shoprl train`: trains the configured agent in a run directory (metrics.jsonl, checkpoints,
// evaluation during training), then evaluates the trained policy (train_evaluation.h).
// `--resume runs/X` continues a run from its checkpoint exactly (agent/trainer.h).
#include <fmt/format.h>

#include <memory>

#include "app/command_summaries.h"
#include "app/commands.h"
#include "app/overwrite_flag.h"
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
      if (!std::filesystem::is_directory(options->resume))
        throw IoError(fmt::format("--resume {}: no such run folder", options->resume));
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
        {"world", "env", "sim", "policy", "agent", "train", "ope", "reward_model"});
    if (!options->resume.empty() && options->overwrite)
      throw ConfigError("--resume and --overwrite: continue a run or replace it, not both");
    const TrainJobResult result =
        run_train_job(loaded, options->resume.empty() ? run_folder_mode(options->overwrite)
                                                      : RunFolderMode::kResume);
    fmt::print(
        "{}\nRun directory: {}\n  config.yaml     resolved config (seed {})\n"
        "  metrics.jsonl   one line per iteration\n  checkpoint/     the trained agent "
        "(resume with --resume)\n  evaluation.md   the evaluation above (also .json)\n",
        result.evaluation_markdown, result.run_dir.string(), loaded.config.run.seed);
  });
}

}  // namespace shoprl
