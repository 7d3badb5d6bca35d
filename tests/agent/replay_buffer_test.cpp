// Tests the replay buffer (src/agent/replay_buffer.cpp): n-step returns, bootstrap discounts and
// observations in closed form on a hand-built rollout; the ring's overwriting; uniform
// sampling; the save/load round trip and its refusal of a mismatching buffer.
#include "agent/replay_buffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "core/seeding.h"

namespace shoprl {
namespace {

// Two users, four steps. User 0's session runs steps 0..3 and ends at 3 with rewards 1, 2, 3, 4;
// user 1's ends at step 1 with rewards 5, 6 (steps 2, 3 are inactive, rewards 100 never
// counted). The history at observation t of user u is 100 u + j for j < min(t + 1, 4): event j
// of a session is item 100 u + j, so a window shows which observation a transition holds.
Rollout hand_built_replay_rollout() {
  const std::int64_t steps = 4, users = 2, columns = 4, slots = 2;
  Rollout r;
  r.items = torch::full({steps + 1, users, columns}, -1, torch::kInt64);
  r.types = torch::full({steps + 1, users, columns}, -1, torch::kInt64);
  r.lengths = torch::zeros({steps + 1, users}, torch::kInt64);
  for (std::int64_t t = 0; t <= steps; ++t)
    for (std::int64_t u = 0; u < users; ++u) {
      const std::int64_t length = std::min<std::int64_t>(t + 1, columns);
      r.lengths[t][u] = length;
      for (std::int64_t j = 0; j < length; ++j) {
        r.items[t][u][j] = 100 * u + j;
        r.types[t][u][j] = j % 3;
      }
    }
  r.slates = torch::zeros({steps, users, slots}, torch::kInt64);
  for (std::int64_t t = 0; t < steps; ++t)
    for (std::int64_t u = 0; u < users; ++u) {
      r.slates[t][u][0] = 10 * t + u;
      r.slates[t][u][1] = 10 * t + u + 5;
    }
  r.log_prob = torch::zeros({steps, users});
  r.clicks = torch::zeros({steps, users, slots}, torch::kBool);
  r.purchases = torch::zeros({steps, users, slots}, torch::kBool);
  r.clicked_slot = torch::full({steps, users}, -1, torch::kInt64);
  r.clicks[1][0][1] = true;
  r.clicked_slot[1][0] = 1;
  r.rewards = torch::tensor({1.0F, 5.0F, 2.0F, 6.0F, 3.0F, 100.0F, 4.0F, 100.0F}).view({4, 2});
  r.done = torch::zeros({steps, users}, torch::kBool);
  r.done[3][0] = true;
  r.done[1][1] = true;
  r.truncated = torch::zeros({steps, users}, torch::kBool);
  r.active = torch::ones({steps, users}, torch::kBool);
  r.active[2][1] = false;
  r.active[3][1] = false;
  // The histories the sessions ended with: items 900 + u, 901 + u.
  r.end_items = torch::full({users, columns}, -1, torch::kInt64);
  r.end_types = torch::full({users, columns}, -1, torch::kInt64);
  r.end_lengths = torch::full({users}, 2, torch::kInt64);
  for (std::int64_t u = 0; u < users; ++u) {
    r.end_items[u][0] = 900 + u;
    r.end_items[u][1] = 901 + u;
    r.end_types[u][0] = 0;
    r.end_types[u][1] = 0;
  }
  return r;
}

std::vector<float> floats(const torch::Tensor& t) {
  const torch::Tensor c = t.to(torch::kFloat32).contiguous();
  return {c.data_ptr<float>(), c.data_ptr<float>() + c.numel()};
}

TEST(ReplayTransitions, NStepReturnsAndDiscountsInClosedForm) {
  // n = 2, gamma = 0.5. Transitions in (step, user) order: (0,0) (0,1) (1,0) (1,1) (2,0) (3,0).
  //   (0,0): 1 + .5 * 2 = 2,   gamma^2 = .25, bootstrap at observation 2
  //   (0,1): 5 + .5 * 6 = 8,   ended at step 1: discount 0
  //   (1,0): 2 + .5 * 3 = 3.5, .25, observation 3
  //   (1,1): 6, ended: 0
  //   (2,0): 3 + .5 * 4 = 5,   ended at step 3: 0
  //   (3,0): 4, ended: 0
  const ReplayBatch batch = rollout_transitions(hand_built_replay_rollout(), 2, 0.5, 2);
  ASSERT_EQ(batch.size(), 6);
  EXPECT_EQ(floats(batch.n_step_return), (std::vector<float>{2, 8, 3.5, 6, 5, 4}));
  EXPECT_EQ(floats(batch.bootstrap_discount), (std::vector<float>{.25, 0, .25, 0, 0, 0}));
  EXPECT_EQ(floats(batch.done), (std::vector<float>{0, 1, 0, 1, 1, 1}));
  EXPECT_EQ(floats(batch.reward), (std::vector<float>{1, 5, 2, 6, 3, 4}));
  // Observation t has min(t + 1, 4) events; the window keeps the last two.
  EXPECT_EQ(floats(batch.observation.lengths), (std::vector<float>{1, 1, 2, 2, 2, 2}));
  EXPECT_EQ(floats(batch.next_observation.lengths), (std::vector<float>{2, 2, 2, 2, 2, 2}));
  // (0,0): observation 0 = [0, pad]; its bootstrap observation 2 = events 1, 2.
  EXPECT_EQ(floats(batch.observation.items[0]), (std::vector<float>{0, -1}));
  EXPECT_EQ(floats(batch.next_observation.items[0]), (std::vector<float>{1, 2}));
  // (1,0) bootstraps from observation 3 = events 2, 3 of user 0.
  EXPECT_EQ(floats(batch.next_observation.items[2]), (std::vector<float>{2, 3}));
  EXPECT_EQ(floats(batch.next_observation.types[2]), (std::vector<float>{2, 0}));
  // (1,1): user 1's observation 1 holds events 100, 101.
  EXPECT_EQ(floats(batch.observation.items[3]), (std::vector<float>{100, 101}));
  // Slates and the click of (1,0) on slot 1.
  EXPECT_EQ(floats(batch.slates[2]), (std::vector<float>{10, 15}));
  EXPECT_EQ(floats(batch.clicked_slot), (std::vector<float>{-1, -1, 1, -1, -1, -1}));
  EXPECT_EQ(floats(batch.clicked_item()), (std::vector<float>{-1, -1, 15, -1, -1, -1}));
}

TEST(ReplayTransitions, OneStepDiscountIsGammaUnlessTheSessionEnded) {
  const ReplayBatch batch = rollout_transitions(hand_built_replay_rollout(), 1, 0.9, 4);
  EXPECT_EQ(floats(batch.n_step_return), (std::vector<float>{1, 5, 2, 6, 3, 4}));
  EXPECT_EQ(floats(batch.bootstrap_discount), (std::vector<float>{0.9F, 0.9F, 0.9F, 0, 0.9F, 0}));
  // A window wider than the history is padded.
  EXPECT_EQ(floats(batch.observation.items[0]), (std::vector<float>{0, -1, -1, -1}));
}

TEST(ReplayTransitions, ASessionCutAtMaxStepsBootstrapsFromTheHistoryItEndedWith) {
  // User 0's session reaches max_steps at step 3 instead of being left: with n = 2, gamma 0.5
  // (2,0) takes rewards 3, 4 and bootstraps with 0.5^2 from the end history, (3,0) with 0.5.
  // User 1 left: nothing changes for it.
  Rollout rollout = hand_built_replay_rollout();
  rollout.truncated[3][0] = true;
  const ReplayBatch batch = rollout_transitions(rollout, 2, 0.5, 2);
  EXPECT_EQ(floats(batch.n_step_return), (std::vector<float>{2, 8, 3.5, 6, 5, 4}));
  EXPECT_EQ(floats(batch.bootstrap_discount), (std::vector<float>{.25, 0, .25, 0, .25, .5}));
  EXPECT_EQ(floats(batch.done), (std::vector<float>{0, 1, 0, 1, 1, 1}));
  EXPECT_EQ(floats(batch.next_observation.items[4]), (std::vector<float>{900, 901}));
  EXPECT_EQ(floats(batch.next_observation.items[5]), (std::vector<float>{900, 901}));
  EXPECT_EQ(floats(batch.next_observation.lengths), (std::vector<float>{2, 2, 2, 2, 2, 2}));
}

// A batch of `count` transitions whose reward is id, id + 1, ...
ReplayBatch numbered(std::int64_t count, float first_id) {
  ReplayBatch b;
  const auto ids = torch::arange(count, torch::kFloat32) + first_id;
  b.observation = {ids.to(torch::kInt64).view({-1, 1}).repeat({1, 3}),
                   torch::zeros({count, 3}, torch::kInt64), torch::full({count}, 3, torch::kInt64)};
  b.next_observation = b.observation;
  b.slates = ids.to(torch::kInt64).view({-1, 1}).repeat({1, 2});
  b.clicks = torch::zeros({count, 2}, torch::kBool);
  b.purchases = torch::zeros({count, 2}, torch::kBool);
  b.clicked_slot = torch::full({count}, -1, torch::kInt64);
  b.reward = ids;
  b.n_step_return = ids * 2;
  b.bootstrap_discount = torch::full({count}, 0.5F);
  b.done = torch::zeros({count}, torch::kBool);
  return b;
}

TEST(ReplayBuffer, RingOverwritesTheOldest) {
  ReplayBuffer buffer(5, 3, 2);
  buffer.add(numbered(3, 0));  // ids 0 1 2 at positions 0 1 2
  EXPECT_EQ(buffer.size(), 3);
  buffer.add(numbered(4, 3));  // ids 3 4 at 3 4, then 5 6 over 0 1
  EXPECT_EQ(buffer.size(), 5);
  EXPECT_EQ(buffer.cursor(), 2);
  EXPECT_EQ(buffer.total_added(), 7);
  const ReplayBatch all = buffer.gather(torch::arange(5, torch::kInt64));
  EXPECT_EQ(floats(all.reward), (std::vector<float>{5, 6, 2, 3, 4}));
  EXPECT_EQ(floats(all.observation.items.select(1, 2)), (std::vector<float>{5, 6, 2, 3, 4}));
  EXPECT_EQ(floats(all.n_step_return), (std::vector<float>{10, 12, 4, 6, 8}));
  // A batch larger than the ring keeps its last `capacity` transitions, where writing all of it
  // in turn would have left them: id 100 + j at (2 + j) % 5, so 107..111 at 4 0 1 2 3, and the
  // cursor at 4 points at the oldest.
  buffer.add(numbered(12, 100));
  EXPECT_EQ(buffer.cursor(), 4);
  EXPECT_EQ(floats(buffer.gather(torch::arange(5, torch::kInt64)).reward),
            (std::vector<float>{108, 109, 110, 111, 107}));
}

TEST(ReplayBuffer, SamplesUniformlyFromTheFilledPart) {
  // 40,000 draws over 4 filled positions of a ring of 10: each frequency 1/4 within 4.5
  // binomial standard errors (false failure ≈ 3e-5 for the four); nothing from the empty part.
  ReplayBuffer buffer(10, 3, 2);
  buffer.add(numbered(4, 0));
  Rng rng = make_rng(7, 0);
  const std::int64_t draws = 40000;
  const ReplayBatch sample = buffer.sample(draws, rng);
  const torch::Tensor counts = torch::bincount(sample.reward.to(torch::kInt64), {}, 10);
  const double se = std::sqrt(0.25 * 0.75 / draws);
  for (int i = 0; i < 4; ++i)
    EXPECT_NEAR(counts[i].item<double>() / draws, 0.25, 4.5 * se) << "position " << i;
  EXPECT_EQ(counts.slice(0, 4).sum().item<std::int64_t>(), 0);
  // The same stream draws the same minibatch.
  Rng again = make_rng(7, 0);
  EXPECT_TRUE(torch::equal(buffer.sample(draws, again).reward, sample.reward));
}

TEST(ReplayBuffer, SaveLoadRoundTripRestoresContentsAndCursor) {
  ReplayBuffer buffer(5, 3, 2);
  buffer.add(numbered(7, 0));
  ReplayBuffer restored(5, 3, 2);
  restored.load_state(buffer.state(), "test");
  EXPECT_EQ(restored.size(), 5);
  EXPECT_EQ(restored.cursor(), buffer.cursor());
  EXPECT_EQ(restored.total_added(), 7);
  const torch::Tensor all = torch::arange(5, torch::kInt64);
  const ReplayBatch a = buffer.gather(all), b = restored.gather(all);
  EXPECT_TRUE(torch::equal(a.observation.items, b.observation.items));
  EXPECT_TRUE(torch::equal(a.next_observation.lengths, b.next_observation.lengths));
  EXPECT_TRUE(torch::equal(a.slates, b.slates));
  EXPECT_TRUE(torch::equal(a.reward, b.reward));
  EXPECT_TRUE(torch::equal(a.bootstrap_discount, b.bootstrap_discount));
  // Both continue identically.
  buffer.add(numbered(2, 50));
  restored.add(numbered(2, 50));
  EXPECT_TRUE(torch::equal(buffer.gather(all).reward, restored.gather(all).reward));

  ReplayBuffer other(6, 3, 2);
  EXPECT_THROW(other.load_state(buffer.state(), "test"), DataError);
}

}  // namespace
}  // namespace shoprl
