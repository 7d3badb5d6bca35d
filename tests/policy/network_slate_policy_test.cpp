// Tests NetworkSlatePolicy (src/policy/network_slate_policy.cpp): a user's slate and
// propensities do not depend on the range it is chosen in nor on the thread count; a scoring
// function that reproduces the world's popularity policy gives that policy's slates,
// propensities and value (an independent check of the whole path); its slate probability is
// what act() logged; and bad scoring functions are refused.
#include "policy/network_slate_policy.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "core/error.h"
#include "env/policies/policies.h"
#include "env/policy_value.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"
#include "sim/learned_env.h"
#include "sim/tiny_simulator.h"

namespace shoprl {
namespace {

using testing::gentle_world_config;
using testing::tiny_env_config;

constexpr std::int64_t kPolicyItems = 30;
constexpr int kPolicySlots = 4;

SlateRuleConfig policy_rule_of(const std::string& name, double temperature = 1.0,
                               double epsilon = 0.1) {
  SlateRuleConfig rule;
  rule.rule = name;
  rule.temperature = temperature;
  rule.epsilon = epsilon;
  return rule;
}

// Scores that depend on the history: each item gets 1 + type/2 per occurrence, plus a fixed
// per-item offset (so that sessions with equal histories still rank items differently).
ScoringFunction history_scorer(std::int64_t items) {
  return [items](const SessionBatch& batch) {
    const torch::Tensor valid = batch.items.ge(0);
    const torch::Tensor one_hot =
        torch::one_hot(batch.items.clamp_min(0), items).to(torch::kFloat32);  // [B, L, I]
    const torch::Tensor weight =
        (1.0 + 0.5 * batch.types.clamp_min(0).to(torch::kFloat32)) * valid.to(torch::kFloat32);
    const torch::Tensor offset =
        torch::arange(items, torch::kFloat32).mul(0.37).sin().view({1, -1});
    return (one_hot * weight.unsqueeze(2)).sum(1) + offset;
  };
}

class NetworkSlatePolicyTest : public ::testing::Test {
 protected:
  NetworkSlatePolicyTest()
      : world_(gentle_world_config(kPolicyItems, 50), kPolicySlots, 17),
        env_config_(tiny_env_config(kPolicySlots)) {
    env_config_.max_steps = 6;
  }
  SlateDecision act(const SlatePolicy& policy, const BatchEnv& env,
                    const std::vector<std::pair<std::size_t, std::size_t>>& ranges,
                    std::uint64_t seed) {
    SlateDecision decision;
    decision.resize(env.batch_size(), kPolicySlots);
    for (const auto& [begin, end] : ranges) policy.act(env, begin, end, seed, decision);
    return decision;
  }

