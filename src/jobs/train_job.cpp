// One training run (train_job.h).
#include "jobs/train_job.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <set>

#include "agent/agent_factory.h"
#include "agent/checkpoint.h"
#include "agent/trainer.h"
#include "core/interrupted_error.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "core/torch/device.h"
#include "jobs/config_paths.h"
#include "jobs/run_context.h"
#include "jobs/train_evaluation.h"
#include "jobs/training_setup.h"

namespace shoprl {

namespace {

// Keys that may change when a run is resumed: how long it runs, how it reports, where it lives,
// and how many threads step the environment (results do not depend on threads).
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

// train.init_from: the weights and optimizer state of another run's checkpoint, checked before
// the run folder is touched. ConfigError naming the key for another agent kind; the
// checkpoint's own Error naming the parameter for another catalogue or network shape.
void start_from_checkpoint(Agent& agent, const LoadedConfig& loaded, const std::string& path) {
  require_input(loaded, "train.init_from", path, InputKind::kFolder,
                "`shoprl train` (its run folder, or its checkpoint/)");
  const std::filesystem::path folder = find_checkpoint(path);
  const CheckpointReader reader(folder);
  const std::string kind = reader.meta().value("agent", std::string());
  if (kind != agent.kind())
    throw ConfigError(fmt::format("train.init_from ({}): {} holds a '{}' agent; agent.kind is '{}'",
                                  loaded.origin_of("train.init_from"), folder.string(), kind,
                                  agent.kind()));
  agent.load(reader);
  spdlog::info("starting from {} (iteration {} of its run)", folder.string(),
               reader.meta().value("iteration", std::int64_t{0}));
}

}  // namespace

TrainJobResult run_train_job(const LoadedConfig& loaded, RunFolderMode mode) {
  const bool resume = mode == RunFolderMode::kResume;
  const auto start = std::chrono::steady_clock::now();
  const AppConfig& config = loaded.config;
  check_training_config(config);
  if (!config.train.store.empty()) require_session_store(loaded, "train.store", config.train.store);
  if (config.train.environment == "simulator" && !learns_from_logs(config.agent.kind))
    require_simulator(loaded, "train.simulator", config.train.simulator);
  const std::string device = resolve_device(config.run.device);
  TrainingSetup setup = prepare_training(config, device);
  // The networks' initial weights come from torch's global generator: seeded, so that the same
  // seed trains the same agent.
  torch::manual_seed(derive_seed(config.run.seed, 0x696e6974ULL));  // "init"
  std::unique_ptr<Agent> agent = make_agent(config.agent, config.policy, setup.inputs);

  TrainerOptions trainer;
  trainer.run_dir = std::filesystem::path(config.run.output_dir) / config.run.name;
  trainer.seed = config.run.seed;
  trainer.iterations = config.train.iterations;
  trainer.checkpoint_every = config.train.checkpoint_every;
  trainer.eval_every = config.train.eval_every;
  trainer.resume = resume;
  trainer.config = flatten_config(config);
  trainer.resumable_keys = resumable_keys();
  trainer.data_hash = setup.data_hash;
  // Checked before open_run() rewrites config.yaml: a refused run changes nothing.
  check_run_folder(trainer.run_dir, mode,
                   fmt::format("`shoprl train --resume {}`", trainer.run_dir.string()));
  if (resume) check_checkpoint(checkpoint_folder(trainer.run_dir), trainer, *agent);
  // A resumed run restores its own checkpoint, which already holds what it started from.
  if (!resume && !config.train.init_from.empty())
    start_from_checkpoint(*agent, loaded, config.train.init_from);
  RunContext run = open_run(loaded, mode, checkpoint_folder(trainer.run_dir).filename().string());
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
  TrainJobResult result;
  result.run_dir = run.dir;
  result.training_seconds = seconds_since(start);
  spdlog::info("final evaluation");
  const auto evaluation_start = std::chrono::steady_clock::now();
  result.evaluation_markdown = evaluator.final_report(*agent, run.dir);
  result.evaluation_seconds = seconds_since(evaluation_start);
  run.finish();
  return result;
}

}  // namespace shoprl
