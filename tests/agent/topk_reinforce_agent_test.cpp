// Tests REINFORCE from logs with the top-K off-policy correction
// (src/agent/topk_reinforce_agent.cpp) on logs of a skewed popularity policy in a small
// synthetic world: exact resume, the importance-weight statistics it reports, and a learned
// policy better than uniform slates in the true world.
#include "agent/topk_reinforce_agent.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <string>

#include "agent/agent_world.h"
#include "agent/checkpoint.h"
#include "core/error.h"
#include "env/log_synthesis.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::agent_value;
using testing::reseed_torch;
using testing::uniform_value;

constexpr std::uint64_t kTopkSeed = 17;

// 2,000 sessions of slates of 4 out of 50 items, logged by Plackett-Luce over popularity at a
// low temperature (a policy that shows the same few items again and again).
struct LoggedWorld {
  WorldConfig world_config = testing::tiny_world_config(50, 200);
  EnvConfig env_config = testing::tiny_env_config(4);
  SynthesizedLogs logs;

  LoggedWorld() {
    PolicyConfig logging;
    logging.kind = "popularity";
    logging.temperature = 0.3;
    SynthConfig synth;
    synth.sessions = 2000;
    synth.batch_size = 256;
    synth.value_episodes = 0;
    synth.value_policies = {};
    logs = synthesize_logs(world_config, env_config, logging, synth, kTopkSeed, "");
  }

  AgentConfig agent(const std::string& correction, const std::string& behaviour) const {
    AgentConfig config;
    config.kind = "topk_reinforce";
    config.gamma = 0.9;
    config.learning_rate = 0.01;
    config.pg.correction = correction;
    config.pg.behaviour = behaviour;
    config.pg.batch_size = 128;
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
  AgentInputs inputs() const {
    AgentInputs in;
    in.logs = &logs.store;
    in.num_items = world_config.items;
    in.slate_size = env_config.slate_size;
    in.seed = kTopkSeed;
    return in;
  }
};

const LoggedWorld& logged_world() {
  static const LoggedWorld world;
  return world;
}

IterationMetrics train(Agent& agent, std::int64_t iteration) {
  reseed_torch(kTopkSeed, iteration);
  return agent.train_iteration(iteration);
}

double metric(const IterationMetrics& metrics, const std::string& name) {
  for (const auto& [key, value] : metrics)
    if (key == name) return value;
  ADD_FAILURE() << "no metric " << name;
  return NAN;
}

class TopKReinforceBehaviours : public ::testing::TestWithParam<std::string> {};

TEST_P(TopKReinforceBehaviours, ResumedRunRepeatsTheUninterruptedOneBitForBit) {
  const LoggedWorld& w = logged_world();
  const AgentConfig config = w.agent("topk", GetParam());
  torch::manual_seed(1);
  auto uninterrupted = make_topk_reinforce_agent(config, w.network(), w.inputs());
  std::vector<IterationMetrics> expected;
  for (std::int64_t it = 0; it < 3; ++it) expected.push_back(train(*uninterrupted, it));

  testing::TempDir dir;
  {
    torch::manual_seed(1);
    auto first = make_topk_reinforce_agent(config, w.network(), w.inputs());
    EXPECT_EQ(train(*first, 0), expected[0]);
    CheckpointWriter out(dir / "checkpoint");
    first->save(out);
    out.commit();
  }
  torch::manual_seed(2);
  auto resumed = make_topk_reinforce_agent(config, w.network(), w.inputs());
  resumed->load(CheckpointReader(dir / "checkpoint"));
  for (std::int64_t it = 1; it < 3; ++it) EXPECT_EQ(train(*resumed, it), expected[it]) << it;
}

INSTANTIATE_TEST_SUITE_P(Behaviours, TopKReinforceBehaviours,
                         ::testing::Values("learned", "logged"));

TEST(TopKReinforceAgent, ReportsImportanceWeightStatisticsWithinTheirBounds) {
  const LoggedWorld& w = logged_world();
  AgentConfig config = w.agent("topk", "logged");
  config.pg.weight_cap = 2.0;
  auto agent = make_topk_reinforce_agent(config, w.network(), w.inputs());
  const IterationMetrics metrics = train(*agent, 0);
  EXPECT_GT(metric(metrics, "weight_mean"), 0.0);
  EXPECT_LE(metric(metrics, "weight_max"), 2.0);
  EXPECT_GE(metric(metrics, "weight_capped_fraction"), 0.0);
  EXPECT_LE(metric(metrics, "weight_capped_fraction"), 1.0);
  EXPECT_GE(metric(metrics, "weight_ess"), 1.0);
  EXPECT_LE(metric(metrics, "weight_ess"), 128.0 + 1e-9);
  // lambda_K lies in [0, K] and is near K while pi is near uniform over 50 items.
  EXPECT_NEAR(metric(metrics, "topk_multiplier_mean"), 4.0 * std::pow(1.0 - 1.0 / 50, 3), 0.1);
}

// As for the online agents: 4 standard errors of the difference over 2,000 fresh sessions in
// the true world (false-failure chance < 1e-4 were the two policies equal).
TEST(TopKReinforceAgent, LearnsFromSkewedLogsAPolicyBetterThanUniformSlates) {
  const LoggedWorld& w = logged_world();
  torch::manual_seed(3);
  auto agent = make_topk_reinforce_agent(w.agent("topk", "learned"), w.network(), w.inputs());
  for (std::int64_t it = 0; it < 60; ++it) train(*agent, it);
  const SyntheticWorld world(w.world_config, w.env_config.slate_size, world_seed(kTopkSeed));
  SyntheticEnv env(world, w.env_config);
  const auto learned = agent_value(*agent, env, 999, 2000);
  const auto uniform = uniform_value(env, 999, 2000);
  const double se = std::hypot(learned.std_error, uniform.std_error);
  EXPECT_GT(learned.mean - uniform.mean, 4 * se)
      << "learned " << learned.mean << " uniform " << uniform.mean;
}

TEST(TopKReinforceAgent, NeedsLogsWithTheEnvironmentsCatalogue) {
  const LoggedWorld& w = logged_world();
  AgentInputs no_logs = w.inputs();
  no_logs.logs = nullptr;
  EXPECT_THROW(make_topk_reinforce_agent(w.agent("topk", "learned"), w.network(), no_logs),
               ConfigError);
  AgentInputs other_catalogue = w.inputs();
  other_catalogue.num_items = 51;
  EXPECT_THROW(make_topk_reinforce_agent(w.agent("topk", "learned"), w.network(), other_catalogue),
               DataError);
}

}  // namespace
}  // namespace shoprl
