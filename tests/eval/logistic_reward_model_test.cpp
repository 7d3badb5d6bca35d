#include "eval/logistic_reward_model.h"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "core/seeding.h"
#include "env/statistics.h"
#include "eval/reward_model.h"

namespace shoprl {
namespace {

std::vector<std::size_t> all_rows(std::size_t n) {
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  return rows;
}

double sigmoid_of(double eta) { return 1.0 / (1.0 + std::exp(-eta)); }

// A known logistic model: eta = 0.8 x1 - 0.5 x2 + effect[a] + slot[pos] + intercept, with the
// action effects carried partly by one action feature (f = 0, 1, -1).
struct KnownLogisticModel {
  double w1 = 0.8, w2 = -0.5;
  std::vector<double> effect = {0.0, 0.6, -0.4};
  std::vector<double> slot = {0.0, -0.7};
  double intercept = -0.3;

  double eta(const RewardModelData& d, std::size_t row) const {
    return w1 * d.context[2 * row] + w2 * d.context[2 * row + 1] + effect[d.action[row]] +
           slot[d.position[row]] + intercept;
  }
};

RewardModelData generate(const KnownLogisticModel& truth, std::size_t n, std::uint64_t seed) {
  RewardModelData d;
  d.rows = n;
  d.context_dim = 2;
  d.actions = 3;
  d.len_list = 2;
  d.action_feature_dim = 1;
  d.action_features = {0.0, 1.0, -1.0};
  Rng rng = make_rng(seed, 1);
  for (std::size_t i = 0; i < n; ++i) {
    d.context.push_back(2.0 * uniform01(rng) - 1.0);
    d.context.push_back(2.0 * uniform01(rng) - 1.0);
    d.action.push_back(static_cast<std::int32_t>(uniform_index(rng, 3)));
    d.position.push_back(static_cast<std::int32_t>(uniform_index(rng, 2)));
    d.reward.push_back(uniform01(rng) < sigmoid_of(truth.eta(d, i)) ? 1.0 : 0.0);
  }
  return d;
}

TEST(LogisticRewardModel, RecoversKnownCoefficientsWithinTheirStandardErrors) {
  const KnownLogisticModel truth;
  const RewardModelData data = generate(truth, 40000, 7);
  RewardModelConfig config;
  config.l2 = 0.0;
  const LogisticRewardModel model(config, data, all_rows(data.rows));
  EXPECT_TRUE(model.converged());

  // The identified parameters, in reference coding: w1, w2, effect[1] - effect[0],
  // effect[2] - effect[0], slot[1] - slot[0], and eta at x = 0, action 0, slot 0.
  const Eigen::VectorXd effects =
      model.action_bias() + model.action_feature_weights()[0] * Eigen::Vector3d(0.0, 1.0, -1.0);
  Eigen::VectorXd fitted(6), expected(6);
  fitted << model.context_weights()[0], model.context_weights()[1], effects[1] - effects[0],
      effects[2] - effects[0], model.slot_bias()[1] - model.slot_bias()[0],
      model.intercept() + effects[0] + model.slot_bias()[0];
  expected << truth.w1, truth.w2, truth.effect[1], truth.effect[2], truth.slot[1], truth.intercept;

  // Standard errors from the inverse Fisher information sum_i p_i (1 - p_i) z_i z_i' at the
  // true parameters (the MLE's asymptotic covariance).
  Eigen::MatrixXd fisher = Eigen::MatrixXd::Zero(6, 6);
  for (std::size_t i = 0; i < data.rows; ++i) {
    Eigen::VectorXd z(6);
    z << data.context[2 * i], data.context[2 * i + 1], data.action[i] == 1, data.action[i] == 2,
        data.position[i] == 1, 1.0;
    const double p = sigmoid_of(truth.eta(data, i));
    fisher += p * (1 - p) * z * z.transpose();
  }
  const Eigen::MatrixXd covariance = fisher.inverse();
  // 4.5 standard errors: P(|Z| > 4.5) = 6.8e-6 per coefficient, 4e-5 for the six (union bound).
  for (int j = 0; j < 6; ++j) {
    const double se = std::sqrt(covariance(j, j));
    EXPECT_LT(se, 0.05) << "coefficient " << j << ": the test has too little data to mean much";
    EXPECT_NEAR(fitted[j], expected[j], testing::kSigmas * se) << "coefficient " << j;
  }
}

TEST(LogisticRewardModel, PredictGivesEveryActionAndPredictLoggedTheLoggedOne) {
  const RewardModelData data = generate(KnownLogisticModel{}, 2000, 3);
  RewardModelConfig config;
  const LogisticRewardModel model(config, data, all_rows(data.rows));
  const std::vector<double> logged = model.predict_logged();
  ASSERT_EQ(logged.size(), data.rows);
  double by_action[3];
  for (std::size_t row = 0; row < 50; ++row) {
    model.predict(row, data.position[row], by_action);
    EXPECT_DOUBLE_EQ(logged[row], by_action[data.action[row]]);
    for (int a = 0; a < 3; ++a) {
      EXPECT_NEAR(by_action[a], sigmoid_of(model.logit(row, a, data.position[row])), 1e-12);
    }
  }
}

// With every weight shrunk to zero the unpenalised intercept alone fits: q = mean reward.
TEST(LogisticRewardModel, HeavyL2LeavesOnlyTheUnpenalisedInterceptAtTheMeanReward) {
  const RewardModelData data = generate(KnownLogisticModel{}, 5000, 11);
  RewardModelConfig config;
  config.l2 = 1e6;
  const LogisticRewardModel model(config, data, all_rows(data.rows));
  const double mean =
      std::accumulate(data.reward.begin(), data.reward.end(), 0.0) / static_cast<double>(data.rows);
  for (double q : model.predict_logged()) EXPECT_NEAR(q, mean, 1e-5);
}

TEST(LogisticRewardModel, L2ShrinksTheWeights) {
  const RewardModelData data = generate(KnownLogisticModel{}, 5000, 13);
  double previous = INFINITY;
  for (double l2 : {0.0, 0.01, 0.1, 1.0}) {
    RewardModelConfig config;
    config.l2 = l2;
    const LogisticRewardModel model(config, data, all_rows(data.rows));
    const double norm = model.context_weights().norm();
    EXPECT_LT(norm, previous) << "l2 " << l2;
    previous = norm;
  }
}

// Perfectly separable data has no finite unpenalised optimum; the fit must still be finite and
// on the right side, even with l2 = 0.
TEST(LogisticRewardModel, SeparableDataStaysFinite) {
  RewardModelData data;
  data.rows = 1000;
  data.context_dim = 1;
  data.actions = 2;
  Rng rng = make_rng(5, 0);
  for (std::size_t i = 0; i < data.rows; ++i) {
    const double x = 2.0 * uniform01(rng) - 1.0;
    data.context.push_back(x);
    data.action.push_back(static_cast<std::int32_t>(i % 2));
    data.position.push_back(0);
    data.reward.push_back(x > 0 ? 1.0 : 0.0);
  }
  RewardModelConfig config;
  config.l2 = 0.0;
  const LogisticRewardModel model(config, data, all_rows(data.rows));
  EXPECT_TRUE(std::isfinite(model.context_weights()[0]));
  EXPECT_TRUE(std::isfinite(model.intercept()));
  EXPECT_GT(model.context_weights()[0], 10.0);
  const std::vector<double> q = model.predict_logged();
  for (std::size_t i = 0; i < data.rows; ++i) {
    ASSERT_TRUE(std::isfinite(q[i])) << i;
    if (data.context[i] > 0.2) {
      EXPECT_GT(q[i], 0.99) << i;
    }
    if (data.context[i] < -0.2) {
      EXPECT_LT(q[i], 0.01) << i;
    }
  }

  // All rewards equal: the intercept alone separates.
  std::fill(data.reward.begin(), data.reward.end(), 1.0);
  const LogisticRewardModel constant(config, data, all_rows(data.rows));
  EXPECT_TRUE(std::isfinite(constant.intercept()));
  for (double value : constant.predict_logged()) EXPECT_GT(value, 0.999);
}

// Rewards outside [0, 1] (click 0.2, purchase 1.2) are fitted on [0, 1.2] and mapped back: with
// the weights shrunk away q is the mean reward.
TEST(LogisticRewardModel, RewardsOutsideTheUnitIntervalAreRescaled) {
  RewardModelData data = generate(KnownLogisticModel{}, 3000, 17);
  for (std::size_t i = 0; i < data.rows; ++i) {
    data.reward[i] = (i % 3 == 0) ? 1.2 : (i % 3 == 1 ? 0.2 : 0.0);
  }
  RewardModelConfig config;
  config.l2 = 1e6;
  const LogisticRewardModel model(config, data, all_rows(data.rows));
  const double mean =
      std::accumulate(data.reward.begin(), data.reward.end(), 0.0) / static_cast<double>(data.rows);
  for (double q : model.predict_logged()) EXPECT_NEAR(q, mean, 1e-5);
}

TEST(LogisticRewardModel, InvalidDataNamesTheFieldAndRow) {
  RewardModelData data = generate(KnownLogisticModel{}, 10, 1);
  data.action[3] = 7;
  RewardModelConfig config;
  try {
    fit_reward_model(config, data);
    FAIL() << "nothing thrown";
  } catch (const DataError& error) {
    EXPECT_NE(std::string(error.what()).find("action row 3"), std::string::npos) << error.what();
  }
  data.action[3] = 0;
  data.reward[5] = NAN;
  EXPECT_THROW(fit_reward_model(config, data), DataError);
  data.reward[5] = 0;
  data.context.pop_back();
  EXPECT_THROW(fit_reward_model(config, data), DataError);
  RewardModelData empty;
  EXPECT_THROW(fit_reward_model(config, empty), DataError);
  config.kind = "none";
  EXPECT_EQ(fit_reward_model(config, empty), nullptr);
}

}  // namespace
}  // namespace shoprl
