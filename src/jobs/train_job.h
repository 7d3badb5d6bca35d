// One training run from a loaded config: the work behind `shoprl train` and the training step
// of `shoprl quickstart` (setup, agent, loop, final evaluation).
#pragma once

#include <filesystem>
#include <string>

#include "core/run_folder.h"
#include "jobs/app_config.h"

namespace shoprl {

struct TrainJobResult {
  std::filesystem::path run_dir;
  std::string evaluation_markdown;  // evaluation.md, also printed by the callers
  double training_seconds = 0;      // setup and the training loop
  double evaluation_seconds = 0;    // the final evaluation
  int rank = 0;                     // in a data-parallel job: this process's rank (only rank 0
  int world_size = 1;               // writes the run and evaluates: the others' markdown is empty)
};

// `mode`: a new run, --overwrite, or kResume to continue the run directory's checkpoint
// (agent/trainer.h). Every check (inputs, agent, checkpoint, run folder) comes before the run
// folder is touched. InterruptedError (exit status 130) when SIGINT/SIGTERM stopped the run
// after checkpointing. With RANK and WORLD_SIZE set the process joins a data-parallel job as
// that rank (docs/training.md); DistributedError (exit 6) when the job cannot form or loses a
// rank.
TrainJobResult run_train_job(const LoadedConfig& loaded, RunFolderMode mode);

}  // namespace shoprl
