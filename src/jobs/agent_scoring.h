// A trained agent seen as a scoring policy, the way the training run's final evaluation and
// `shoprl evaluate` of a checkpoint both judge it: item scores without gradient, read from as
// much of each session's history as the policy or the environment keeps.
#pragma once

#include <torch/torch.h>

#include <algorithm>

#include "agent/agent.h"
#include "jobs/app_config.h"
#include "policy/network_slate_policy.h"

namespace shoprl {

// `agent` must outlive the returned function.
inline ScoringFunction agent_scoring_function(Agent& agent) {
  return [&agent](const SessionBatch& batch) {
    torch::NoGradGuard no_grad;
    return agent.policy_scores(batch);
  };
}

// Events before a logged slate given to the scorer, for the config the agent trained with.
inline int scoring_history_length(const AppConfig& training) {
  return std::max(training.policy.history_length, training.env.history_length);
}

}  // namespace shoprl
