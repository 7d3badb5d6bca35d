// The SlateQ agent (dqn_agent.h; the maths in slateq.h).
#include <fmt/format.h>

#include "agent/dqn_agent.h"
#include "agent/slateq.h"
#include "core/error.h"

namespace shoprl {

namespace {

PolicyHeads slateq_heads() {
  PolicyHeads heads;
  heads.second_item_head = true;  // u(s, i), the choice model's utilities
  heads.value_head = true;        // Qbar(s, no click)
  return heads;
}

}  // namespace

SlateqAgent::SlateqAgent(const AgentConfig& config, const PolicyNetworkConfig& network,
                         const AgentInputs& inputs)
    : QLearningAgent(config, network, inputs, slateq_heads()) {
  if (static_cast<int>(inputs.choice.slot_offsets.size()) != inputs.slate_size)
    throw ConfigError(
        fmt::format("agent.kind slateq: the choice model has {} slot offsets for slates of {}",
                    inputs.choice.slot_offsets.size(), inputs.slate_size));
}

torch::Tensor SlateqAgent::greedy_scores(PolicyNetwork& net, const SessionBatch& batch) {
  const torch::Tensor state = net->encode(batch);
  return slateq_scores(net->second_item_scores(state), net->item_scores(state));
}

QLearningAgent::LossTerms SlateqAgent::loss(const ReplayBatch& batch) {
  const ChoiceModelParameters& choice = inputs().choice;
  torch::Tensor targets;
  {
    torch::NoGradGuard no_grad;
    // At s': the choice model and (double Q) the slate come from the online network, the
    // values from the target network. A' is the slate the policy would show (its top k).
    const torch::Tensor online_state = online()->encode(batch.next_observation);
    const torch::Tensor utilities = online()->second_item_scores(online_state);
    const torch::Tensor target_state = target()->encode(batch.next_observation);
    const torch::Tensor item_values = target()->item_scores(target_state);
    const torch::Tensor no_click_value = target()->value(target_state);
    const torch::Tensor chooser =
        config().dqn.double_q ? online()->item_scores(online_state) : item_values;
    const torch::Tensor next_slate = slateq_top_k(utilities, chooser, slate_size());
    const torch::Tensor next_value =
        slateq_slate_value(item_values, no_click_value, utilities, next_slate, choice);
    // Qbar(s, consumed) <- G + gamma^n Q(s', A'), the consumed item being the clicked one or
    // "no click" (Ie et al. 2019, eq. 5).
    targets = batch.n_step_return + batch.bootstrap_discount * next_value;
  }
  const torch::Tensor state = online()->encode(batch.observation);
  const torch::Tensor item_values = online()->item_scores(state);
  const torch::Tensor no_click_value = online()->value(state);
  const torch::Tensor clicked = batch.clicked_slot >= 0;
  const torch::Tensor item = batch.clicked_item().clamp_min(0).view({-1, 1});
  const torch::Tensor consumed =
      torch::where(clicked, item_values.gather(1, item).squeeze(1), no_click_value);
  const torch::Tensor log_likelihood = choice_log_likelihood(
      online()->second_item_scores(state), batch.slates, batch.clicked_slot, choice);

  LossTerms terms;
  terms.loss = torch::smooth_l1_loss(consumed, targets) -
               config().dqn.choice_loss_weight * log_likelihood.mean();
  terms.td_error = (consumed - targets).abs().mean().item<double>();
  terms.q_mean = consumed.mean().item<double>();
  terms.choice_log_likelihood = log_likelihood.mean().item<double>();
  return terms;
}

}  // namespace shoprl
