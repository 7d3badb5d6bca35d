// The item-wise DQN agent and the DQN family's factory (dqn_agent.h).
#include "agent/dqn_agent.h"

#include <fmt/format.h>

#include "agent/dqn_targets.h"
#include "core/error.h"

namespace shoprl {

DqnAgent::DqnAgent(const AgentConfig& config, const PolicyNetworkConfig& network,
                   const AgentInputs& inputs)
    : QLearningAgent(config, network, inputs, PolicyHeads{}),
      click_reward_(inputs.env->env_config().click_reward),
      purchase_reward_(inputs.env->env_config().purchase_reward) {}

torch::Tensor DqnAgent::greedy_scores(PolicyNetwork& net, const SessionBatch& batch) {
  return net->item_scores(net->encode(batch));
}

QLearningAgent::LossTerms DqnAgent::loss(const ReplayBatch& batch) {
  torch::Tensor targets;
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor next_target =
        target()->item_scores(target()->encode(batch.next_observation));
    // Double DQN: the online network picks the bootstrap slate, the target network values it.
    const torch::Tensor chooser =
        config().dqn.double_q ? online()->item_scores(online()->encode(batch.next_observation))
                              : next_target;
    const torch::Tensor next_value = greedy_slate_value(chooser, next_target, slate_size());
    targets =
        dqn_item_targets(slot_rewards(batch, click_reward_, purchase_reward_), batch, next_value);
  }
  const torch::Tensor q = online()->item_scores(online()->encode(batch.observation));
  const torch::Tensor shown = q.gather(1, batch.slates);  // [B, K]
  LossTerms terms;
  terms.loss = torch::smooth_l1_loss(shown, targets);  // Huber with delta 1
  terms.td_error = (shown - targets).abs().mean().item<double>();
  terms.q_mean = shown.mean().item<double>();
  return terms;
}

std::unique_ptr<Agent> make_dqn_agent(const AgentConfig& config, const PolicyNetworkConfig& network,
                                      const AgentInputs& inputs) {
  if (config.kind == "dqn") return std::make_unique<DqnAgent>(config, network, inputs);
  if (config.kind == "slateq") return std::make_unique<SlateqAgent>(config, network, inputs);
  throw ConfigError(
      fmt::format("agent.kind: '{}' is not of the DQN family (dqn, slateq)", config.kind));
}

}  // namespace shoprl
