// The DQN family as online agents: "dqn" (item-wise Q-learning, the slate is the top k of
// Q(s, i)) and "slateq" (SlateQ, Ie et al. 2019: Q(s, A) decomposed through the choice model).
// docs/agents/dqn.md describes both, their targets and every agent.dqn key.
#pragma once

#include <memory>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/agent_inputs.h"
#include "agent/q_learning_agent.h"
#include "policy/policy_config.h"

namespace shoprl {

// Builds the agent config.kind ("dqn" or "slateq") acting in inputs.env. ConfigError for
// another kind, a missing environment, or (slateq) a choice model without one offset per slot.
std::unique_ptr<Agent> make_dqn_agent(const AgentConfig& config, const PolicyNetworkConfig& network,
                                      const AgentInputs& inputs);

// Item-wise Q: Q(s, i) learned on every shown item with the targets of dqn_targets.h.
class DqnAgent : public QLearningAgent {
 public:
  DqnAgent(const AgentConfig& config, const PolicyNetworkConfig& network,
           const AgentInputs& inputs);
  std::string kind() const override { return "dqn"; }
  std::optional<ScoringNetwork> scoring_network() override {
    return ScoringNetwork{online(), ScoreHead::kItem, 1.0};
  }

 protected:
  torch::Tensor greedy_scores(PolicyNetwork& net, const SessionBatch& batch) override;
  LossTerms loss(const ReplayBatch& batch) override;

 private:
  double click_reward_;
  double purchase_reward_;
};

// SlateQ: the item head is Qbar(s, i), the value head Qbar(s, no click), the second item head
// the choice model's utilities u(s, i) (slateq.h).
class SlateqAgent : public QLearningAgent {
 public:
  SlateqAgent(const AgentConfig& config, const PolicyNetworkConfig& network,
              const AgentInputs& inputs);
  std::string kind() const override { return "slateq"; }
  std::optional<ScoringNetwork> scoring_network() override {
    return ScoringNetwork{online(), ScoreHead::kSlateq, 1.0};
  }

 protected:
  torch::Tensor greedy_scores(PolicyNetwork& net, const SessionBatch& batch) override;
  LossTerms loss(const ReplayBatch& batch) override;
  bool has_choice_model() const override { return true; }
};

}  // namespace shoprl
