// Tests the top-K off-policy correction's pieces (src/agent/off_policy_correction.cpp) in
// closed form: lambda_K, capped importance weights and their statistics.
#include "agent/off_policy_correction.h"

#include <gtest/gtest.h>

#include <cmath>

namespace shoprl {
namespace {

TEST(TopKMultiplier, IsKTimesOneMinusPiToTheKMinusOne) {
  const torch::Tensor pi = torch::tensor({0.0, 0.1, 0.5, 1.0}, torch::kFloat64);
  const torch::Tensor three = topk_multiplier(pi, 3);
  EXPECT_DOUBLE_EQ(three[0].item<double>(), 3.0);
  EXPECT_DOUBLE_EQ(three[1].item<double>(), 3.0 * 0.81);
  EXPECT_DOUBLE_EQ(three[2].item<double>(), 0.75);
  EXPECT_DOUBLE_EQ(three[3].item<double>(), 0.0);
  // K = 1 is plain REINFORCE: the multiplier is 1 whatever pi.
  EXPECT_TRUE(topk_multiplier(pi, 1).equal(torch::ones_like(pi)));
}

TEST(TopKMultiplier, IsTheDerivativeOfTheChanceToBeAmongKSamples) {
  // alpha(pi) = 1 - (1 - pi)^K; d alpha / d pi must equal lambda_K (Chen et al. eq. 6).
  const torch::Tensor pi = torch::tensor({0.01, 0.2, 0.7}, torch::kFloat64).requires_grad_(true);
  const int k = 5;
  const torch::Tensor alpha = 1.0 - (1.0 - pi).pow(k);
  alpha.sum().backward();
  EXPECT_TRUE(torch::allclose(pi.grad(), topk_multiplier(pi, k), 1e-12, 1e-12));
}

TEST(TopKMultiplier, CarriesNoGradient) {
  const torch::Tensor pi = torch::tensor({0.3}, torch::kFloat64).requires_grad_(true);
  EXPECT_FALSE(topk_multiplier(pi, 4).requires_grad());
  EXPECT_FALSE(
      capped_importance_weights(pi, torch::tensor({0.1}, torch::kFloat64), 5.0).requires_grad());
}

TEST(CappedImportanceWeights, AreTheRatioUpToTheCap) {
  const torch::Tensor pi = torch::tensor({0.2, 0.5, 0.01}, torch::kFloat64);
  const torch::Tensor beta = torch::tensor({0.1, 0.01, 0.02}, torch::kFloat64);
  const torch::Tensor w = capped_importance_weights(pi, beta, 10.0);
  EXPECT_DOUBLE_EQ(w[0].item<double>(), 2.0);
  EXPECT_DOUBLE_EQ(w[1].item<double>(), 10.0);  // 50, capped
  EXPECT_DOUBLE_EQ(w[2].item<double>(), 0.5);
}

TEST(WeightStatistics, MeanMaxCappedShareAndKishEffectiveSampleSize) {
  const torch::Tensor pi = torch::tensor({0.2, 0.5, 0.01}, torch::kFloat64);
  const torch::Tensor beta = torch::tensor({0.1, 0.01, 0.02}, torch::kFloat64);
  const WeightStatistics stats = weight_statistics(pi, beta, 10.0);
  EXPECT_DOUBLE_EQ(stats.mean, 12.5 / 3.0);
  EXPECT_DOUBLE_EQ(stats.max, 10.0);
  EXPECT_DOUBLE_EQ(stats.capped_fraction, 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(stats.effective_sample_size, 12.5 * 12.5 / (4.0 + 100.0 + 0.25));
}

TEST(WeightStatistics, EqualWeightsKeepTheWholeSample) {
  const torch::Tensor pi = torch::full({8}, 0.3, torch::kFloat64);
  const WeightStatistics stats = weight_statistics(pi, pi, 10.0);
  EXPECT_DOUBLE_EQ(stats.mean, 1.0);
  EXPECT_DOUBLE_EQ(stats.capped_fraction, 0.0);
  EXPECT_NEAR(stats.effective_sample_size, 8.0, 1e-12);
}

}  // namespace
}  // namespace shoprl
