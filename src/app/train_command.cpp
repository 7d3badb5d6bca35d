// `shoprl train`: trains the configured agent in a run directory (metrics.jsonl, checkpoints,
// evaluation during training), then evaluates the trained policy (train_evaluation.h).
// `--resume runs/X` continues a run from its checkpoint exactly (agent/trainer.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <memory>

#include "agent/agent_factory.h"
#include "agent/trainer.h"
#include "app/app_config.h"
#include "app/commands.h"
#include "app/run_context.h"
#include "app/train_evaluation.h"
#include "app/training_setup.h"
#include "core/error.h"
#include "core/interrupted_error.h"
#include "core/torch/device.h"

namespace shoprl {

namespace {

struct TrainOptions {
  ConfigOptions config;
  std::string resume;
};

// Keys that may change when a run is resumed: how long it runs, how it reports, and how many
// threads step the environment (results do not depend on threads).
const std::set<std::string>& resumable_keys() {
  static const std::set<std::string> keys = {"train.iterations",
                                             "train.checkpoint_every",
                                             "train.eval_every",
                                             "train.eval_sessions",
                                             "train.final_eval_sessions",
                                             "run.log_level",
                                             "env.threads",
                                             "run.name",
                                             "run.output_dir"};
  return keys;
}

}  // namespace

void add_train_command(CLI::App& app, const GlobalOptions& global) {
  auto options = std::make_shared<TrainOptions>();
  CLI::App* train = app.add_subcommand(
      "train", "Train an agent (DQN, SlateQ, REINFORCE, A2C, top-K REINFORCE, SQN, SA2C)");
  add_config_options(*train, options->config);
  train
      ->add_option("--resume", options->resume,
                   "Continue the run in this folder from its checkpoint (its config.yaml unless "
                   "--config is given; --set train.iterations=N extends it)")
      ->check(CLI::ExistingDirectory);
  train->callback([options, &global] {
    std::string file = options->config.file;
    std::vector<std::string> overrides = options->config.overrides;
    if (!options->resume.empty()) {
      const std::filesystem::path dir(options->resume);
      if (file.empty()) file = (dir / "config.yaml").string();
      // The run directory is the one resumed, whatever the config names.
      overrides.push_back("run.output_dir=" + dir.parent_path().string());
      overrides.push_back("run.name=" + dir.filename().string());
    }
    const LoadedConfig loaded = load_app_config(file, overrides);
    const AppConfig& config = loaded.config;
    apply_logging(config, global.quiet);
    const std::string device = resolve_device(config.run.device);
    TrainingSetup setup = prepare_training(config, device);
    std::unique_ptr<Agent> agent = make_agent(config.agent, config.policy, setup.inputs);

    TrainerOptions trainer;
    trainer.run_dir = std::filesystem::path(config.run.output_dir) / config.run.name;
    trainer.seed = config.run.seed;
    trainer.iterations = config.train.iterations;
    trainer.checkpoint_every = config.train.checkpoint_every;
    trainer.eval_every = config.train.eval_every;
    trainer.resume = !options->resume.empty();
    trainer.config = flatten_config(config);
    trainer.resumable_keys = resumable_keys();
    trainer.data_hash = setup.data_hash;
    // Check before open_run() rewrites config.yaml: a refused resume changes nothing.
    if (trainer.resume) check_checkpoint(checkpoint_folder(trainer.run_dir), trainer, *agent);
    const RunContext run = open_run(loaded);
    spdlog::info("agent {} on {} ({} items, slate {}), {} iterations", config.agent.kind, device,
                 setup.inputs.num_items, config.env.slate_size, config.train.iterations);

    const TrainingEvaluator evaluator(config, setup);
    const TrainingOutcome outcome = run_training(
        *agent, trainer, [&](Agent& a, std::int64_t it) { return evaluator.during(a, it); });
    if (outcome.interrupted)
      throw InterruptedError(fmt::format(
          "training stopped after iteration {} (checkpoint saved); continue with: shoprl train "
          "--resume {}",
          outcome.iterations_done - 1, run.dir.string()));
    const std::string summary = evaluator.final_report(*agent, run.dir);
    fmt::print(
        "{}\nRun directory: {}\n  config.yaml     resolved config (seed {})\n"
        "  metrics.jsonl   one line per iteration\n  checkpoint/     the trained agent "
        "(resume with --resume)\n  evaluation.md   the evaluation above (also .json)\n",
        summary, run.dir.string(), run.seed);
  });
}

}  // namespace shoprl
