// Learning targets of the item-wise DQN (dqn_targets.h).
#include "agent/dqn_targets.h"

namespace shoprl {

torch::Tensor slot_rewards(const ReplayBatch& batch, double click_reward, double purchase_reward) {
  const torch::Tensor earned = click_reward * batch.clicks.to(torch::kFloat32) +
                               purchase_reward * batch.purchases.to(torch::kFloat32);
  const double slots = static_cast<double>(batch.slates.size(1));
  const torch::Tensor rest = (batch.reward - earned.sum(1)) / slots;
  return earned + rest.view({-1, 1});
}

torch::Tensor greedy_slate_value(const torch::Tensor& chooser, const torch::Tensor& evaluator,
                                 int slate_size) {
  const torch::Tensor chosen = std::get<1>(chooser.topk(slate_size, 1));
  return evaluator.gather(1, chosen).sum(1);
}

torch::Tensor dqn_item_targets(const torch::Tensor& slot_rewards, const ReplayBatch& batch,
                               const torch::Tensor& next_value) {
  const torch::Tensor future =
      batch.n_step_return - batch.reward + batch.bootstrap_discount * next_value;  // [B]
  const std::int64_t slots = slot_rewards.size(1);
  const torch::Tensor slot = torch::arange(slots, batch.clicked_slot.options()).view({1, -1});
  const torch::Tensor clicked = (slot == batch.clicked_slot.view({-1, 1})).to(torch::kFloat32);
  // Without a click the user still goes on; the slate as a whole earned that, so each of its
  // slots carries an equal share (the slate's targets still sum to G + gamma^n V).
  const torch::Tensor no_click =
      (batch.clicked_slot < 0).to(torch::kFloat32).view({-1, 1}) / static_cast<double>(slots);
  return slot_rewards + (clicked + no_click) * future.view({-1, 1});
}

}  // namespace shoprl
