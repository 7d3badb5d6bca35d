// The training loop every agent shares: iterations, metrics.jsonl, checkpoints (every N
// iterations, at the end, and on SIGINT/SIGTERM), exact resume, progress, and periodic
// evaluation. The agent does the learning (agent.h); this file owns the run directory.
//
// Exactness: before iteration t the loop reseeds torch's global generator from (seed, t); the
// agent's other randomness is a function of (seed, t) as well (agent.h). A checkpoint taken
// after iteration t - 1 therefore holds everything iteration t reads, and a resumed run writes
// the same metrics.jsonl lines as an uninterrupted one, bit for bit on CPU
// (tests/agent/trainer_resume_test.cpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "agent/agent.h"
#include "agent/data_parallel.h"

namespace shoprl {

struct TrainerOptions {
  std::filesystem::path run_dir;
  std::uint64_t seed = 0;
  std::int64_t iterations = 0;
  std::int64_t checkpoint_every = 0;  // 0: at the end and on a signal only
  std::int64_t eval_every = 0;        // 0: no evaluation during training
  bool resume = false;
  // The resolved config as dotted key -> value: saved in the checkpoint and compared on resume.
  std::map<std::string, std::string> config;
  // Keys that may differ on resume (e.g. train.iterations, to extend a run).
  std::set<std::string> resumable_keys;
  // A digest of what the agent learns from (logs, world, simulator); must match on resume.
  std::string data_hash;
  // The data-parallel job this run is one rank of (data_parallel.h), or null. Every rank runs
  // the loop; rank 0 alone writes metrics.jsonl and checkpoints and evaluates. A checkpoint
  // records the job's world size, and a resume with another one is refused.
  DataParallel* parallel = nullptr;
};

// Metrics of an evaluation after iteration `iteration`, appended to that iteration's line.
using Evaluator = std::function<IterationMetrics(Agent& agent, std::int64_t iteration)>;

struct TrainingOutcome {
  std::int64_t first_iteration = 0;  // where this invocation started (0, or the resume point)
  std::int64_t iterations_done = 0;  // the next iteration to run
  bool interrupted = false;          // stopped by SIGINT/SIGTERM (after checkpointing)
};

// Runs iterations [start, options.iterations). A fresh run refuses a run directory that
// already holds a checkpoint (ConfigError suggesting --resume), so no work is overwritten. In a
// job every rank calls it; only rank 0 touches the run directory.
TrainingOutcome run_training(Agent& agent, const TrainerOptions& options,
                             const Evaluator& evaluate);

// The folder of a run's latest checkpoint.
std::filesystem::path checkpoint_folder(const std::filesystem::path& run_dir);

// `path` when it is a checkpoint folder (holds state.json), else its checkpoint_folder(); IoError
// naming both when neither holds a checkpoint.
std::filesystem::path find_checkpoint(const std::filesystem::path& path);

// The torch seed of iteration t (also what tests use to replay an iteration).
std::uint64_t iteration_torch_seed(std::uint64_t seed, std::int64_t iteration);

// ConfigError naming every key of `options.config` (outside resumable_keys) that differs from
// the checkpoint's, a changed data hash or seed, or another agent kind; IoError when `folder`
// is not a checkpoint.
void check_checkpoint(const std::filesystem::path& folder, const TrainerOptions& options,
                      const Agent& agent);

// check_checkpoint(), then loads the agent's state; returns the next iteration. In a job every
// rank calls it with rank 0's folder: rank 0 sends the others what they need (job_training.h).
std::int64_t restore_checkpoint(Agent& agent, const std::filesystem::path& folder,
                                const TrainerOptions& options);

}  // namespace shoprl
