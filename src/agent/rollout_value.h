// The value of an agent's trained policy by rollouts in an environment (the true world, or the
// simulator it trained in): the mean return of independent first sessions with its standard
// error, as env/policy_value.h measures the built-in policies, so the columns compare.
#pragma once

#include <cstdint>
#include <string>

#include "agent/agent.h"
#include "env/batch_env.h"

namespace shoprl {

struct RolloutValue {
  double value = 0;      // mean return per session
  double std_error = 0;  // of value
  double click_through = 0;
  double conversion = 0;
  double mean_length = 0;
  std::int64_t sessions = 0;
};

// Runs `sessions` first sessions in batches of at most `batch_size`, acting with the agent's
// policy_scores() and evaluation_rule(). Deterministic in `seed` (the torch generator is
// reseeded per batch for rules that sample).
RolloutValue rollout_value(Agent& agent, BatchEnv& env, std::int64_t sessions,
                           std::int64_t batch_size, std::uint64_t seed,
                           const torch::Device& device);

}  // namespace shoprl
