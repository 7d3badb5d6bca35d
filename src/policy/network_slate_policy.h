// A policy that scores the catalogue from the observed session history (a trained network, or
// any function of the history) and builds slates by a slate rule, as a SlatePolicy: so it
// acts in any BatchEnv (the synthetic world, the learned simulator), logs the propensities
// of slate_propensities.h, and monte_carlo_policy_value (env/policy_value.h) values it.
#pragma once

#include <torch/types.h>

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "env/policies/slate_policy.h"
#include "policy/policy_network.h"
#include "policy/slate_rule.h"

namespace shoprl {

// Scores [B, I] (any device, any floating type; higher is better) for a batch of histories.
// Called with gradients off. Must be a pure function of the batch (no state the order of calls
// could change), so that slates do not depend on how users are split into ranges.
using ScoringFunction = std::function<torch::Tensor(const SessionBatch&)>;

// The item head of a policy network as a scoring function: item_scores(encode(batch)) on
// `device`. The network must be in eval mode when it has dropout (Error otherwise: training-mode
// dropout would make the scores, and so the slates, random).
ScoringFunction item_head_scoring(PolicyNetwork network, torch::Device device = torch::kCPU);

// The history rows [begin, end) of env as a SessionBatch on the CPU (a copy): items and types
// [n, L] int64, right-padded with -1, lengths [n] int64.
SessionBatch session_batch_of(const BatchEnv& env, std::size_t begin, std::size_t end);

class NetworkSlatePolicy : public SlatePolicy {
 public:
  // `marginal_samples`: boltzmann only, Rao-Blackwellised prefixes per slate for the marginals
  // of slots > 0 (PolicyConfig::marginal_samples). ConfigError for a bad rule.
  NetworkSlatePolicy(ScoringFunction score, std::int64_t num_items, SlateRuleConfig rule,
                     int marginal_samples = 64, std::string name = "network");

  std::string name() const override { return name_; }
  const SlateRuleConfig& rule() const { return rule_; }

  // Scores users [begin, end) in one call. The scoring call is serialised by a mutex (act runs
  // on several threads at once in monte_carlo_policy_value and log synthesis, and a module's
  // forward need not be thread-safe); the slates and propensities, per user from
  // policy_stream(env, i, seed), are computed in parallel outside it.
  void act(const BatchEnv& env, std::size_t begin, std::size_t end, std::uint64_t seed,
           SlateDecision& out) const override;

  double slate_probability(const BatchEnv& env, std::size_t i,
                           const std::int32_t* slate) const override;

 private:
  // [end - begin, I] float32 CPU contiguous scores; Error naming the policy for a wrong shape
  // or NaN.
  torch::Tensor scores_of(const BatchEnv& env, std::size_t begin, std::size_t end) const;

  ScoringFunction score_;
  std::int64_t num_items_;
  SlateRuleConfig rule_;
  int marginal_samples_;
  std::string name_;
  mutable std::mutex score_mutex_;
};

}  // namespace shoprl
