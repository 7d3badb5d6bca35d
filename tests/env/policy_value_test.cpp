// Tests the true value of a policy (src/env/policy_value.cpp): the Monte Carlo estimate agrees
// with the closed form in a one-step bandit world, is a deterministic function of its seed
// whatever the thread count, and the closed form refuses worlds it does not describe.
#include "env/policy_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "core/error.h"
#include "env/policies/slate_policy.h"
#include "env/statistics.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"

namespace shoprl {
namespace {

using testing::kSigmas;
using testing::tiny_env_config;
using testing::tiny_world_config;

// A one-step bandit: 8 items, 20 users, slates of 2 (56 slates per user), no entry event.
WorldConfig bandit_world() {
  WorldConfig world = tiny_world_config(8, 20);
  world.entry_event = false;
  return world;
}

EnvConfig bandit_env() {
  EnvConfig env = tiny_env_config(2);
  env.max_steps = 1;
  return env;
}

std::unique_ptr<SlatePolicy> policy_of(const std::string& kind, const SyntheticEnv& env) {
  PolicyConfig config;
  config.kind = kind;
  config.epsilon = 0.2;
  config.noise = 0.5;
  config.marginal_samples = 4;  // propensities play no part in a value
  return make_policy(config, env, 99, "policy");
}

TEST(PolicyValue, MonteCarloAgreesWithTheClosedFormInABandit) {
  // 20,000 sessions per policy: |MC - exact| within 4.5 estimated standard errors (false
  // failure ≈ 6.8e-6 per policy, 3e-5 for the four).
  const SyntheticWorld world(bandit_world(), 2, 21);
  const EnvConfig env_config = bandit_env();
  const SyntheticEnv env(world, env_config);
  for (const std::string kind : {"uniform", "popularity", "epsilon_greedy", "plackett_luce"}) {
    const auto policy = policy_of(kind, env);
    const double exact = exact_one_step_value(world, env_config, *policy);
    const PolicyValueEstimate mc =
        monte_carlo_policy_value(world, env_config, *policy, 20000, 4096, 5);
    EXPECT_EQ(mc.episodes, 20000);
    EXPECT_EQ(mc.mean_session_length, 1.0);
    EXPECT_GT(mc.std_error, 0.0);
    EXPECT_LT(mc.std_error, 0.01) << kind << ": too few sessions for a meaningful check";
    EXPECT_NEAR(mc.value, exact, kSigmas * mc.std_error) << kind;
  }
}

TEST(PolicyValue, ClosedFormOfUniformIsTheMeanOverUsersAndSlates) {
  // An independent reference for the enumeration: the uniform policy's value is the plain
  // average of every user's expected reward over every ordered slate.
  const SyntheticWorld world(bandit_world(), 2, 22);
  const EnvConfig env_config = bandit_env();
  SyntheticEnv env(world, env_config);
  env.reset(0, 1);
  double total = 0;
  int slates = 0;
  for (std::int32_t user = 0; user < 20; ++user) {
    env.place_user(0, user);
    for (std::int32_t a = 0; a < 8; ++a)
      for (std::int32_t b = 0; b < 8; ++b) {
        if (a == b) continue;
        const std::int32_t slate[2] = {a, b};
        total += env.expected_reward(0, slate);
        ++slates;
      }
  }
  ASSERT_EQ(slates, 20 * 56);
  const auto policy = policy_of("uniform", env);
  EXPECT_NEAR(exact_one_step_value(world, env_config, *policy), total / slates, 1e-14);
}

TEST(PolicyValue, OracleBeatsUniform) {
  const SyntheticWorld world(bandit_world(), 2, 23);
  const EnvConfig env_config = bandit_env();
  const SyntheticEnv env(world, env_config);
  const double oracle = exact_one_step_value(world, env_config, *policy_of("oracle", env));
  const double uniform = exact_one_step_value(world, env_config, *policy_of("uniform", env));
  EXPECT_GT(oracle, 1.2 * uniform) << "oracle " << oracle << ", uniform " << uniform;
}

TEST(PolicyValue, AnEnvironmentGivesTheSameValueAsItsWorld) {
  const SyntheticWorld world(bandit_world(), 2, 23);
  const EnvConfig env_config = bandit_env();
  SyntheticEnv env(world, env_config);
  const auto policy = policy_of("history_oracle", env);
  const PolicyValueEstimate from_world =
      monte_carlo_policy_value(world, env_config, *policy, 300, 64, 5);
  const PolicyValueEstimate from_env = monte_carlo_policy_value(env, *policy, 300, 64, 5);
  EXPECT_EQ(from_world.value, from_env.value);
  EXPECT_EQ(from_world.std_error, from_env.std_error);
}

TEST(PolicyValue, ClosedFormRefusesWorldsItDoesNotDescribe) {
  const SyntheticWorld world(bandit_world(), 2, 24);
  const SyntheticEnv env(world, bandit_env());
  const auto policy = policy_of("uniform", env);

  EnvConfig two_steps = bandit_env();
  two_steps.max_steps = 2;
  EXPECT_THROW(exact_one_step_value(world, two_steps, *policy), ConfigError);

  WorldConfig with_entry = bandit_world();
  with_entry.entry_event = true;
  const SyntheticWorld entry_world(with_entry, 2, 24);
  EXPECT_THROW(exact_one_step_value(entry_world, bandit_env(), *policy), ConfigError);

  // 56 slates x 20 users = 1120 terms to enumerate.
  EXPECT_THROW(exact_one_step_value(world, bandit_env(), *policy, 1000), Error);
  EXPECT_NO_THROW(exact_one_step_value(world, bandit_env(), *policy, 1120));
}

TEST(PolicyValue, MonteCarloIsAFunctionOfTheSeedAlone) {
  // 1500 sessions in batches of 700: three chunks of 256 users for the environment and
  // eleven of 64 for the policy, on 1 and 3 threads. A multi-step world, so sessions of
  // different lengths end at different rounds.
  const SyntheticWorld world(tiny_world_config(30, 60), 3, 25);
  EnvConfig env_config = tiny_env_config();
  const SyntheticEnv env(world, env_config);
  const auto policy = policy_of("plackett_luce", env);
  const PolicyValueEstimate first =
      monte_carlo_policy_value(world, env_config, *policy, 1500, 700, 8);
  const PolicyValueEstimate again =
      monte_carlo_policy_value(world, env_config, *policy, 1500, 700, 8);
  env_config.threads = 3;
  const PolicyValueEstimate threaded =
      monte_carlo_policy_value(world, env_config, *policy, 1500, 700, 8);
  for (const PolicyValueEstimate* other : {&again, &threaded}) {
    EXPECT_EQ(other->value, first.value);
    EXPECT_EQ(other->std_error, first.std_error);
    EXPECT_EQ(other->mean_session_length, first.mean_session_length);
    EXPECT_EQ(other->metrics.to_json(), first.metrics.to_json());
  }
  EXPECT_EQ(first.episodes, 1500);
  EXPECT_GT(first.mean_session_length, 1.0);
  EXPECT_LE(first.mean_session_length, env_config.max_steps);
  EXPECT_GE(first.metrics.episodes, 1500);  // slots go on while others finish

  env_config.threads = 1;
  EXPECT_NE(monte_carlo_policy_value(world, env_config, *policy, 1500, 700, 9).value, first.value);
}

TEST(PolicyValue, MonteCarloRefusesZeroSessions) {
  const SyntheticWorld world(bandit_world(), 2, 26);
  const SyntheticEnv env(world, bandit_env());
  EXPECT_THROW(monte_carlo_policy_value(world, bandit_env(), *policy_of("uniform", env), 0, 8, 1),
               Error);
}

}  // namespace
}  // namespace shoprl
