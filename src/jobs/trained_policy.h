// A policy trained by `shoprl train`, read back from its checkpoint so that it can be judged
// again later (`shoprl evaluate` with evaluate.policy.kind: checkpoint). The agent is rebuilt
// from the config the checkpoint recorded, on the inputs it trained on (prepare_training), and
// its state is loaded: its scores and slate rule are exactly those of the run that wrote it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "agent/agent.h"
#include "jobs/app_config.h"
#include "jobs/training_setup.h"

namespace shoprl {

struct TrainedPolicy {
  std::filesystem::path folder;  // the checkpoint folder that was read
  LoadedConfig training;         // the training run's config, as recorded in the checkpoint
  std::int64_t iterations = 0;   // iterations trained before the checkpoint
  TrainingSetup setup;           // what the agent was built from; outlives nothing it points to
  std::unique_ptr<Agent> agent;
};

// `path`: a run directory (its checkpoint/ is read) or a checkpoint folder. IoError naming the
// path when neither holds a checkpoint; ConfigError naming state.json when the recorded config
// does not load in this build or the inputs it names (train.store, train.simulator) are gone.
TrainedPolicy load_trained_policy(const std::filesystem::path& path, const std::string& device);

}  // namespace shoprl
