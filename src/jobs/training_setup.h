// What a training run is built from, assembled from the config: the true synthetic world (for
// evaluation, and for training when train.environment is world), the fitted simulator
// (train.environment: simulator), the logs (offline agents, topk_reinforce, and off-policy
// evaluation), the agent's inputs and the digest of the training data a checkpoint records.
#pragma once

#include <memory>
#include <string>

#include "agent/agent_inputs.h"
#include "data/session_store.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "jobs/app_config.h"
#include "sim/fitted_simulator.h"
#include "sim/learned_env.h"

namespace shoprl {

struct TrainingSetup {
  std::unique_ptr<SyntheticWorld> world;       // the true world (train.true_world)
  std::unique_ptr<SyntheticEnv> world_env;     // an environment over it
  std::unique_ptr<FittedSimulator> simulator;  // train.environment: simulator
  std::unique_ptr<LearnedEnv> simulator_env;
  std::unique_ptr<SessionStore> logs;  // train.store, when given
  AgentInputs inputs;
  std::string data_hash;

  // The true world's environment, or null when there is none (real logs).
  BatchEnv* evaluation_env() const { return world_env.get(); }
};

// The rules between config keys a training run relies on, checked without reading anything (the
// quickstart checks its training step's config this way before step 1): ConfigError naming the
// keys.
void check_training_config(const AppConfig& config);

// check_training_config, then the inputs. ConfigError naming the key for a missing or
// inconsistent input (no store for an offline
// agent, a simulator with another slate size, SlateQ with a non-MNL world, ...).
TrainingSetup prepare_training(const AppConfig& config, const std::string& device);

}  // namespace shoprl
