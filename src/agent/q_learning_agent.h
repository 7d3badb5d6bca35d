// The bookkeeping the DQN family shares: act epsilon-greedily in the environment through
// collect_rollout, store n-step transitions in a replay buffer, take gradient steps on
// minibatches against a target network (hard or soft updates), report metrics, save and load
// everything for an exact resume. A leaf (dqn_agent.h) supplies the maths: which heads the
// network has, the item scores a slate is the top k of, and the loss of a minibatch.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/agent_inputs.h"
#include "agent/replay_buffer.h"
#include "policy/policy_network.h"

namespace shoprl {

class QLearningAgent : public Agent {
 public:
  QLearningAgent(const AgentConfig& config, const PolicyNetworkConfig& network,
                 const AgentInputs& inputs, const PolicyHeads& heads);

  IterationMetrics train_iteration(std::int64_t iteration) final;
  torch::Tensor policy_scores(const SessionBatch& batch) final;
  SlateRuleConfig evaluation_rule() const final { return config_.evaluation; }
  void save(CheckpointWriter& out) final;
  void load(const CheckpointReader& in) final;
  std::vector<torch::Tensor> replicated_tensors() final;
  // In a job each rank keeps its own replay buffer of its own users' experience.
  std::map<std::string, torch::Tensor> rank_state() final;
  void load_rank_state(const std::map<std::string, torch::Tensor>& state,
                       const std::string& source) final;

  // The exploration rate at `iteration`: linear from epsilon_start to epsilon_end over
  // epsilon_decay_iterations, then constant.
  double epsilon(std::int64_t iteration) const;

  // For tests and tools.
  PolicyNetwork& online() { return online_; }
  PolicyNetwork& target() { return target_; }
  ReplayBuffer& replay() { return replay_; }
  std::int64_t gradient_steps() const { return gradient_steps_; }

 protected:
  struct LossTerms {
    torch::Tensor loss;   // to minimise
    double td_error = 0;  // mean |Q - y|
    double q_mean = 0;    // mean Q of the learned entries
    double choice_log_likelihood = 0;
  };
  // Item scores [B, I] from `net` whose top k is the greedy slate (no gradient needed).
  virtual torch::Tensor greedy_scores(PolicyNetwork& net, const SessionBatch& batch) = 0;
  // The loss of one minibatch (already on the device).
  virtual LossTerms loss(const ReplayBatch& batch) = 0;
  // Whether metrics include the choice model's log-likelihood (SlateQ).
  virtual bool has_choice_model() const { return false; }

  const AgentConfig& config() const { return config_; }
  const AgentInputs& inputs() const { return inputs_; }
  int slate_size() const { return inputs_.slate_size; }

 private:
  AgentConfig config_;
  AgentInputs inputs_;
  PolicyNetwork online_{nullptr};
  PolicyNetwork target_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  ReplayBuffer replay_;
  std::int64_t gradient_steps_ = 0;
  std::int64_t iterations_done_ = 0;
};

}  // namespace shoprl
