// Tests the learned environment (src/sim/learned_env.cpp): the slate response against its
// closed form with hand-set models, the uncertainty penalty and the ensemble's disagreement,
// the state it keeps against an encoding of the observed history, and determinism whatever
// env.threads.
#include "sim/learned_env.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "data/event_type.h"
#include "env/statistics.h"
#include "env/tiny_world.h"
#include "sim/fitted_simulator.h"
#include "sim/tiny_simulator.h"

namespace shoprl {
namespace {

using testing::binomial_std_error;
using testing::constant_model;
using testing::kSigmas;
using testing::log_softmax;
using testing::random_slates;
using testing::tiny_calibration;
using testing::tiny_model_config;
using testing::tiny_simulator;

const std::vector<double> kBiasA = {0.5, -0.3, 1.2, 0.0, -1.0, 0.8, 0.1, -0.5};
const std::vector<double> kBiasB = {-0.4, 0.9, 0.2, 0.6, 0.3, -1.1, 1.0, 0.0};

EnvConfig env_config(int slate_size, int threads = 1) {
  EnvConfig env;
  env.slate_size = slate_size;
  env.history_length = 8;
  env.max_steps = 1000;
  env.threads = threads;
  return env;
}

// P(click slot k) of the MNL: exp(a log p_k - b_k) / (exp(u0) + sum_j exp(a log p_j - b_j)),
// a the preference scale.
std::vector<double> click_probabilities(const std::vector<double>& bias,
                                        const std::vector<std::int32_t>& slate,
                                        const ResponseCalibration& c) {
  const std::vector<double> log_p = log_softmax(bias);
  std::vector<double> w;
  double total = std::exp(c.no_click_utility);
  for (std::size_t k = 0; k < slate.size(); ++k) {
    w.push_back(std::exp(c.preference_scale * log_p[slate[k]] - c.position_bias[k]));
    total += w.back();
  }
  for (double& x : w) x /= total;
  return w;
}

// A constant model buys with probability 1/2.
double expected_reward(const std::vector<double>& bias, const std::int32_t* slate, int k,
                       const ResponseCalibration& c, const EnvConfig& env) {
  const std::vector<double> p =
      click_probabilities(bias, std::vector<std::int32_t>(slate, slate + k), c);
  double r = 0;
  for (double x : p) r += x * (env.click_reward + env.purchase_reward * 0.5);
  return r;
}

TEST(LearnedEnv, ResponseFollowsTheClosedForm) {
  ResponseCalibration calibration = tiny_calibration(-0.5, {0.0, 0.4, 0.8}, 0.6, 0.25);
  calibration.preference_scale = 0.6;
  FittedSimulator simulator = tiny_simulator({constant_model(kBiasA)}, 3, calibration);
  LearnedEnv env(simulator, env_config(3), 0.0, "cpu");
  constexpr std::int64_t kUsers = 2000;
  constexpr int kSteps = 5;
  env.reset(11, kUsers);

  // Entry events come from p(item | start) = softmax(bias).
  const std::vector<double> log_p = log_softmax(kBiasA);
  std::int64_t entry_hits = 0;
  for (std::int64_t i = 0; i < kUsers; ++i) {
    ASSERT_EQ(env.history_lengths()[i], 1);
    EXPECT_EQ(env.history_types()[i * 8], static_cast<std::int64_t>(EventType::kClick));
    entry_hits += env.history_items()[i * 8] == 2;
  }
  const double p_entry = std::exp(log_p[2]);
  EXPECT_NEAR(static_cast<double>(entry_hits) / kUsers, p_entry,
              kSigmas * binomial_std_error(p_entry, kUsers));

  const std::vector<std::int32_t> slate = {2, 5, 0};
  std::vector<std::int32_t> slates;
  for (std::int64_t i = 0; i < kUsers; ++i) slates.insert(slates.end(), slate.begin(), slate.end());
  std::vector<std::int64_t> clicks(4, 0);
  std::int64_t purchases = 0, quiet = 0, quiet_left = 0, no_click = 0, organic = 0;
  std::int64_t organic_hits = 0, eventful = 0, eventful_left = 0;
  for (int step = 0; step < kSteps; ++step) {
    env.step(slates);
    for (std::int64_t i = 0; i < kUsers; ++i) {
      const std::int32_t slot = env.clicked_slots()[i];
      ++clicks[slot >= 0 ? slot : 3];
      purchases += env.purchased()[i];
      const std::int32_t organic_item = env.organic_items()[i];
      if (slot < 0) {
        ++no_click;
        organic += organic_item >= 0;
        organic_hits += organic_item == 2;
      }
      const bool event = slot >= 0 || organic_item >= 0;
      (event ? eventful : quiet) += 1;
      (event ? eventful_left : quiet_left) += env.dones()[i];
      EXPECT_FALSE(env.truncations()[i]);
    }
  }
  const std::int64_t n = kUsers * kSteps;
  const std::vector<double> p = click_probabilities(kBiasA, slate, calibration);
  const double p_none = 1 - p[0] - p[1] - p[2];
  for (int k = 0; k < 4; ++k) {
    const double expected = k < 3 ? p[k] : p_none;
    EXPECT_NEAR(static_cast<double>(clicks[k]) / n, expected,
                kSigmas * binomial_std_error(expected, n))
        << "slot " << k;
  }
  const std::int64_t clicked = n - clicks[3];
  EXPECT_NEAR(static_cast<double>(purchases) / clicked, 0.5,
              kSigmas * binomial_std_error(0.5, clicked));
  EXPECT_NEAR(static_cast<double>(organic) / no_click, 0.6,
              kSigmas * binomial_std_error(0.6, no_click));
  EXPECT_NEAR(static_cast<double>(organic_hits) / organic, p_entry,
              kSigmas * binomial_std_error(p_entry, organic));
  EXPECT_NEAR(static_cast<double>(quiet_left) / quiet, 0.25,
              kSigmas * binomial_std_error(0.25, quiet));
  EXPECT_NEAR(static_cast<double>(eventful_left) / eventful, 0.5,
              kSigmas * binomial_std_error(0.5, eventful));
}

// With a fitted leave hazard, leaving follows the hazard of the session's slates, not the end
// head (which says 1/2 for a constant model) nor quiet_leave: with decay 0 the hazard sees
// the last slate alone, 0.1 after a click and 0.6 after a slate without one, whatever the
// organic click.
TEST(LearnedEnv, AFittedLeaveHazardDecidesWhoLeaves) {
  ResponseCalibration calibration = tiny_calibration(-0.5, {0.0, 0.4, 0.8}, 0.6, 0.25);
  calibration.leave.decays = {0.0};
  const double after_click = 0.1, after_miss = 0.6;
  const double base = std::log(after_click / (1 - after_click));
  calibration.leave.weights = {base, 0.0, 0.0, std::log(after_miss / (1 - after_miss)) - base};
  FittedSimulator simulator = tiny_simulator({constant_model(kBiasA)}, 3, calibration);
  LearnedEnv env(simulator, env_config(3), 0.0, "cpu");
  constexpr std::int64_t kUsers = 2000;
  env.reset(12, kUsers);
  const std::vector<std::int32_t> slate = {2, 5, 0};
  std::vector<std::int32_t> slates;
  for (std::int64_t i = 0; i < kUsers; ++i) slates.insert(slates.end(), slate.begin(), slate.end());
  std::int64_t clicked = 0, clicked_left = 0, missed = 0, missed_left = 0;
  for (int step = 0; step < 6; ++step) {
    env.step(slates);
    for (std::int64_t i = 0; i < kUsers; ++i) {
      const bool click = env.clicked_slots()[i] >= 0;
      (click ? clicked : missed) += 1;
      (click ? clicked_left : missed_left) += env.dones()[i];
    }
  }
  EXPECT_NEAR(static_cast<double>(clicked_left) / clicked, after_click,
              kSigmas * binomial_std_error(after_click, clicked));
  EXPECT_NEAR(static_cast<double>(missed_left) / missed, after_miss,
              kSigmas * binomial_std_error(after_miss, missed));
}

TEST(LearnedEnv, PenaltyTakesLambdaTimesDisagreementOffTheReward) {
  const ResponseCalibration calibration = tiny_calibration(-0.5, {0.0, 0.4, 0.8}, 0.6, 0.25);
  FittedSimulator simulator =
      tiny_simulator({constant_model(kBiasA), constant_model(kBiasB)}, 3, calibration);
  constexpr double kLambda = 0.7;
  constexpr std::int64_t kUsers = 300;
  const EnvConfig config = env_config(3);
  LearnedEnv plain(simulator, config, 0.0, "cpu");
  LearnedEnv penalised(simulator, config, kLambda, "cpu");
  plain.reset(5, kUsers);
  penalised.reset(5, kUsers);
  bool members_differ = false;
  for (std::int64_t i = 0; i < kUsers; ++i) members_differ |= plain.member(i) != plain.member(0);
  EXPECT_TRUE(members_differ);
  for (int step = 0; step < 3; ++step) {
    const std::vector<std::int32_t> slates = random_slates(kUsers, 3, 8, step);
    plain.step(slates);
    penalised.step(slates);
    for (std::int64_t i = 0; i < kUsers; ++i) {
      ASSERT_EQ(plain.click_masks()[i], penalised.click_masks()[i]);
      ASSERT_EQ(plain.purchase_masks()[i], penalised.purchase_masks()[i]);
      const float d = penalised.disagreements()[i];
      EXPECT_EQ(plain.disagreements()[i], d);
      EXPECT_EQ(penalised.rewards()[i], plain.rewards()[i] - static_cast<float>(kLambda * d));
      // The population standard deviation of the two members' expected rewards.
      const double a = expected_reward(kBiasA, &slates[i * 3], 3, calibration, config);
      const double b = expected_reward(kBiasB, &slates[i * 3], 3, calibration, config);
      EXPECT_NEAR(d, std::abs(a - b) / 2, 1e-5);
    }
  }
  // metrics() count what users did, unpenalised.
  EXPECT_DOUBLE_EQ(plain.metrics().reward_per_step, penalised.metrics().reward_per_step);
}

TEST(LearnedEnv, OneMemberHasNoDisagreement) {
  const ResponseCalibration calibration = tiny_calibration(-0.5, {0.0, 0.4, 0.8}, 0.6, 0.25);
  FittedSimulator simulator = tiny_simulator({constant_model(kBiasA)}, 3, calibration);
  const EnvConfig config = env_config(3);
  LearnedEnv env(simulator, config, 1.0, "cpu");
  env.reset(5, 100);
  for (int step = 0; step < 3; ++step) {
    env.step(random_slates(100, 3, 8, step));
    for (std::int64_t i = 0; i < 100; ++i) {
      EXPECT_EQ(env.disagreements()[i], 0.0f);
      EXPECT_EQ(env.rewards()[i],
                static_cast<float>(config.reward(__builtin_popcount(env.click_masks()[i]),
                                                 __builtin_popcount(env.purchase_masks()[i]))));
    }
  }
}

// Members with random weights, so that states depend on what users did.
std::vector<UserModel> random_members(const UserModelConfig& config, int count,
                                      std::uint64_t seed) {
  torch::manual_seed(seed);
  std::vector<UserModel> members;
  for (int m = 0; m < count; ++m) {
    members.emplace_back(config, 8);
    torch::NoGradGuard no_grad;
    for (torch::Tensor& p : members.back()->parameters()) p.mul_(3.0);  // sharper responses
  }
  return members;
}

struct Trace {
  std::vector<float> rewards, disagreements;
  std::vector<std::int64_t> history;
  std::vector<std::uint8_t> dones;
  std::vector<std::int32_t> members;
};

Trace run(FittedSimulator& simulator, int threads, std::uint64_t seed) {
  constexpr std::int64_t kUsers = 600;  // three chunks of BatchEnv's 256
  LearnedEnv env(simulator, env_config(3, threads), 0.3, "cpu");
  env.reset(seed, kUsers);
  Trace t;
  for (int step = 0; step < 6; ++step) {
    env.step(random_slates(kUsers, 3, 8, step));
    t.rewards.insert(t.rewards.end(), env.rewards(), env.rewards() + kUsers);
    t.disagreements.insert(t.disagreements.end(), env.disagreements(),
                           env.disagreements() + kUsers);
    t.history.insert(t.history.end(), env.history_items(), env.history_items() + kUsers * 8);
    t.dones.insert(t.dones.end(), env.dones(), env.dones() + kUsers);
    for (std::int64_t i = 0; i < kUsers; ++i) t.members.push_back(env.member(i));
  }
  return t;
}

TEST(LearnedEnv, ThreadsAndRepeatsGiveTheSameNumbers) {
  FittedSimulator simulator = tiny_simulator(random_members(tiny_model_config(), 2, 3), 3,
                                             tiny_calibration(-1.0, {0, 0.3, 0.5}, 0.5, 0.2));
  const Trace one = run(simulator, 1, 21);
  const Trace two = run(simulator, 2, 21);
  const Trace again = run(simulator, 1, 21);
  const Trace other = run(simulator, 1, 22);
  EXPECT_EQ(one.rewards, two.rewards);
  EXPECT_EQ(one.disagreements, two.disagreements);
  EXPECT_EQ(one.history, two.history);
  EXPECT_EQ(one.dones, two.dones);
  EXPECT_EQ(one.members, two.members);
  EXPECT_EQ(one.rewards, again.rewards);
  EXPECT_EQ(one.history, again.history);
  EXPECT_NE(one.history, other.history);
}

// The state the environment keeps for each member must be the encoding of the session as the
// agent observes it: the disagreement reported for a step, recomputed from the history
// observed before it (history_length = the attention window, so nothing is cut differently),
// matches.
class LearnedEnvState : public ::testing::TestWithParam<const char*> {};

TEST_P(LearnedEnvState, DisagreementIsScoredAtTheObservedHistory) {
  constexpr int kLength = 8;
  FittedSimulator simulator =
      tiny_simulator(random_members(tiny_model_config(GetParam(), kLength), 2, 4), 3,
                     tiny_calibration(-1.0, {0, 0.3, 0.5}, 0.7, 0.1));
  const EnvConfig config = env_config(3);
  ASSERT_EQ(config.history_length, kLength);
  LearnedEnv env(simulator, config, 0.0, "cpu");
  // Enough users and steps that some sessions outlive the window whatever the untrained end
  // head says (it leaves about half the time).
  constexpr std::int64_t kUsers = 200;
  env.reset(9, kUsers);
  torch::NoGradGuard no_grad;
  bool saw_full_history = false;
  for (int step = 0; step < 14; ++step) {
    const std::vector<std::int32_t> slates = random_slates(kUsers, 3, 8, step + 100);
    const torch::Tensor items = torch::from_blob(const_cast<std::int64_t*>(env.history_items()),
                                                 {kUsers, kLength}, torch::kLong)
                                    .clone();
    const torch::Tensor types = torch::from_blob(const_cast<std::int64_t*>(env.history_types()),
                                                 {kUsers, kLength}, torch::kLong)
                                    .clone();
    std::vector<std::int64_t> length(env.history_lengths(), env.history_lengths() + kUsers);
    for (std::int64_t l : length) saw_full_history |= l == kLength;
    const torch::Tensor shown =
        torch::tensor(std::vector<std::int64_t>(slates.begin(), slates.end())).view({kUsers, 3});
    std::vector<torch::Tensor> rewards;
    for (UserModel& model : simulator.members) {
      const torch::Tensor state = model->encoder()->last_state(items, types, torch::tensor(length));
      const torch::Tensor log_p =
          model->item_logits(state, shown) - model->log_normalizer(state).unsqueeze(1);
      const torch::Tensor bias = torch::tensor({0.0, 0.3, 0.5}).to(torch::kFloat);
      const torch::Tensor choice =
          torch::softmax(torch::cat({log_p - bias, torch::full({kUsers, 1}, -1.0f)}, 1), 1)
              .narrow(1, 0, 3);
      const torch::Tensor buy = torch::sigmoid(model->purchase_logits(state, shown));
      rewards.push_back((choice * (config.click_reward + config.purchase_reward * buy)).sum(1));
    }
    const torch::Tensor expected = (rewards[0] - rewards[1]).abs() / 2;
    env.step(slates);
    for (std::int64_t i = 0; i < kUsers; ++i) {
      // The GRU's state covers the events a full history has dropped; compare only where the
      // history may still hold the whole session.
      if (std::string(GetParam()) == "gru" && length[i] == kLength) continue;
      EXPECT_NEAR(env.disagreements()[i], expected[i].item<float>(), 1e-5)
          << "step " << step << " user " << i;
    }
  }
  EXPECT_TRUE(saw_full_history);
}

INSTANTIATE_TEST_SUITE_P(Encoders, LearnedEnvState, ::testing::Values("gru", "attention"));

}  // namespace
}  // namespace shoprl
