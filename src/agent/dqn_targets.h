// The learning targets of the item-wise DQN baseline (agent kind "dqn"): Q(s, i) is the return
// credited to showing item i at s, and a slate is the top k of Q. docs/agents/dqn.md derives
// these formulas and says why the bootstrap values a whole slate.
#pragma once

#include <torch/torch.h>

#include "agent/replay_buffer.h"

namespace shoprl {

// The reward earned on each shown slot, [B, K]: click_reward [clicked] + purchase_reward
// [purchased], plus an equal share of whatever the step paid beyond that (the learned
// simulator's uncertainty penalty; zero in the synthetic world).
torch::Tensor slot_rewards(const ReplayBatch& batch, double click_reward, double purchase_reward);

// The value of the greedy slate at s' under the item-wise decomposition, [B]: the sum of
// `evaluator` over the top `slate_size` items of `chooser` (double DQN: chooser = online Q,
// evaluator = target Q; plain DQN: both the target Q). With slate_size 1 this is the usual
// max_j Q_target(s', j) (or Q_target(s', argmax_j Q_online(s', j))).
torch::Tensor greedy_slate_value(const torch::Tensor& chooser, const torch::Tensor& evaluator,
                                 int slate_size);

// Targets per shown slot, [B, K]:
//   y_i = r_i + w_i (G - r_t + gamma^n V(s_{t+n})),
//   w_i = [i is the (first) clicked slot], or 1/K for every slot of a slate without a click,
// G the n-step return, r_t the step's reward and gamma^n the bootstrap discount (0 when the
// user left within n steps): shown-but-unclicked items of a clicked slate learn they earned
// only r_i (0), the clicked item carries the session's future, and a slate nobody clicked
// shares it, so a slate's targets always sum to its return.
torch::Tensor dqn_item_targets(const torch::Tensor& slot_rewards, const ReplayBatch& batch,
                               const torch::Tensor& next_value);

}  // namespace shoprl
