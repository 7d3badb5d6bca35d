// Tests the item-wise DQN targets (src/agent/dqn_targets.cpp) in closed form: per-slot rewards
// with the penalty shared, the clicked slot carrying the future (a slate without a click sharing
// it), and double DQN valuing the
// online network's choice with the target network.
#include "agent/dqn_targets.h"

#include <gtest/gtest.h>

#include <vector>

namespace shoprl {
namespace {

std::vector<float> values(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

// Two transitions with slates of three: row 0 clicked and bought slot 1, row 1 clicked nothing
// and paid a penalty of -0.3.
ReplayBatch two_transitions() {
  ReplayBatch b;
  b.slates = torch::tensor({4, 7, 9, 1, 2, 3}, torch::kInt64).view({2, 3});
  b.clicks = torch::tensor({false, true, false, false, false, false}).view({2, 3});
  b.purchases = torch::tensor({false, true, false, false, false, false}).view({2, 3});
  b.clicked_slot = torch::tensor({1, -1}, torch::kInt64);
  b.reward = torch::tensor({1.2F, -0.3F});
  b.n_step_return = torch::tensor({1.2F + 0.5F * 0.2F, -0.3F});  // n = 2, gamma 0.5
  b.bootstrap_discount = torch::tensor({0.25F, 0.25F});
  b.done = torch::zeros({2}, torch::kBool);
  return b;
}

TEST(DqnTargets, SlotRewardsSplitTheStepReward) {
  const torch::Tensor r = slot_rewards(two_transitions(), 0.2, 1.0);
  const std::vector<float> got = values(r);
  const std::vector<float> expected = {0, 1.2F, 0, -0.1F, -0.1F, -0.1F};
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-6) << i;
}

TEST(DqnTargets, TheClickedSlotCarriesTheFutureAndASlateWithoutClickSharesIt) {
  // Row 0: y = r_i + [i = 1] (G - r_t + gamma^n V) = (0, 1.2 + 0.1 + 0.25 * 4, 0).
  // Row 1: no click, so every slot gets its own reward and a third of the future:
  // -0.1 + (G - r_t + 0.25 * 8) / 3 = -0.1 + 2 / 3.
  const ReplayBatch batch = two_transitions();
  const torch::Tensor y =
      dqn_item_targets(slot_rewards(batch, 0.2, 1.0), batch, torch::tensor({4.0F, 8.0F}));
  const std::vector<float> got = values(y);
  const float shared = -0.1F + 2.0F / 3.0F;
  const std::vector<float> expected = {0, 1.2F + 0.1F + 1.0F, 0, shared, shared, shared};
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], expected[i], 1e-6) << i;
  // Either way a slate's targets sum to its n-step return plus the discounted bootstrap.
  EXPECT_NEAR(y[0].sum().item<float>(), 1.3F + 0.25F * 4, 1e-6);
  EXPECT_NEAR(y[1].sum().item<float>(), -0.3F + 0.25F * 8, 1e-6);
}

TEST(DqnTargets, DoubleDqnValuesTheOnlineArgmaxWithTheTargetNetwork) {
  // The online network prefers item 2, the target network item 0.
  const torch::Tensor online = torch::tensor({0.1F, 0.2F, 0.9F, 0.5F}).view({1, 4});
  const torch::Tensor target = torch::tensor({3.0F, 1.0F, 2.0F, 0.5F}).view({1, 4});
  EXPECT_FLOAT_EQ(greedy_slate_value(online, target, 1).item<float>(), 2.0F);  // Q_t(s', 2)
  EXPECT_FLOAT_EQ(greedy_slate_value(target, target, 1).item<float>(), 3.0F);  // plain max
  // Slates of two: the online top two are items 2 and 3.
  EXPECT_FLOAT_EQ(greedy_slate_value(online, target, 2).item<float>(), 2.5F);
  EXPECT_FLOAT_EQ(greedy_slate_value(target, target, 2).item<float>(), 5.0F);
}

}  // namespace
}  // namespace shoprl
