// Tests REINFORCE and A2C (src/agent/policy_gradient_agent.cpp) in a small synthetic world:
// a checkpoint taken between iterations resumes bit for bit, and a few iterations of either
// learn a policy better than uniformly random slates in the true world.
#include "agent/policy_gradient_agent.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>

#include "agent/agent_world.h"
#include "agent/checkpoint.h"
#include "core/error.h"
#include "env/torch/observation_tensors.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::agent_value;
using testing::reseed_torch;
using testing::uniform_value;

constexpr std::uint64_t kPgSeed = 5;

// 50 items, slates of 4, sessions of at most 5 slates.
struct PgWorld {
  WorldConfig world_config = testing::tiny_world_config(50, 200);
  EnvConfig env_config = testing::tiny_env_config(4);
  SyntheticWorld world{world_config, env_config.slate_size, 11};

  AgentConfig agent(const std::string& kind) const {
    AgentConfig config;
    config.kind = kind;
    config.gamma = 0.9;
    config.learning_rate = 0.01;
    return config;
  }
  PolicyNetworkConfig network() const {
    PolicyNetworkConfig config;
    config.encoder = "mean";
    config.embedding_dim = 16;
    config.hidden_dim = 32;
    config.history_length = env_config.history_length;
    return config;
  }
  AgentInputs inputs(BatchEnv& env, std::int64_t users) const {
    AgentInputs in;
    in.env = &env;
    in.num_items = world.num_items();
    in.slate_size = env_config.slate_size;
    in.users = users;
    in.seed = kPgSeed;
    return in;
  }
};

IterationMetrics train(Agent& agent, std::int64_t iteration) {
  reseed_torch(kPgSeed, iteration);
  return agent.train_iteration(iteration);
}

class PolicyGradientAgentKinds : public ::testing::TestWithParam<std::string> {};

TEST_P(PolicyGradientAgentKinds, ResumedRunRepeatsTheUninterruptedOneBitForBit) {
  const PgWorld w;
  SyntheticEnv env_a(w.world, w.env_config), env_b(w.world, w.env_config);
  torch::manual_seed(1);
  auto uninterrupted =
      make_policy_gradient_agent(w.agent(GetParam()), w.network(), w.inputs(env_a, 32));
  std::vector<IterationMetrics> expected;
  for (std::int64_t it = 0; it < 3; ++it) expected.push_back(train(*uninterrupted, it));

  testing::TempDir dir;
  {
    torch::manual_seed(1);
    auto first = make_policy_gradient_agent(w.agent(GetParam()), w.network(), w.inputs(env_b, 32));
    EXPECT_EQ(train(*first, 0), expected[0]);
    CheckpointWriter out(dir / "checkpoint");
    first->save(out);
    out.commit();
  }
  torch::manual_seed(2);  // a different initialisation, which load() must overwrite
  auto resumed = make_policy_gradient_agent(w.agent(GetParam()), w.network(), w.inputs(env_b, 32));
  resumed->load(CheckpointReader(dir / "checkpoint"));
  for (std::int64_t it = 1; it < 3; ++it) EXPECT_EQ(train(*resumed, it), expected[it]) << it;
  const ObservationTensors obs = observation_tensors(env_a);
  const SessionBatch batch{obs.history_items, obs.history_types,
                           obs.history_lengths.to(torch::kInt64)};
  EXPECT_TRUE(resumed->policy_scores(batch).equal(uninterrupted->policy_scores(batch)));
}

// The learned policy's mean session return against uniform slates over the same 2,000 fresh
// sessions. The threshold is 4 standard errors of the difference: were the two equal in truth,
// a false failure had chance < 1e-4 (normal approximation; returns are bounded, n = 2,000).
TEST_P(PolicyGradientAgentKinds, LearnsAPolicyBetterThanUniformSlates) {
  const PgWorld w;
  SyntheticEnv env(w.world, w.env_config);
  torch::manual_seed(3);
  auto agent = make_policy_gradient_agent(w.agent(GetParam()), w.network(), w.inputs(env, 256));
  IterationMetrics first, last;
  for (std::int64_t it = 0; it < 40; ++it) {
    last = train(*agent, it);
    if (it == 0) first = last;
  }
  SyntheticEnv eval_env(w.world, w.env_config);
  const auto learned = agent_value(*agent, eval_env, 999, 2000);
  const auto uniform = uniform_value(eval_env, 999, 2000);
  const double se = std::hypot(learned.std_error, uniform.std_error);
  EXPECT_GT(learned.mean - uniform.mean, 4 * se)
      << GetParam() << ": learned " << learned.mean << " uniform " << uniform.mean
      << " (training return " << first[4].second << " -> " << last[4].second << ")";
}

INSTANTIATE_TEST_SUITE_P(Kinds, PolicyGradientAgentKinds, ::testing::Values("reinforce", "a2c"));

TEST(PolicyGradientAgent, ReportsItsMetricsInAFixedOrder) {
  const PgWorld w;
  SyntheticEnv env(w.world, w.env_config);
  auto agent = make_policy_gradient_agent(w.agent("reinforce"), w.network(), w.inputs(env, 8));
  const IterationMetrics metrics = train(*agent, 0);
  const std::vector<std::string> names = {
      "loss",       "policy_loss",    "value_loss",         "entropy", "return",   "click_through",
      "conversion", "session_length", "mean_abs_advantage", "steps",   "grad_norm"};
  ASSERT_EQ(metrics.size(), names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(metrics[i].first, names[i]);
    EXPECT_TRUE(std::isfinite(metrics[i].second)) << names[i];
  }
  // The untrained policy is near uniform over 50 items: entropy close to log 50.
  EXPECT_NEAR(metrics[3].second, std::log(50.0), 0.1);
}

TEST(PolicyGradientAgent, RejectsOtherKindsAndAMissingEnvironment) {
  const PgWorld w;
  SyntheticEnv env(w.world, w.env_config);
  EXPECT_THROW(make_policy_gradient_agent(w.agent("dqn"), w.network(), w.inputs(env, 8)),
               ConfigError);
  AgentInputs no_env = w.inputs(env, 8);
  no_env.env = nullptr;
  EXPECT_THROW(make_policy_gradient_agent(w.agent("a2c"), w.network(), no_env), ConfigError);
}

}  // namespace
}  // namespace shoprl