  SyntheticWorld world_;
  EnvConfig env_config_;
};

TEST_F(NetworkSlatePolicyTest, SlatesDoNotDependOnTheRange) {
  for (const std::string name : {"boltzmann", "epsilon_greedy", "top_k"}) {
    const NetworkSlatePolicy policy(history_scorer(kPolicyItems), kPolicyItems,
                                    policy_rule_of(name, 0.5, 0.3), 16);
    SyntheticEnv env(world_, env_config_);
    constexpr std::int64_t kUsers = 40;
    env.reset(3, kUsers);
    for (int step = 0; step < 3; ++step) {
      const SlateDecision whole = act(policy, env, {{0, kUsers}}, 11 + step);
      const SlateDecision halves =
          act(policy, env, {{kUsers / 2, kUsers}, {0, 7}, {7, kUsers / 2}}, 11 + step);
      EXPECT_EQ(whole.items, halves.items) << name << " step " << step;
      EXPECT_EQ(whole.propensity, halves.propensity) << name;
      EXPECT_EQ(whole.prefix_propensity, halves.prefix_propensity) << name;
      EXPECT_EQ(whole.slate_propensity, halves.slate_propensity) << name;
      for (std::int64_t i = 0; i < kUsers; ++i) {
        const std::int32_t* slate = &whole.items[i * kPolicySlots];
        EXPECT_NEAR(policy.slate_probability(env, i, slate), whole.slate_propensity[i], 1e-15);
        EXPECT_GT(whole.slate_propensity[i], 0.0);
        for (int k = 0; k < kPolicySlots; ++k)
          EXPECT_GE(whole.propensity[i * kPolicySlots + k],
                    whole.prefix_propensity[i * kPolicySlots + k]);
      }
      env.step(whole.items);
    }
  }
}

TEST_F(NetworkSlatePolicyTest, ValueDoesNotDependOnThreads) {
  const NetworkSlatePolicy policy(history_scorer(kPolicyItems), kPolicyItems,
                                  policy_rule_of("boltzmann", 0.5), 8);
  EnvConfig one = env_config_, two = env_config_;
  one.threads = 1;
  two.threads = 2;
  const PolicyValueEstimate a = monte_carlo_policy_value(world_, one, policy, 300, 200, 5);
  const PolicyValueEstimate b = monte_carlo_policy_value(world_, two, policy, 300, 200, 5);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.std_error, b.std_error);
}

TEST_F(NetworkSlatePolicyTest, PopularityScoresReproduceThePopularityPolicy) {
  // Boltzmann over the world's popularity logits is the world's popularity policy: the same
  // sampler from the same per-user stream, so the same slates (scores pass through float, which
  // moves a draw only when a uniform lands within ~1e-7 of an interval's edge).
  constexpr double kTemperature = 0.7;
  const std::vector<double>& logit = world_.popularity_logit();
  const torch::Tensor popularity =
      torch::tensor(logit, torch::kFloat64).to(torch::kFloat32).view({1, -1});
  const NetworkSlatePolicy network(
      [popularity](const SessionBatch& batch) {
        return popularity.expand({batch.size(), -1});
      },
      kPolicyItems, policy_rule_of("boltzmann", kTemperature), 32);
  const auto reference = make_popularity_policy(world_, kPolicySlots, kTemperature, 32);
  SyntheticEnv env(world_, env_config_);
  env.reset(8, 64);
  const SlateDecision ours = act(network, env, {{0, 64}}, 21);
  const SlateDecision theirs = act(*reference, env, {{0, 64}}, 21);
  EXPECT_EQ(ours.items, theirs.items);
  for (std::size_t c = 0; c < ours.propensity.size(); ++c) {
    EXPECT_NEAR(ours.propensity[c], theirs.propensity[c], 1e-6 * theirs.propensity[c]);
    EXPECT_NEAR(ours.prefix_propensity[c], theirs.prefix_propensity[c],
                1e-6 * theirs.prefix_propensity[c]);
  }
  const PolicyValueEstimate a = monte_carlo_policy_value(world_, env_config_, network, 400, 128, 9);
  const PolicyValueEstimate b =
      monte_carlo_policy_value(world_, env_config_, *reference, 400, 128, 9);
  EXPECT_DOUBLE_EQ(a.value, b.value);
}

TEST_F(NetworkSlatePolicyTest, PolicyNetworkActsThroughItsItemHead) {
  torch::manual_seed(3);
  PolicyNetworkConfig config;
  config.encoder = "gru";
  config.embedding_dim = 8;
  config.hidden_dim = 8;
  config.history_length = 4;  // shorter than the environment's 6: the network crops
  PolicyNetwork network(config, kPolicyItems, PolicyHeads{});
  network->eval();
  const NetworkSlatePolicy policy(item_head_scoring(network), kPolicyItems,
                                  policy_rule_of("boltzmann", 0.2), 8, "gru");
  SyntheticEnv env(world_, env_config_);
  env.reset(6, 24);
  for (int step = 0; step < 3; ++step) {
    const SlateDecision whole = act(policy, env, {{0, 24}}, 4);
    EXPECT_EQ(whole.items, act(policy, env, {{0, 5}, {5, 24}}, 4).items);
    env.step(whole.items);
  }
  const PolicyValueEstimate value =
      monte_carlo_policy_value(world_, env_config_, policy, 200, 64, 2);
  EXPECT_TRUE(std::isfinite(value.value));
  EXPECT_GT(value.metrics.steps, 0);
  // Dropout in training mode would make slates random: refused.
  config.dropout = 0.5;
  PolicyNetwork training(config, kPolicyItems, PolicyHeads{});
  const NetworkSlatePolicy careless(item_head_scoring(training), kPolicyItems,
                                    policy_rule_of("top_k"));
  SlateDecision decision;
  decision.resize(24, kPolicySlots);
  EXPECT_THROW(careless.act(env, 0, 24, 1, decision), Error);
}

TEST(NetworkSlatePolicyLearnedEnv, ReproducesThePopularityPolicyInTheLearnedSimulator) {
  // The learned simulator is another BatchEnv: the network policy reads its histories, and
  // over a world's popularity logits it is that world's popularity policy there too.
  constexpr std::int64_t kSimItems = 8;
  const std::vector<double> bias{0.5, -0.3, 1.2, 0.0, -1.0, 0.8, 0.1, -0.5};
  FittedSimulator simulator =
      testing::tiny_simulator({testing::constant_model(bias)}, 3,
                              testing::tiny_calibration(-0.5, {0.0, 0.4, 0.8}, 0.3, 0.25));
  EnvConfig config;
  config.slate_size = 3;
  config.history_length = 8;
  config.max_steps = 6;
  config.threads = 2;
  LearnedEnv env(simulator, config, 0.0, "cpu");
  const SyntheticWorld world(testing::tiny_world_config(kSimItems, 10), 3, 5);
  const torch::Tensor popularity =
      torch::tensor(world.popularity_logit(), torch::kFloat64).to(torch::kFloat32).view({1, -1});
  const NetworkSlatePolicy network(
      [popularity](const SessionBatch& batch) {
        return popularity.expand({batch.size(), -1});
      },
      kSimItems, policy_rule_of("boltzmann"), 16);
  const auto reference = make_popularity_policy(world, 3, 1.0, 16);
  const PolicyValueEstimate ours = monte_carlo_policy_value(env, network, 300, 100, 12);
  const PolicyValueEstimate theirs = monte_carlo_policy_value(env, *reference, 300, 100, 12);
  EXPECT_GT(ours.value, 0.0);
  EXPECT_DOUBLE_EQ(ours.value, theirs.value);
  EXPECT_EQ(ours.metrics.steps, theirs.metrics.steps);
}

TEST_F(NetworkSlatePolicyTest, MinusInfinityMasksItems) {
  // Items 0..kPolicyItems-6 scored -inf: boltzmann shows only the last 6, each with a positive
  // propensity.
  const NetworkSlatePolicy policy(
      [](const SessionBatch& batch) {
        torch::Tensor scores = torch::full({batch.size(), kPolicyItems}, -INFINITY);
        scores.narrow(1, kPolicyItems - 6, 6).fill_(0.0);
        return scores;
      },
      kPolicyItems, policy_rule_of("boltzmann"), 8);
  SyntheticEnv env(world_, env_config_);
  env.reset(2, 30);
  const SlateDecision d = act(policy, env, {{0, 30}}, 3);
  for (std::size_t c = 0; c < d.items.size(); ++c) {
    EXPECT_GE(d.items[c], kPolicyItems - 6);
    EXPECT_GT(d.propensity[c], 0.0);
  }
  EXPECT_NEAR(d.slate_propensity[0], 1.0 / (6 * 5 * 4 * 3), 1e-12);
}

TEST_F(NetworkSlatePolicyTest, SessionBatchHoldsTheEnvironmentsHistories) {
  SyntheticEnv env(world_, env_config_);
  env.reset(4, 10);
  const NetworkSlatePolicy policy(history_scorer(kPolicyItems), kPolicyItems,
                                  policy_rule_of("top_k"));
  for (int step = 0; step < 3; ++step) env.step(act(policy, env, {{0, 10}}, 1).items);
  const SessionBatch batch = session_batch_of(env, 3, 8);
  const int l = env.history_length();
  ASSERT_EQ(batch.size(), 5);
  ASSERT_EQ(batch.items.size(1), l);
  for (int r = 0; r < 5; ++r) {
    EXPECT_EQ(batch.lengths[r].item<std::int64_t>(), env.history_lengths()[3 + r]);
    for (int e = 0; e < l; ++e) {
      EXPECT_EQ(batch.items[r][e].item<std::int64_t>(), env.history_items()[(3 + r) * l + e]);
      EXPECT_EQ(batch.types[r][e].item<std::int64_t>(), env.history_types()[(3 + r) * l + e]);
    }
  }
}

TEST_F(NetworkSlatePolicyTest, RefusesBadScoringFunctions) {
  SyntheticEnv env(world_, env_config_);
  env.reset(4, 8);
  SlateDecision decision;
  decision.resize(8, kPolicySlots);
  const NetworkSlatePolicy narrow(
      [](const SessionBatch& batch) {
        return torch::zeros({batch.size(), kPolicyItems - 1});
      },
      kPolicyItems, policy_rule_of("top_k"));
  EXPECT_THROW(narrow.act(env, 0, 8, 1, decision), Error);
  const NetworkSlatePolicy nan(
      [](const SessionBatch& batch) {
        return torch::full({batch.size(), kPolicyItems}, std::nan(""));
      },
      kPolicyItems, policy_rule_of("boltzmann"));
  EXPECT_THROW(nan.act(env, 0, 8, 1, decision), Error);
  const NetworkSlatePolicy infinite(
      [](const SessionBatch& batch) {
        return torch::full({batch.size(), kPolicyItems}, INFINITY);
      },
      kPolicyItems, policy_rule_of("boltzmann"));
  EXPECT_THROW(infinite.act(env, 0, 8, 1, decision), Error);
  const NetworkSlatePolicy other_catalogue(history_scorer(kPolicyItems + 1), kPolicyItems + 1,
                                           policy_rule_of("top_k"));
  EXPECT_THROW(other_catalogue.act(env, 0, 8, 1, decision), ConfigError);
  EXPECT_THROW(NetworkSlatePolicy(ScoringFunction(), kPolicyItems, policy_rule_of("top_k")),
               ConfigError);
  EXPECT_THROW(
      NetworkSlatePolicy(history_scorer(kPolicyItems), kPolicyItems, policy_rule_of("greedy")),
      ConfigError);
}

}  // namespace
}  // namespace shoprl
