// Rollouts (src/agent/rollout.cpp): one first session per slot, the acting policy asked only
// about active rows, outcomes copied from the environment, the summary and discounted returns
// in closed form on a hand-built rollout, and the same rollout for the same seed.
#include "agent/rollout.h"

#include <gtest/gtest.h>

#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"

namespace shoprl {
namespace {

RolloutPolicy first_items_policy(int slate_size, std::vector<std::int64_t>* asked) {
  return [slate_size, asked](const SessionBatch& rows, const SlateNoise&) {
    asked->push_back(rows.size());
    // Distinct items that depend on the history length, so slates vary across steps.
    const torch::Tensor offset = rows.lengths.view({-1, 1}) % 5;
    return RolloutAction{offset + torch::arange(slate_size).view({1, -1}),
                         torch::zeros({rows.size()})};
  };
}

TEST(Rollout, EverySlotPlaysExactlyItsFirstSession) {
  const SyntheticWorld world(testing::tiny_world_config(12, 40), 3, 5);
  EnvConfig config = testing::tiny_env_config(3);
  SyntheticEnv env(world, config);
  std::vector<std::int64_t> asked;
  const Rollout rollout = collect_rollout(env, 11, 16, first_items_policy(3, &asked));
  ASSERT_EQ(rollout.users(), 16);
  // Each slot's active steps are a prefix ending at its one done.
  const torch::Tensor ends = rollout.done.logical_and(rollout.active).sum(0);
  EXPECT_TRUE(ends.eq(1).all().item<bool>());
  const torch::Tensor active_steps = rollout.active.sum(0);
  for (std::int64_t t = 0; t < rollout.steps(); ++t) {
    const torch::Tensor expected = active_steps > t;
    EXPECT_TRUE(rollout.active[t].eq(expected).all().item<bool>()) << "step " << t;
    // The policy saw exactly the active rows.
    EXPECT_EQ(asked[t], rollout.active[t].sum().item<std::int64_t>());
  }
  // Rewards come from clicks and purchases of recommended items.
  const torch::Tensor expected_rewards =
      config.click_reward * rollout.clicks.sum(2).to(torch::kFloat32) +
      config.purchase_reward * rollout.purchases.sum(2).to(torch::kFloat32);
  EXPECT_TRUE(torch::allclose(rollout.rewards, expected_rewards));
  EXPECT_EQ(rollout.items.size(0), rollout.steps() + 1);

  // Cut sessions are those that reached max_steps; each slot's end history continues
  // its last observation (events are only appended, so a history short of the window keeps
  // the earlier events as its prefix).
  EXPECT_FALSE(rollout.truncated.logical_and(rollout.done.logical_not()).any().item<bool>());
  std::int64_t cut = 0;
  for (std::int64_t u = 0; u < rollout.users(); ++u) {
    const std::int64_t last = active_steps[u].item<std::int64_t>() - 1;
    // (A user who leaves at the last step is not cut: leaving comes first.)
    const bool was_cut = rollout.truncated[last][u].item<bool>();
    if (was_cut) {
      EXPECT_EQ(last + 1, config.max_steps) << u;
    }
    if (last + 1 < config.max_steps) {
      EXPECT_FALSE(was_cut) << u;
    }
    cut += was_cut;
    const std::int64_t before = rollout.lengths[last][u].item<std::int64_t>();
    const std::int64_t after = rollout.end_lengths[u].item<std::int64_t>();
    EXPECT_GE(after, before) << u;
    if (after < config.history_length) {
      EXPECT_TRUE(torch::equal(rollout.end_items[u].slice(0, 0, before),
                               rollout.items[last][u].slice(0, 0, before)))
          << u;
    }
  }
  EXPECT_GT(cut, 0) << "no session reached max_steps: the check above saw no cut";

  std::vector<std::int64_t> again_asked;
  const Rollout again = collect_rollout(env, 11, 16, first_items_policy(3, &again_asked));
  EXPECT_TRUE(torch::equal(rollout.rewards, again.rewards));
  EXPECT_TRUE(torch::equal(rollout.items, again.items));
}

TEST(Rollout, SummaryAndDiscountedReturnsInClosedForm) {
  // Two users: user 0 plays 3 steps (rewards 1, 0, 2), user 1 plays 1 step (reward 0.5).
  Rollout r;
  r.rewards = torch::tensor({{1.0F, 0.5F}, {0.0F, 9.0F}, {2.0F, 9.0F}});
  r.done = torch::tensor({{false, true}, {false, false}, {true, true}});
  r.active = torch::tensor({{true, true}, {true, false}, {true, false}});
  r.clicked_slot = torch::tensor({{0, -1}, {-1, 1}, {1, 0}}, torch::kInt64);
  r.purchases = torch::zeros({3, 2, 2}, torch::kBool);
  r.purchases[2][0][1] = true;
  r.slates = torch::zeros({3, 2, 2}, torch::kInt64);
  const torch::Tensor returns = discounted_returns(r, 0.5);
  // User 0: G2 = 2, G1 = 0 + 0.5 * 2 = 1, G0 = 1 + 0.5 * 1 = 1.5; user 1: G0 = 0.5.
  EXPECT_TRUE(torch::allclose(returns, torch::tensor({{1.5F, 0.5F}, {1.0F, 0.0F}, {2.0F, 0.0F}})));
  const RolloutSummary summary = summarize(r);
  EXPECT_DOUBLE_EQ(summary.mean_return, (3.0 + 0.5) / 2);
  EXPECT_DOUBLE_EQ(summary.click_through, 2.0 / 4);  // active steps with a click
  EXPECT_DOUBLE_EQ(summary.conversion, 0.5);
  EXPECT_DOUBLE_EQ(summary.mean_length, 2.0);
}

}  // namespace
}  // namespace shoprl
