// Closed-form toy cases for the bandit estimators, worked by hand, plus exact unbiasedness by
// enumerating every logged (action, reward) of a tiny problem.
#include "eval/bandit/bandit_estimators.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <vector>

namespace shoprl {
namespace {

// The value the shared aggregation computes from the terms (estimator_terms.h).
double value_of(const EstimatorTerms& terms) {
  double offset = 0.0;
  for (const double o : terms.offset) offset += o;
  if (!terms.offset.empty()) offset /= static_cast<double>(terms.offset.size());
  double numerator = 0.0;
  for (const double c : terms.contribution) numerator += c;
  double denominator = static_cast<double>(terms.contribution.size());
  if (terms.self_normalised()) {
    denominator = 0.0;
    for (const double w : terms.normaliser) denominator += w;
  }
  return offset + numerator / denominator;
}

// Three rounds with weights w = 0.5, 3, 4 and a reward model:
//   row  r  mu    pi    w    q_logged  q_target
//   0    1  0.5   0.25  0.5  0.6       0.4
//   1    0  0.25  0.75  3    0.2       0.5
//   2    1  0.2   0.8   4    0.5       0.7
LoggedRounds toy_rounds() {
  LoggedRounds rounds;
  rounds.reward = {1.0, 0.0, 1.0};
  rounds.pscore = {0.5, 0.25, 0.2};
  rounds.target_pscore = {0.25, 0.75, 0.8};
  rounds.position = {0, 0, 0};
  rounds.q_logged = {0.6, 0.2, 0.5};
  rounds.q_target = {0.4, 0.5, 0.7};
  return rounds;
}

LoggedRounds without_model(LoggedRounds rounds) {
  rounds.q_logged.clear();
  rounds.q_target.clear();
  return rounds;
}

TEST(DirectMethod, IsTheMeanOfTheModelsTargetValue) {
  const EstimatorTerms terms = dm_terms(toy_rounds(), OpeConfig{});
  EXPECT_TRUE(terms.declined.empty());
  EXPECT_NEAR(value_of(terms), (0.4 + 0.5 + 0.7) / 3.0, 1e-15);
  EXPECT_TRUE(terms.weights.empty());
  EXPECT_EQ(terms.contribution_min, 0.0);
  EXPECT_EQ(terms.contribution_max, 1.0);
}

TEST(ModelBasedEstimators, DeclineWithoutARewardModel) {
  const LoggedRounds rounds = without_model(toy_rounds());
  for (const auto estimator : {&dm_terms, &dr_terms, &sndr_terms, &switch_dr_terms, &dr_os_terms}) {
    const EstimatorTerms terms = estimator(rounds, OpeConfig{});
    EXPECT_NE(terms.declined.find("needs a reward model"), std::string::npos);
    EXPECT_NE(terms.declined.find("estimated_rewards_by_reg_model"), std::string::npos);
    EXPECT_EQ(terms.units(), 0u);
  }
}

TEST(InversePropensity, WeighsRewardsByThePropensityRatio) {
  const EstimatorTerms terms = ipw_terms(without_model(toy_rounds()), OpeConfig{});
  // (0.5 * 1 + 3 * 0 + 4 * 1) / 3
  EXPECT_NEAR(value_of(terms), 1.5, 1e-15);
  EXPECT_EQ(terms.weights, (std::vector<double>{0.5, 3.0, 4.0}));
  EXPECT_EQ(terms.clipped, 0u);
  // Unclipped: the largest observed weight (4) bounds a term.
  EXPECT_EQ(terms.contribution_min, 0.0);
  EXPECT_EQ(terms.contribution_max, 4.0);
}

TEST(InversePropensity, ClipsWeightsAboveLambda) {
  OpeConfig config;
  config.ipw_clip = 3.5;
  const EstimatorTerms terms = ipw_terms(toy_rounds(), config);
  // (0.5 * 1 + 3 * 0 + 3.5 * 1) / 3
  EXPECT_NEAR(value_of(terms), 4.0 / 3.0, 1e-15);
  EXPECT_EQ(terms.weights, (std::vector<double>{0.5, 3.0, 3.5}));
  EXPECT_EQ(terms.clipped, 1u);
  EXPECT_EQ(terms.contribution_max, 3.5);
  // A weight equal to lambda is not clipped.
  config.ipw_clip = 4.0;
  EXPECT_EQ(ipw_terms(toy_rounds(), config).clipped, 0u);
}

TEST(InversePropensity, ClippedIpwNeverExceedsLambda) {
  LoggedRounds rounds;
  for (int i = 1; i <= 50; ++i) {
    rounds.reward.push_back(1.0);
    rounds.pscore.push_back(1.0 / (i + 1));
    rounds.target_pscore.push_back(1.0);
  }
  OpeConfig config;
  config.ipw_clip = 7.5;
  const EstimatorTerms terms = ipw_terms(rounds, config);
  for (std::size_t i = 0; i < terms.units(); ++i) {
    EXPECT_LE(terms.weights[i], 7.5);
    EXPECT_LE(terms.contribution[i], terms.contribution_max);
  }
  EXPECT_EQ(terms.clipped, 44u);  // weights 8..51
}

TEST(InversePropensity, NegativeRewardsWidenTheRangeBelowZero) {
  LoggedRounds rounds = toy_rounds();
  rounds.reward_min = -2.0;
  const EstimatorTerms terms = ipw_terms(rounds, OpeConfig{});
  EXPECT_EQ(terms.contribution_min, -8.0);
  EXPECT_EQ(terms.contribution_max, 4.0);
}

TEST(SelfNormalizedIpw, DividesByTheSumOfWeights) {
  const EstimatorTerms terms = snipw_terms(toy_rounds(), OpeConfig{});
  // (0.5 + 4) / (0.5 + 3 + 4)
  EXPECT_NEAR(value_of(terms), 0.6, 1e-15);
  EXPECT_EQ(terms.normaliser, (std::vector<double>{0.5, 3.0, 4.0}));
  EXPECT_TRUE(std::isnan(terms.contribution_min));
  EXPECT_TRUE(std::isnan(terms.contribution_max));
}

TEST(DoublyRobust, AddsTheWeightedResidualToTheModel) {
  const EstimatorTerms terms = dr_terms(toy_rounds(), OpeConfig{});
  // 0.4 + 0.5 (1 - 0.6) = 0.6;  0.5 + 3 (0 - 0.2) = -0.1;  0.7 + 4 (1 - 0.5) = 2.7
  ASSERT_EQ(terms.units(), 3u);
  EXPECT_NEAR(terms.contribution[0], 0.6, 1e-15);
  EXPECT_NEAR(terms.contribution[1], -0.1, 1e-15);
  EXPECT_NEAR(terms.contribution[2], 2.7, 1e-15);
  EXPECT_NEAR(value_of(terms), 3.2 / 3.0, 1e-15);
  // [a - W (b - a), b + W (b - a)] with W = 4.
  EXPECT_EQ(terms.contribution_min, -4.0);
  EXPECT_EQ(terms.contribution_max, 5.0);
}

TEST(DoublyRobust, ClipsLikeIpw) {
  OpeConfig config;
  config.ipw_clip = 3.5;
  const EstimatorTerms terms = dr_terms(toy_rounds(), config);
  // Row 2 becomes 0.7 + 3.5 * 0.5 = 2.45.
  EXPECT_NEAR(value_of(terms), (0.6 - 0.1 + 2.45) / 3.0, 1e-15);
  EXPECT_EQ(terms.clipped, 1u);
  EXPECT_EQ(terms.contribution_min, -3.5);
  EXPECT_EQ(terms.contribution_max, 4.5);
}

TEST(DoublyRobust, HasNoRangeWhenTheModelPredictsOutsideTheRewardRange) {
  LoggedRounds rounds = toy_rounds();
  rounds.q_target[1] = 1.2;
  const EstimatorTerms terms = dr_terms(rounds, OpeConfig{});
  EXPECT_TRUE(std::isnan(terms.contribution_min));
  EXPECT_TRUE(std::isnan(terms.contribution_max));
}

TEST(SelfNormalizedDr, NormalisesOnlyTheCorrection) {
  const EstimatorTerms terms = sndr_terms(toy_rounds(), OpeConfig{});
  // DM part 1.6 / 3 = 8/15; correction (0.2 - 0.6 + 2) / 7.5 = 16/75; total 56/75.
  EXPECT_EQ(terms.offset, (std::vector<double>{0.4, 0.5, 0.7}));
  EXPECT_NEAR(value_of(terms), 56.0 / 75.0, 1e-15);
  EXPECT_TRUE(std::isnan(terms.contribution_max));
}

TEST(SwitchDr, KeepsOnlyTheModelWhereTheWeightExceedsLambda) {
  OpeConfig config;
  config.switch_lambda = 3.5;
  EstimatorTerms terms = switch_dr_terms(toy_rounds(), config);
  // Row 2 (w = 4) keeps only q_target = 0.7: (0.6 - 0.1 + 0.7) / 3.
  EXPECT_NEAR(value_of(terms), 0.4, 1e-15);
  EXPECT_EQ(terms.clipped, 1u);
  EXPECT_EQ(terms.weights, (std::vector<double>{0.5, 3.0, 0.0}));
  // lambda bounds the weights a priori: [0 - 3.5, 1 + 3.5].
  EXPECT_EQ(terms.contribution_min, -3.5);
  EXPECT_EQ(terms.contribution_max, 4.5);

  // A weight equal to lambda keeps its correction; just below, it switches.
  config.switch_lambda = 3.0;
  EXPECT_NEAR(value_of(switch_dr_terms(toy_rounds(), config)), 0.4, 1e-15);
  config.switch_lambda = 2.9;
  terms = switch_dr_terms(toy_rounds(), config);
  EXPECT_NEAR(value_of(terms), (0.6 + 0.5 + 0.7) / 3.0, 1e-15);
  EXPECT_EQ(terms.clipped, 2u);
}

TEST(SwitchDr, IsDrWhenLambdaExceedsEveryWeightAndDmAtZero) {
  OpeConfig config;
  config.switch_lambda = 4.0;
  EXPECT_NEAR(value_of(switch_dr_terms(toy_rounds(), config)), 3.2 / 3.0, 1e-15);
  config.switch_lambda = 0.0;
  const EstimatorTerms terms = switch_dr_terms(toy_rounds(), config);
  EXPECT_NEAR(value_of(terms), 1.6 / 3.0, 1e-15);
  EXPECT_EQ(terms.clipped, 3u);
}

TEST(DrOptimisticShrinkage, ShrinksWeightsAsLambdaWOverWSquaredPlusLambda) {
  OpeConfig config;
  config.dr_os_lambda = 4.0;
  const EstimatorTerms terms = dr_os_terms(toy_rounds(), config);
  // w_hat = 4w / (w^2 + 4): 2 / 4.25 = 8/17, 12/13, 16/20 = 4/5.
  ASSERT_EQ(terms.units(), 3u);
  EXPECT_NEAR(terms.weights[0], 8.0 / 17.0, 1e-15);
  EXPECT_NEAR(terms.weights[1], 12.0 / 13.0, 1e-15);
  EXPECT_NEAR(terms.weights[2], 0.8, 1e-15);
  const double expected =
      ((0.4 + 8.0 / 17.0 * 0.4) + (0.5 - 12.0 / 13.0 * 0.2) + (0.7 + 0.8 * 0.5)) / 3.0;
  EXPECT_NEAR(value_of(terms), expected, 1e-15);
  // Rows 1 and 2 have w > sqrt(lambda) = 2, so shrinkage more than halved them.
  EXPECT_EQ(terms.clipped, 2u);
  // w_hat <= sqrt(4) / 2 = 1: [0 - 1, 1 + 1].
  EXPECT_EQ(terms.contribution_min, -1.0);
  EXPECT_EQ(terms.contribution_max, 2.0);
}

TEST(DrOptimisticShrinkage, CountsAWeightAsShrunkOnlyPastRootLambda) {
  LoggedRounds rounds = toy_rounds();
  rounds.target_pscore = {1.0, 0.5, 0.8};  // w = 2, 2, 4
  OpeConfig config;
  config.dr_os_lambda = 4.0;
  const EstimatorTerms terms = dr_os_terms(rounds, config);
  // At w = sqrt(lambda) = 2, w_hat = 8 / 8 = 1 = w / 2 exactly: not counted.
  EXPECT_EQ(terms.weights[0], 1.0);
  EXPECT_EQ(terms.clipped, 1u);
}

TEST(DrOptimisticShrinkage, ShrunkWeightNeverExceedsHalfRootLambda) {
  for (const double lambda : {0.01, 1.0, 4.0, 100.0, 1e4}) {
    LoggedRounds rounds;
    for (int i = 0; i <= 400; ++i) {
      rounds.reward.push_back(1.0);
      rounds.pscore.push_back(1.0);
      rounds.target_pscore.push_back(0.25 * i);  // w in [0, 100]
      rounds.q_logged.push_back(0.0);
      rounds.q_target.push_back(0.0);
    }
    OpeConfig config;
    config.dr_os_lambda = lambda;
    const EstimatorTerms terms = dr_os_terms(rounds, config);
    for (const double shrunk : terms.weights) EXPECT_LE(shrunk, 0.5 * std::sqrt(lambda) + 1e-15);
  }
}

TEST(DrOptimisticShrinkage, IsDmAtLambdaZeroAndApproachesDrForLargeLambda) {
  OpeConfig config;
  config.dr_os_lambda = 0.0;
  EstimatorTerms terms = dr_os_terms(toy_rounds(), config);
  EXPECT_NEAR(value_of(terms), 1.6 / 3.0, 1e-15);
  EXPECT_EQ(terms.clipped, 3u);
  // w_hat = w / (1 + w^2 / lambda): with lambda = 1e12 each weight moves by < 1e-10.
  config.dr_os_lambda = 1e12;
  terms = dr_os_terms(toy_rounds(), config);
  EXPECT_NEAR(value_of(terms), 3.2 / 3.0, 1e-10);
  EXPECT_EQ(terms.clipped, 0u);
}

// One context, three actions, Bernoulli rewards. Every possible one-round log (action a with
// probability mu(a), reward 1 with probability p(a)) is enumerated, so E_mu[estimate] is
// exact; an unbiased estimator's expectation equals V(pi) = sum_a pi(a) p(a).
struct TinyBandit {
  std::vector<double> mu = {0.5, 0.3, 0.2};
  std::vector<double> pi = {0.1, 0.3, 0.6};
  std::vector<double> click = {0.7, 0.4, 0.2};
  std::vector<double> model = {0.3, 0.9, 0.5};  // a deliberately wrong reward model

