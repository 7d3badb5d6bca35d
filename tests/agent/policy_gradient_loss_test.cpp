// Tests the policy-gradient loss terms (src/agent/policy_gradient_loss.cpp) on a hand-built
// rollout whose returns and advantages are worked out by hand, and the Plackett-Luce slate
// log-probability the score function differentiates (src/policy/slate_sampling.cpp).
#include "agent/policy_gradient_loss.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "agent/rollout.h"
#include "policy/slate_sampling.h"

namespace shoprl {
namespace {

// Two user slots over three steps, gamma = 0.5. Slot 0 plays three steps (ends at t = 2),
// slot 1 two (ends at t = 1); slot 1's third step is inactive and its reward must be ignored.
Rollout hand_built_rollout() {
  Rollout r;
  r.rewards = torch::tensor({1.0F, 0.2F, 0.0F, 1.0F, 0.5F, 7.0F}).view({3, 2});
  r.done = torch::tensor({false, false, false, true, true, false}).view({3, 2});
  r.active = torch::tensor({true, true, true, true, true, false}).view({3, 2});
  r.slates = torch::zeros({3, 2, 1}, torch::kInt64);
  return r;
}
constexpr double kReturnGamma = 0.5;
// G by hand. Slot 0: G2 = 0.5, G1 = 0 + 0.5 * 0.5 = 0.25, G0 = 1 + 0.5 * 0.25 = 1.125.
// Slot 1: G1 = 1, G0 = 0.2 + 0.5 * 1 = 0.7.
const std::vector<double> kReturns = {1.125, 0.7, 0.25, 1.0, 0.5, 0.0};

TEST(DiscountedReturns, MatchTheHandComputedReturnsOnTheHandBuiltRollout) {
  const torch::Tensor g = discounted_returns(hand_built_rollout(), kReturnGamma).flatten();
  for (std::size_t i = 0; i < kReturns.size(); ++i)
    EXPECT_FLOAT_EQ(g[static_cast<std::int64_t>(i)].item<float>(), kReturns[i]) << i;
}

TEST(ScoreFunctionLoss, IsMinusTheMeanOfAdvantageTimesLogProbAndFlowsOnlyIntoLogProb) {
  const Rollout rollout = hand_built_rollout();
  const torch::Tensor index = rollout.active.flatten().nonzero().squeeze(1);
  const torch::Tensor returns =
      discounted_returns(rollout, kReturnGamma).flatten().index_select(0, index);
  const torch::Tensor baseline = torch::tensor({0.5F, 0.5F, 0.1F, 0.9F, 0.2F}).requires_grad_(true);
  const torch::Tensor log_prob =
      torch::tensor({-1.0F, -2.0F, -0.5F, -3.0F, -1.5F}).requires_grad_(true);
  const torch::Tensor loss = score_function_loss(log_prob, returns - baseline);
  // Active steps in grid order: (0,0) (0,1) (1,0) (1,1) (2,0).
  const double a[] = {1.125 - 0.5, 0.7 - 0.5, 0.25 - 0.1, 1.0 - 0.9, 0.5 - 0.2};
  const double lp[] = {-1.0, -2.0, -0.5, -3.0, -1.5};
  double expected = 0;
  for (int i = 0; i < 5; ++i) expected -= a[i] * lp[i] / 5.0;
  EXPECT_NEAR(loss.item<double>(), expected, 1e-6);
  loss.backward();
  for (int i = 0; i < 5; ++i) EXPECT_NEAR(log_prob.grad()[i].item<double>(), -a[i] / 5.0, 1e-6);
  // The baseline is a constant of the policy loss: no gradient reaches it.
  EXPECT_FALSE(baseline.grad().defined());
}

TEST(GaeAdvantages, LambdaZeroIsTheOneStepTemporalDifference) {
  const Rollout r = hand_built_rollout();
  const torch::Tensor v = torch::tensor({0.4F, 0.3F, 0.2F, 0.6F, 0.1F, 99.0F}).view({3, 2});
  // V(s_{t+1}): the next row's value where the session goes on; garbage where it ended.
  const torch::Tensor v_next = torch::tensor({0.2F, 0.6F, 0.1F, 55.0F, 77.0F, 88.0F}).view({3, 2});
  const torch::Tensor a = gae_advantages(r.rewards, v, v_next, r.done, r.active, kReturnGamma, 0.0);
  const std::vector<double> expected = {1.0 + 0.5 * 0.2 - 0.4,
                                        0.2 + 0.5 * 0.6 - 0.3,
                                        0.0 + 0.5 * 0.1 - 0.2,
                                        1.0 - 0.6,
                                        0.5 - 0.1,
                                        0.0};
  const torch::Tensor flat = a.flatten();
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(flat[static_cast<std::int64_t>(i)].item<double>(), expected[i], 1e-6) << i;
}

TEST(GaeAdvantages, LambdaOneIsTheReturnMinusTheValue) {
  const Rollout r = hand_built_rollout();
  const torch::Tensor v = torch::tensor({0.4F, 0.3F, 0.2F, 0.6F, 0.1F, 99.0F}).view({3, 2});
  const torch::Tensor v_next = torch::tensor({0.2F, 0.6F, 0.1F, 55.0F, 77.0F, 88.0F}).view({3, 2});
  const torch::Tensor a = gae_advantages(r.rewards, v, v_next, r.done, r.active, kReturnGamma, 1.0);
  const std::vector<double> value = {0.4, 0.3, 0.2, 0.6, 0.1, 0.0};
  const torch::Tensor flat = a.flatten();
  for (std::size_t i = 0; i < kReturns.size(); ++i)
    EXPECT_NEAR(flat[static_cast<std::int64_t>(i)].item<double>(), kReturns[i] - value[i], 1e-6)
        << i;
}

TEST(NormalizedAdvantages, HaveMeanZeroAndUnitDeviation) {
  const torch::Tensor a = normalized_advantages(torch::tensor({1.0, 2.0, 4.0, 9.0}));
  EXPECT_NEAR(a.mean().item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(a.pow(2).mean().item<double>(), 1.0, 1e-12);
  // Equal advantages are only centred (no division by zero).
  EXPECT_TRUE(normalized_advantages(torch::full({3}, 2.0)).equal(torch::zeros({3})));
}

TEST(SoftmaxEntropy, IsLogIForUniformLogitsAndZeroForACertainChoice) {
  EXPECT_NEAR(softmax_entropy(torch::zeros({1, 8}))[0].item<double>(), std::log(8.0), 1e-6);
  const torch::Tensor certain = torch::tensor({{0.0, -1e4, -1e4}});
  EXPECT_NEAR(softmax_entropy(certain)[0].item<double>(), 0.0, 1e-6);
}

// log P(slate) under Plackett-Luce, by hand: sum_k log p(a_k) - log(1 - sum_{j<k} p(a_j)).
double hand_log_prob(const std::vector<double>& logits, const std::vector<int>& slate) {
  double norm = 0;
  for (double l : logits) norm += std::exp(l);
  double log_prob = 0, taken = 0;
  for (int item : slate) {
    const double p = std::exp(logits[item]) / norm;
    log_prob += std::log(p) - std::log(1.0 - taken);
    taken += p;
  }
  return log_prob;
}

TEST(PlackettLuceLogProb, SumsToOneOverEveryOrderedSlateOfTwoFromFour) {
  const std::vector<double> logits = {0.3, -1.0, 1.2, 0.1};
  const torch::Tensor scores = torch::tensor(logits, torch::kFloat64).view({1, 4});
  double total = 0;
  for (int a = 0; a < 4; ++a) {
    for (int b = 0; b < 4; ++b) {
      if (a == b) continue;
      const torch::Tensor slate = torch::tensor({std::int64_t{a}, std::int64_t{b}}).view({1, 2});
      const double lp = plackett_luce_log_prob(scores, slate).item<double>();
      EXPECT_NEAR(lp, hand_log_prob(logits, {a, b}), 1e-12);
      total += std::exp(lp);
    }
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(PlackettLuceLogProb, GradientMatchesCentralFiniteDifferences) {
  const std::vector<double> logits = {0.3, -1.0, 1.2, 0.1, 0.7};
  const std::vector<int> slate = {2, 0, 4};
  const torch::Tensor x = torch::tensor(logits, torch::kFloat64).view({1, 5}).requires_grad_(true);
  const torch::Tensor s =
      torch::tensor({std::int64_t{2}, std::int64_t{0}, std::int64_t{4}}).view({1, 3});
  plackett_luce_log_prob(x, s).sum().backward();
  // Central differences of the hand formula: error O(h^2) ~ 1e-10 at h = 1e-5.
  const double h = 1e-5;
  for (int i = 0; i < 5; ++i) {
    std::vector<double> up = logits, down = logits;
    up[i] += h;
    down[i] -= h;
    const double numeric = (hand_log_prob(up, slate) - hand_log_prob(down, slate)) / (2 * h);
    EXPECT_NEAR(x.grad()[0][i].item<double>(), numeric, 1e-8) << "logit " << i;
  }
}

}  // namespace
}  // namespace shoprl
