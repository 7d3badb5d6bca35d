#include "eval/torch/mlp_reward_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "core/seeding.h"
#include "eval/held_out_predictions.h"
#include "eval/logistic_reward_model.h"
#include "eval/reward_model.h"

namespace shoprl {
namespace {

std::vector<std::size_t> first_rows(std::size_t n) {
  std::vector<std::size_t> rows(n);
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  return rows;
}

// XOR: the reward probability is 0.9 where x1 and x2 have the same sign, 0.1 elsewhere. No
// additive (logistic) model does better than the marginal rate; the Bayes log-loss is H(0.1).
double xor_probability(double x1, double x2) { return x1 * x2 > 0 ? 0.9 : 0.1; }

RewardModelData xor_data(std::size_t n, std::uint64_t seed) {
  RewardModelData d;
  d.rows = n;
  d.context_dim = 2;
  d.actions = 2;
  d.seed = seed;
  Rng rng = make_rng(seed, 1);
  for (std::size_t i = 0; i < n; ++i) {
    const double x1 = 2.0 * uniform01(rng) - 1.0;
    const double x2 = 2.0 * uniform01(rng) - 1.0;
    d.context.push_back(x1);
    d.context.push_back(x2);
    d.action.push_back(static_cast<std::int32_t>(uniform_index(rng, 2)));
    d.position.push_back(0);
    d.reward.push_back(uniform01(rng) < xor_probability(x1, x2) ? 1.0 : 0.0);
  }
  return d;
}

double log_loss(double q, double r) {
  q = std::clamp(q, 1e-12, 1.0 - 1e-12);
  return -(r * std::log(q) + (1 - r) * std::log(1 - q));
}

TEST(MlpRewardModel, LearnsAnInteractionThatLogisticRegressionCannot) {
  const std::size_t train = 6000, test = 4000;
  const RewardModelData data = xor_data(train + test, 21);
  RewardModelConfig config;
  config.hidden = 32;
  config.epochs = 60;
  config.batch_size = 128;
  config.learning_rate = 0.01;
  config.l2 = 0.0;
  const MlpRewardModel mlp(config, data, first_rows(train), 1);
  EXPECT_FALSE(mlp.squared_error());
  const LogisticRewardModel logistic(config, data, first_rows(train));

  double mlp_loss = 0, logistic_loss = 0, bayes_loss = 0;
  double q[2];
  for (std::size_t row = train; row < train + test; ++row) {
    const double r = data.reward[row];
    mlp.predict(row, 0, q);
    mlp_loss += log_loss(q[data.action[row]], r);
    logistic.predict(row, 0, q);
    logistic_loss += log_loss(q[data.action[row]], r);
    bayes_loss += log_loss(xor_probability(data.context[2 * row], data.context[2 * row + 1]), r);
  }
  mlp_loss /= test;
  logistic_loss /= test;
  bayes_loss /= test;
  // Paired on the same held-out rows, so the sampling noise of the rewards (sd 0.55 per row,
  // 0.009 for the mean) largely cancels in the differences. Expected values: logistic about
  // H(0.5) = 0.693, Bayes H(0.1) = 0.325. The MLP's excess over Bayes is estimation error
  // (about parameters / 2n = 0.013) plus its smoothing of the step at the axes; measured 0.042
  // with LibTorch 1.13. The margin 0.08 allows for another initialisation (LibTorch 2.x) and
  // is still far below the logistic model's excess of 0.36.
  RecordProperty("mlp_loss", std::to_string(mlp_loss));
  RecordProperty("logistic_loss", std::to_string(logistic_loss));
  RecordProperty("bayes_loss", std::to_string(bayes_loss));
  EXPECT_LT(mlp_loss, logistic_loss - 0.25);
  EXPECT_LT(mlp_loss, bayes_loss + 0.08);
  EXPECT_GT(logistic_loss, 0.65);
}

TEST(MlpRewardModel, TheSameSeedGivesTheSamePredictions) {
  RewardModelData data = xor_data(600, 4);
  RewardModelConfig config;
  config.kind = "mlp";
  config.epochs = 3;
  config.batch_size = 64;
  const std::vector<double> first =
      fit_reward_model(config, data, train_mlp_reward_model)->predict_logged();
  const std::vector<double> second =
      fit_reward_model(config, data, train_mlp_reward_model)->predict_logged();
  EXPECT_EQ(first, second);
  data.seed = 5;
  const std::vector<double> other_seed =
      fit_reward_model(config, data, train_mlp_reward_model)->predict_logged();
  EXPECT_NE(first, other_seed);
}

// Rewards outside [0, 1] switch the loss to squared error; with no context the fit is the mean
// reward of each action (least squares on a one-hot).
TEST(MlpRewardModel, RewardsOutsideTheUnitIntervalAreFittedBySquaredError) {
  RewardModelData data;
  data.rows = 4000;
  data.actions = 2;
  Rng rng = make_rng(9, 0);
  double sum[2] = {0, 0}, count[2] = {0, 0};
  for (std::size_t i = 0; i < data.rows; ++i) {
    const int a = static_cast<int>(i % 2);
    const bool hit = uniform01(rng) < 0.5;
    const double r = a == 0 ? (hit ? 1.2 : 0.0) : (hit ? 0.2 : 0.0);
    data.action.push_back(a);
    data.position.push_back(0);
    data.reward.push_back(r);
    sum[a] += r;
    count[a] += 1;
  }
  RewardModelConfig config;
  config.hidden = 8;
  config.epochs = 30;
  config.batch_size = 256;
  config.learning_rate = 0.003;
  config.l2 = 0.0;
  const MlpRewardModel model(config, data, first_rows(data.rows), 3);
  EXPECT_TRUE(model.squared_error());
  double q[2];
  model.predict(0, 0, q);
  // Minibatch Adam at this step size wanders about the least-squares optimum by well under
  // 0.02 (the rewards' own standard errors are 0.013 and 0.002; the target here is the
  // empirical mean, so they do not enter).
  EXPECT_NEAR(q[0], sum[0] / count[0], 0.02);
  EXPECT_NEAR(q[1], sum[1] / count[1], 0.02);
}

TEST(MlpRewardModel, CrossFittedRowsArePredictedByAModelThatNeverSawThem) {
  RewardModelConfig config;
  config.kind = "mlp";
  config.folds = 3;
  config.epochs = 5;
  config.hidden = 8;
  config.batch_size = 32;
  testing::expect_held_out_predictions(config, 120, train_mlp_reward_model);
}

}  // namespace
}  // namespace shoprl