  double true_value() const {
    double v = 0.0;
    for (std::size_t a = 0; a < pi.size(); ++a) v += pi[a] * click[a];
    return v;
  }
  double model_target_value() const {
    double v = 0.0;
    for (std::size_t a = 0; a < pi.size(); ++a) v += pi[a] * model[a];
    return v;
  }
  template <typename Estimator>
  double expected_estimate(Estimator estimator, const OpeConfig& config) const {
    double expectation = 0.0;
    for (std::size_t a = 0; a < mu.size(); ++a) {
      for (const double r : {0.0, 1.0}) {
        LoggedRounds rounds;
        rounds.reward = {r};
        rounds.pscore = {mu[a]};
        rounds.target_pscore = {pi[a]};
        rounds.position = {0};
        rounds.q_logged = {model[a]};
        rounds.q_target = {model_target_value()};
        const double probability = mu[a] * (r == 1.0 ? click[a] : 1.0 - click[a]);
        expectation += probability * value_of(estimator(rounds, config));
      }
    }
    return expectation;
  }
};

TEST(BanditUnbiasedness, IpwAndDrAreExactlyUnbiasedWithAWrongModel) {
  const TinyBandit bandit;
  const OpeConfig config;
  EXPECT_NEAR(bandit.expected_estimate(&ipw_terms, config), bandit.true_value(), 1e-12);
  EXPECT_NEAR(bandit.expected_estimate(&dr_terms, config), bandit.true_value(), 1e-12);
  // The test can fail: the wrong model's direct method is biased.
  EXPECT_GT(std::abs(bandit.expected_estimate(&dm_terms, config) - bandit.true_value()), 0.1);
}

TEST(BanditUnbiasedness, SwitchDrIsUnbiasedWhenItSwitchesNoWeight) {
  const TinyBandit bandit;  // weights 0.2, 1, 3
  OpeConfig config;
  config.switch_lambda = 3.0;
  EXPECT_NEAR(bandit.expected_estimate(&switch_dr_terms, config), bandit.true_value(), 1e-12);
  config.switch_lambda = 2.0;  // switching off action 2 biases it
  EXPECT_GT(std::abs(bandit.expected_estimate(&switch_dr_terms, config) - bandit.true_value()),
            1e-3);
}

}  // namespace
}  // namespace shoprl
