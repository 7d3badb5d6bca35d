// A small synthetic world for the agent tests, and the true value of a trained agent's policy
// in it: the mean return of fresh sessions (first session of each slot) with its standard
// error, next to the uniform policy's.
#pragma once

#include <torch/torch.h>

#include <cmath>
#include <cstdint>

#include "agent/agent.h"
#include "agent/rollout.h"
#include "core/seeding.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"
#include "policy/slate_sampling.h"

namespace shoprl::testing {

// The trainer's reseeding of torch before iteration `iteration` (agent.h's contract).
inline void reseed_torch(std::uint64_t seed, std::int64_t iteration) {
  torch::manual_seed(derive_seed(seed, 0x7261696eULL, static_cast<std::uint64_t>(iteration)));
}

struct SessionValue {
  double mean = 0;
  double std_error = 0;
};

// Mean and standard error of the per-session returns of a rollout.
inline SessionValue session_value(const Rollout& rollout) {
  const torch::Tensor returns =
      (rollout.rewards.to(torch::kFloat64) * rollout.active.to(torch::kFloat64)).sum(0);
  const double n = static_cast<double>(returns.size(0));
  return {returns.mean().item<double>(), returns.std().item<double>() / std::sqrt(n)};
}

// The agent's policy (its scores through its evaluation rule) over `users` fresh sessions.
inline SessionValue agent_value(Agent& agent, BatchEnv& env, std::uint64_t seed,
                                std::int64_t users) {
  torch::manual_seed(seed);
  const SlateRuleConfig rule = agent.evaluation_rule();
  const int k = env.slate_size();
  return session_value(
      collect_rollout(env, seed, users, [&](const SessionBatch& rows, const SlateNoise&) {
        const SampledSlates slates = sample_slates(agent.policy_scores(rows), k, rule);
        return RolloutAction{slates.items, slates.log_prob};
      }));
}

// Uniformly random slates over the same sessions.
inline SessionValue uniform_value(BatchEnv& env, std::uint64_t seed, std::int64_t users) {
  torch::manual_seed(seed);
  SlateRuleConfig rule;
  rule.rule = "boltzmann";
  const int k = env.slate_size();
  const std::int64_t items = env.num_items();
  return session_value(
      collect_rollout(env, seed, users, [&](const SessionBatch& rows, const SlateNoise&) {
        const SampledSlates slates = sample_slates(torch::zeros({rows.size(), items}), k, rule);
        return RolloutAction{slates.items, slates.log_prob};
      }));
}

}  // namespace shoprl::testing
