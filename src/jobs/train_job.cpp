// One training run (train_job.h).
#include "jobs/train_job.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <set>

#include "agent/agent_factory.h"
#include "agent/checkpoint.h"
#include "agent/trainer.h"
#include "core/distributed_launch.h"
#include "core/error.h"
#include "core/interrupted_error.h"
#include "core/seconds_since.h"
#include "core/seeding.h"
#include "core/text_digest.h"
#include "core/torch/device.h"
#include "distributed/data_parallel_job.h"
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
                                             "run.output_dir",
                                             "distributed.timeout_seconds",
                                             "distributed.bucket_mb"};
  return keys;
}

// What every rank of a job must agree on: the training data and the config (outside the keys
// that may differ, such as thread counts and where the run lives).
std::string job_fingerprint(const TrainerOptions& trainer) {
  std::string text = trainer.data_hash;
  for (const auto& [key, value] : trainer.config)
    if (!trainer.resumable_keys.count(key)) text += "\n" + key + "=" + value;
  return text_digest(text);
}

// The ranks agree to start: every rank publishes its fingerprint; rank 0 compares them and runs
// `root_checks` (the run folder and checkpoint, which only it touches), then tells the others
// to go on or why not. Without a job, just the checks.
void agree_to_start(DataParallel* parallel, const TrainerOptions& trainer,
                    const std::function<void()>& root_checks) {
  if (parallel == nullptr) return root_checks();
  const auto key = [](int rank) { return fmt::format("shoprl/start/fingerprint{}", rank); };
  parallel->publish(key(parallel->rank()), job_fingerprint(trainer));
  parallel->barrier();
  if (!is_root(parallel)) {
    parallel->barrier();  // rank 0 decided
    const std::string refusal = parallel->fetch("shoprl/start/refusal");
    if (!refusal.empty()) throw DistributedError("rank 0 refused to start the job: " + refusal);
    return;
  }
  std::string refusal;
  std::exception_ptr failure;
  const std::string own = job_fingerprint(trainer);
  for (int r = 1; r < parallel->world_size() && refusal.empty(); ++r)
    if (parallel->fetch(key(r)) != own)
      refusal = fmt::format(
          "rank {} has other training data or another config than rank 0 (every rank needs "
          "the same config and the same store, world or simulator at its own paths)",
          r);
  if (refusal.empty()) {
    try {
      root_checks();
    } catch (const std::exception& e) {
      refusal = e.what();
      failure = std::current_exception();
    }
  }
  parallel->publish("shoprl/start/refusal", refusal);
  parallel->barrier();
  if (failure) std::rethrow_exception(failure);
  if (!refusal.empty()) throw DistributedError(refusal);
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

TrainJobResult train_as_rank(const LoadedConfig& loaded, RunFolderMode mode,
                             DataParallel* parallel) {
  const bool resume = mode == RunFolderMode::kResume;
  const bool root = is_root(parallel);
  const auto start = std::chrono::steady_clock::now();
  const AppConfig& config = loaded.config;
  if (!config.train.store.empty()) require_session_store(loaded, "train.store", config.train.store);
  if (config.train.environment == "simulator" && !learns_from_logs(config.agent.kind))
    require_simulator(loaded, "train.simulator", config.train.simulator);
  const std::string device = resolve_device(config.run.device);
  if (parallel != nullptr && device != "cpu")
    spdlog::warn(
        "run.device {} in a data-parallel job: shoprl all-reduces over Gloo only (no NCCL "
        "backend is wired in), so each step's gradients go through host memory",
        device);
  TrainingSetup setup = prepare_training(config, device);
  setup.inputs.parallel = parallel;
  // The networks' initial weights come from torch's global generator: seeded, so that the same
  // seed trains the same agent (and every rank of a job builds the same one).
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
  trainer.parallel = parallel;
  // A resumed run restores its own checkpoint, which already holds what it started from. In a
  // job every rank reads train.init_from itself.
  if (!resume && !config.train.init_from.empty())
    start_from_checkpoint(*agent, loaded, config.train.init_from);
  // Checked before open_run() rewrites config.yaml: a refused run changes nothing. Only rank 0
  // of a job touches the run folder.
  agree_to_start(parallel, trainer, [&] {
    check_run_folder(trainer.run_dir, mode,
                     fmt::format("`shoprl train --resume {}`", trainer.run_dir.string()));
    if (resume) check_checkpoint(checkpoint_folder(trainer.run_dir), trainer, *agent);
  });
  std::optional<RunContext> run;
  std::optional<TrainingEvaluator> evaluator;
  if (root) {
    run.emplace(open_run(loaded, mode, checkpoint_folder(trainer.run_dir).filename().string()));
    evaluator.emplace(config, setup);
  }
  spdlog::info("agent {} on {} ({} items, slate {}), {} iterations{}", config.agent.kind, device,
               setup.inputs.num_items, config.env.slate_size, config.train.iterations,
               parallel == nullptr
                   ? std::string()
                   : fmt::format(", rank {} of {}", parallel->rank(), parallel->world_size()));

  const TrainingOutcome outcome = run_training(
      *agent, trainer, [&](Agent& a, std::int64_t it) { return evaluator->during(a, it); });
  if (outcome.interrupted)
    throw InterruptedError(fmt::format(
        "training stopped after iteration {} (checkpoint saved); continue with: shoprl train "
        "--resume {}",
        outcome.iterations_done - 1, trainer.run_dir.string()));
  TrainJobResult result;
  result.run_dir = trainer.run_dir;
  result.rank = rank_of(parallel);
  result.world_size = world_size(parallel);
  result.training_seconds = seconds_since(start);
  if (!root) return result;  // rank 0 evaluates and writes the run
  spdlog::info("final evaluation");
  const auto evaluation_start = std::chrono::steady_clock::now();
  result.evaluation_markdown = evaluator->final_report(*agent, run->dir);
  result.evaluation_seconds = seconds_since(evaluation_start);
  run->finish();
  return result;
}

}  // namespace

TrainJobResult run_train_job(const LoadedConfig& loaded, RunFolderMode mode) {
  const AppConfig& config = loaded.config;
  check_training_config(config);
  // RANK and WORLD_SIZE make this process one rank of a data-parallel job (docs/training.md).
  std::unique_ptr<DataParallel> parallel;
  if (const std::optional<LaunchEnvironment> launch = launch_environment_from_process())
    parallel = join_data_parallel_job(*launch, config.distributed);
  try {
    return train_as_rank(loaded, mode, parallel.get());
  } catch (const std::exception& e) {
    // The other ranks' error then says why this one stopped.
    if (parallel != nullptr) parallel->report_failure(e.what());
    throw;
  }
}

}  // namespace shoprl
