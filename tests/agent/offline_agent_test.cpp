// Tests the agents trained from logs (src/agent/offline_agent.cpp): construction errors, the
// metrics of an iteration, exact resume from a checkpoint, and that supervised and sqn
// learn next-item structure that popularity cannot see, on logs of a tiny synthetic world.
#include "agent/offline_agent.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "agent/checkpoint.h"
#include "agent/offline_fixtures.h"
#include "core/error.h"
#include "core/seeding.h"
#include "env/log_synthesis.h"
#include "eval/ranking_metrics.h"
#include "policy/network_scorer.h"
#include "testing/event_codes.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::hand_built_store;
using testing::offline_agent_config;
using testing::tiny_policy_config;

constexpr std::uint64_t kOfflineSeed = 99;
using testing::kClick;
using testing::kPurchase;

// As the trainer does before every iteration (agent/agent.h).
void reseed(std::int64_t iteration) {
  torch::manual_seed(
      derive_seed(kOfflineSeed, 0x7261696eULL, static_cast<std::uint64_t>(iteration)));
}

SessionStore small_store() {
  std::vector<std::vector<testing::LoggedEvent>> sessions;
  for (int s = 0; s < 12; ++s) {
    std::vector<testing::LoggedEvent> events;
    for (int t = 0; t < 2 + s % 5; ++t) events.push_back({(s + 3 * t) % 9, kClick});
    if (s % 3 == 0) events.push_back({events.back().first, kPurchase});
    sessions.push_back(events);
  }
  return hand_built_store(9, sessions);
}

AgentInputs inputs_for(const SessionStore& store) {
  AgentInputs inputs;
  inputs.logs = &store;
  inputs.num_items = static_cast<std::int64_t>(store.num_items());
  inputs.seed = kOfflineSeed;
  return inputs;
}

std::unique_ptr<Agent> build(const std::string& kind, const SessionStore& store) {
  reseed(-1);
  return make_offline_agent(offline_agent_config(kind), tiny_policy_config(), inputs_for(store));
}

TEST(OfflineAgent, RejectsOtherKindsAndMissingLogs) {
  const SessionStore store = small_store();
  EXPECT_THROW(
      make_offline_agent(offline_agent_config("dqn"), tiny_policy_config(), inputs_for(store)),
      ConfigError);
  AgentInputs no_logs = inputs_for(store);
  no_logs.logs = nullptr;
  EXPECT_THROW(make_offline_agent(offline_agent_config("sqn"), tiny_policy_config(), no_logs),
               ConfigError);
  const SessionStore test_only = hand_built_store(3, {{{0, kClick}, {1, kClick}}}, Split::kTest);
  EXPECT_THROW(
      make_offline_agent(offline_agent_config("sqn"), tiny_policy_config(), inputs_for(test_only)),
      DataError);
}

TEST(OfflineAgent, ReportsItsLossesAndCountsTransitions) {
  const SessionStore store = small_store();
  for (const std::string kind : {"supervised", "sqn", "sa2c"}) {
    auto agent = build(kind, store);
    EXPECT_EQ(agent->kind(), kind);
    reseed(0);
    const IterationMetrics metrics = agent->train_iteration(0);
    std::map<std::string, double> named(metrics.begin(), metrics.end());
    EXPECT_GT(named.at("ce_loss"), 0.0) << kind;
    // 3 steps of 8 of the 12 sessions: each session once in the first shuffle, then 12 more.
    EXPECT_EQ(named.at("gradient_steps"), 3.0) << kind;
    EXPECT_GT(named.at("transitions"), 3 * 8 * 2 - 1) << kind;
    EXPECT_EQ(named.count("q_loss"), kind == "supervised" ? 0u : 1u) << kind;
    EXPECT_EQ(named.count("mean_advantage"), kind == "sa2c" ? 1u : 0u) << kind;
    const torch::Tensor scores =
        agent->policy_scores({torch::tensor({{1, 4}}), torch::tensor({{0, 0}}),
                              torch::tensor(std::vector<std::int64_t>{2})});
    EXPECT_EQ(scores.sizes(), (std::vector<std::int64_t>{1, 9}));
    EXPECT_EQ(agent->evaluation_rule().rule, "top_k");
  }
}

