// Settings of the DQN family (section agent.dqn): replay, target network, exploration and the
// n-step return shared by "dqn" and "slateq". Owned by agent/dqn_agent.*; docs/agents/dqn.md.
#pragma once

#include <cstdint>
#include <string>

#include "core/config_field.h"

namespace shoprl {

struct DqnConfig {
  std::int64_t replay_capacity = 100000;
  int batch_size = 256;
  int updates_per_iteration = 8;
  std::int64_t learning_starts = 1000;
  std::string target_update = "hard";
  int target_period = 5;
  double tau = 0.01;
  bool double_q = true;
  int n_step = 1;
  double epsilon_start = 1.0;
  double epsilon_end = 0.05;
  int epsilon_decay_iterations = 50;
  double choice_loss_weight = 1.0;
  bool checkpoint_replay = true;

  void visit(ConfigVisitor& v) {
    v.field("replay_capacity", replay_capacity,
            "Transitions the replay buffer holds; the oldest are overwritten", in_range(1, 1e9));
    v.field("batch_size", batch_size, "Transitions per gradient step", in_range(1, 1 << 20));
    v.field("updates_per_iteration", updates_per_iteration, "Gradient steps after each rollout",
            in_range(0, 1 << 20));
    v.field("learning_starts", learning_starts,
            "No gradient step until the replay buffer holds this many transitions", at_least(0));
    v.field("target_update", target_update,
            "hard (copy the online network every target_period iterations) or soft (Polyak "
            "averaging with tau after every gradient step)",
            one_of({"hard", "soft"}));
    v.field("target_period", target_period, "hard: iterations between target copies",
            in_range(1, 1 << 30));
    v.field("tau", tau, "soft: target <- (1 - tau) target + tau online", in_range(1e-6, 1));
    v.field("double_q", double_q,
            "Double DQN (van Hasselt et al. 2016): the online network chooses the bootstrap "
            "slate, the target network values it");
    v.field("n_step", n_step, "Steps of observed reward before bootstrapping", in_range(1, 64));
    v.field("epsilon_start", epsilon_start, "Chance of a uniform slate at iteration 0",
            in_range(0, 1));
    v.field("epsilon_end", epsilon_end, "Chance of a uniform slate after the decay",
            in_range(0, 1));
    v.field("epsilon_decay_iterations", epsilon_decay_iterations,
            "Iterations over which epsilon falls linearly from epsilon_start to epsilon_end "
            "(0: epsilon_end from the start)",
            in_range(0, 1 << 30));
    v.field("choice_loss_weight", choice_loss_weight,
            "slateq: weight of the choice model's negative log-likelihood beside the TD loss",
            at_least(0));
    v.field("checkpoint_replay", checkpoint_replay,
            "Write the replay buffer into checkpoints (needed for an exact resume; without it a "
            "resumed run refills the buffer and differs from an uninterrupted one)");
  }
};

}  // namespace shoprl