TEST(OfflineAgent, ResumedRunRepeatsTheUninterruptedOneBitForBit) {
  const SessionStore store = small_store();
  const SessionBatch probe{torch::tensor({{1, 4, 7}, {2, -1, -1}}),
                           torch::tensor({{0, 0, 2}, {0, -1, -1}}), torch::tensor({3, 1})};
  // sa2c's warm-up (4 steps) ends inside iteration 1, so the resumed part is advantage-weighted.
  for (const std::string kind : {"supervised", "sqn", "sa2c"}) {
    auto whole = build(kind, store);
    IterationMetrics expected;
    for (std::int64_t it = 0; it < 3; ++it) {
      reseed(it);
      expected = whole->train_iteration(it);
    }
    testing::TempDir dir;
    {
      auto first = build(kind, store);
      for (std::int64_t it = 0; it < 2; ++it) {
        reseed(it);
        first->train_iteration(it);
      }
      CheckpointWriter writer(dir / "checkpoint");
      first->save(writer);
      writer.commit();
    }
    reseed(12345);  // a fresh agent starts from other weights; load() must overwrite them all
    auto resumed =
        make_offline_agent(offline_agent_config(kind), tiny_policy_config(), inputs_for(store));
    resumed->load(CheckpointReader(dir / "checkpoint"));
    reseed(2);
    const IterationMetrics got = resumed->train_iteration(2);
    ASSERT_EQ(got.size(), expected.size()) << kind;
    for (std::size_t m = 0; m < got.size(); ++m) {
      EXPECT_EQ(got[m].first, expected[m].first) << kind;
      EXPECT_EQ(got[m].second, expected[m].second) << kind << " " << got[m].first;
    }
    EXPECT_TRUE(torch::equal(resumed->policy_scores(probe), whole->policy_scores(probe))) << kind;
  }
}

TEST(OfflineAgent, LoadingAnotherKindsCheckpointFailsNamingBoth) {
  const SessionStore store = small_store();
  testing::TempDir dir;
  {
    auto sqn = build("sqn", store);
    CheckpointWriter writer(dir / "checkpoint");
    sqn->save(writer);
    writer.commit();
  }
  auto sa2c = build("sa2c", store);
  try {
    sa2c->load(CheckpointReader(dir / "checkpoint"));
    FAIL() << "loaded an sqn checkpoint into sa2c";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("sqn"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("sa2c"), std::string::npos) << e.what();
  }
}

// Logs of a tiny synthetic world: sessions follow a user's topic, which popularity ignores and
// a sequence model can read from the session so far.
SessionStore synthetic_logs() {
  WorldConfig world;
  world.items = 60;
  world.users = 400;
  world.factor_dim = 8;
  world.topics = 4;
  world.popularity_weight = 0.3;
  EnvConfig env;
  env.slate_size = 5;
  env.history_length = 10;
  env.max_steps = 8;
  PolicyConfig logging;
  logging.kind = "plackett_luce";
  logging.temperature = 1.0;
  logging.marginal_samples = 1;
  SynthConfig synth;
  synth.sessions = 1500;
  synth.batch_size = 500;
  synth.value_episodes = 0;
  synth.value_policies = {};
  return synthesize_logs(world, env, logging, synth, 17, "").store;
}

// sa2c is left out: with these few steps its advantage-weighted actor (after the warm-up)
// learns more slowly than plain cross-entropy (HR@10 0.354 against popularity's 0.327 and
// supervised's >= 0.377 when this was written), which is not a defect to assert on.
TEST(OfflineAgent, SupervisedAndSqnBeatPopularityOnSyntheticLogs) {
  const SessionStore store = synthetic_logs();
  RankingConfig ranking;
  ranking.split = "test";
  const RankingMetrics popularity = ranking_metrics(store, *make_popularity_scorer(store), ranking);
  ASSERT_GT(popularity.click_events, 200u);
  PolicyNetworkConfig policy = tiny_policy_config();
  policy.embedding_dim = 16;
  policy.hidden_dim = 16;
  for (const std::string kind : {"supervised", "sqn"}) {
    AgentConfig config = offline_agent_config(kind);
    config.offline.batch_size = 64;
    config.offline.steps_per_iteration = 20;
    reseed(-1);
    auto agent = make_offline_agent(config, policy, inputs_for(store));
    for (std::int64_t it = 0; it < 6; ++it) {
      reseed(it);
      agent->train_iteration(it);
    }
    const auto scorer = make_network_scorer(
        kind, static_cast<std::int64_t>(store.num_items()),
        [&agent](const SessionBatch& batch) { return agent->policy_scores(batch); });
    const RankingMetrics learned = ranking_metrics(store, *scorer, ranking);
    // HR@10 over the test clicks (index 1: k = 10). With n clicks the standard error of a hit
    // rate is at most 0.5 / sqrt(n) (< 0.035 here); the margin asked is about 2 of them.
    EXPECT_GT(learned.clicks[1].hit_rate, popularity.clicks[1].hit_rate + 0.05)
        << kind << ": HR@10 " << learned.clicks[1].hit_rate << " vs popularity "
        << popularity.clicks[1].hit_rate;
  }
}

}  // namespace
}  // namespace shoprl
