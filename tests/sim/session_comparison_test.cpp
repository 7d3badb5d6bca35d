// Tests the session comparison of the fidelity report (src/sim/session_comparison.cpp) and the
// logged-slates policy it simulates with (src/sim/logged_slate_policy.cpp): exact counts on a
// hand-made store, and the key property that the simulated side counts events as log synthesis
// writes them: the synthetic world, simulated directly, matches logs of the same world.
#include "sim/session_comparison.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "data/event_type.h"
#include "env/log_synthesis.h"
#include "env/policies/policies.h"
#include "env/statistics.h"
#include "env/synthetic_env.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"
#include "sim/fidelity_metrics.h"
#include "sim/logged_slate_policy.h"
#include "testing/event_codes.h"

namespace shoprl {
namespace {

using testing::kPurchaseCode;

using testing::kClickCode;

constexpr auto kTrain = static_cast<std::int8_t>(Split::kTrain);
constexpr auto kTest = static_cast<std::int8_t>(Split::kTest);

// 4 items; sessions: 0 (test) click 0, click 1, buy 1; 1 (train) click 2; 2 (test) click 0
// twice; 3 (test) empty. Slates of 2: 10 and 11 in session 0, 12 in session 1, 13 in session 2.
SessionStore hand_made_store() {
  SessionStore store;
  store.item_raw_id = {"a", "b", "c", "d"};
  store.session_raw_id = {"s0", "s1", "s2", "s3"};
  store.session_split = {kTest, kTrain, kTest, kTest};
  store.session_offsets = {0, 3, 4, 6, 6};
  store.event_item = {0, 1, 1, 2, 0, 0};
  store.event_type = {kClickCode, kClickCode, kPurchaseCode, kClickCode, kClickCode, kClickCode};
  store.event_time_ms.assign(6, 0);
  StoreImpressions& m = store.impressions;
  m.session = {0, 0, 0, 0, 1, 1, 2, 2};
  m.slate = {10, 10, 11, 11, 12, 12, 13, 13};
  m.item = {1, 2, 3, 0, 2, 3, 0, 1};
  m.position = {0, 1, 0, 1, 0, 1, 0, 1};
  m.click = {1, 0, 0, 0, 1, 0, 1, 0};
  return store;
}

TEST(RealSessions, CountsEventsSlatesAndConcentrationOfTheSplit) {
  const SessionSide side = real_sessions(hand_made_store(), Split::kTest);
  EXPECT_EQ(side.sessions, 2);  // the empty session is not one
  EXPECT_EQ(side.lengths, (std::vector<std::int64_t>{3, 2}));
  EXPECT_DOUBLE_EQ(side.mean_length, 2.5);
  EXPECT_EQ(side.converted_sessions, 1);
  EXPECT_DOUBLE_EQ(side.conversion_rate, 0.5);
  EXPECT_EQ(side.slates, 3);  // 10, 11, 13; 12 is a train session's
  EXPECT_EQ(side.clicked_slates, 2);
  EXPECT_DOUBLE_EQ(side.click_through_rate, 2.0 / 3.0);
  // Click counts per item: 3, 1, 0, 0. Gini: 2 (3 x 1 + 4 x 3) / (4 x 4) - 5/4.
  EXPECT_EQ(side.clicks, 4);
  EXPECT_DOUBLE_EQ(side.click_gini, 0.625);
  EXPECT_DOUBLE_EQ(side.click_top1_share, 0.75);  // the top one of four items
}

TEST(RealSessions, ClickThroughIsUndefinedWithoutRecordedClicks) {
  SessionStore store = hand_made_store();
  store.impressions.click.clear();
  EXPECT_TRUE(std::isnan(real_sessions(store, Split::kTest).click_through_rate));
  store.impressions = StoreImpressions{};
  const SessionSide side = real_sessions(store, Split::kTest);
  EXPECT_TRUE(std::isnan(side.click_through_rate));
  EXPECT_EQ(side.sessions, 2);
}

TEST(LoggedSlates, KeepsWholeSlatesOfTheSplitInSlotOrder) {
  SessionStore store = hand_made_store();
  StoreImpressions& m = store.impressions;
  // Slate 14 repeats an item, slate 15 is short, slate 16 is written out of slot order.
  for (const auto& [slate, item, position] : std::vector<std::tuple<int, int, int>>{
           {14, 2, 0}, {14, 2, 1}, {15, 3, 0}, {16, 3, 1}, {16, 2, 0}}) {
    m.session.push_back(2);
    m.slate.push_back(slate);
    m.item.push_back(item);
    m.position.push_back(static_cast<std::int16_t>(position));
    m.click.push_back(0);
  }
  EXPECT_EQ(logged_slates(store, Split::kTest, 2),
            (std::vector<std::int32_t>{1, 2, 3, 0, 0, 1, 2, 3}));
  EXPECT_EQ(logged_slates(store, Split::kTrain, 2), (std::vector<std::int32_t>{2, 3}));
  EXPECT_TRUE(logged_slates(store, Split::kValid, 2).empty());
  EXPECT_TRUE(logged_slates(store, Split::kTest, 3).empty());
}

TEST(LoggedSlatePolicy, DrawsLoggedSlatesByTheirMultiplicity) {
  const SyntheticWorld world(testing::tiny_world_config(12, 40), 2, 7);
  SyntheticEnv env(world, testing::tiny_env_config(2));
  constexpr std::int64_t kUsers = 3000;
  env.reset(11, kUsers);
  // [1, 2] is logged twice: probability 2/3.
  const auto policy = make_logged_slate_policy({1, 2, 3, 0, 1, 2}, 2);
  const std::int32_t twice[] = {1, 2}, once[] = {3, 0}, never[] = {2, 1};
  EXPECT_DOUBLE_EQ(policy->slate_probability(env, 0, twice), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(policy->slate_probability(env, 0, once), 1.0 / 3.0);
  EXPECT_EQ(policy->slate_probability(env, 0, never), 0.0);

  SlateDecision decision;
  decision.resize(kUsers, 2);
  policy->act(env, 0, kUsers, 5, decision);
  std::int64_t drawn_twice = 0;
  for (std::int64_t i = 0; i < kUsers; ++i) {
    const std::int32_t* slate = &decision.items[i * 2];
    const bool is_twice = slate[0] == 1 && slate[1] == 2;
    ASSERT_TRUE(is_twice || (slate[0] == 3 && slate[1] == 0)) << "user " << i;
    drawn_twice += is_twice;
  }
  // Binomial(3000, 2/3): standard error 0.0086, tolerance kSigmas of it.
  EXPECT_NEAR(static_cast<double>(drawn_twice) / kUsers, 2.0 / 3.0,
              testing::kSigmas * testing::binomial_std_error(2.0 / 3.0, kUsers));
  // A user's slate does not depend on the range it is chosen in.
  SlateDecision alone;
  alone.resize(kUsers, 2);
  policy->act(env, 17, 18, 5, alone);
  EXPECT_EQ(alone.items[34], decision.items[34]);
  EXPECT_EQ(alone.items[35], decision.items[35]);
}

TEST(LoggedSlatePolicy, RefusesSomethingThatIsNotWholeSlates) {
  EXPECT_THROW(make_logged_slate_policy({}, 2), Error);
  EXPECT_THROW(make_logged_slate_policy({1, 2, 3}, 2), Error);
}

double mean(const std::vector<std::int64_t>& values) {
  double sum = 0;
  for (const std::int64_t v : values) sum += static_cast<double>(v);
  return sum / static_cast<double>(values.size());
}
double variance(const std::vector<std::int64_t>& values) {
  const double m = mean(values);
  double sum = 0;
  for (const std::int64_t v : values)
    sum += (static_cast<double>(v) - m) * (static_cast<double>(v) - m);
  return sum / static_cast<double>(values.size() - 1);
}

// Logs of the uniform policy in a tiny world, and that world simulated directly with the
// same policy: the two sides must agree in distribution (lengths, conversion), which they do
// only if simulate_sessions counts a session's events as log synthesis writes them (entry
// event, clicks, purchases, organic clicks) and counts whole sessions without bias.
TEST(SimulatedSessions, TheWorldItselfMatchesItsOwnLogs) {
  WorldConfig world_config = testing::tiny_world_config(30, 200);
  world_config.organic_rate = 0.5;  // every kind of event occurs
  world_config.purchase_bias = -1.0;
  EnvConfig env_config = testing::tiny_env_config(3);
  env_config.max_steps = 6;
  PolicyConfig uniform;
  uniform.kind = "uniform";
  SynthConfig synth;
  synth.sessions = 3000;
  synth.batch_size = 256;
  synth.value_episodes = 0;
  synth.split.train = 1.0;
  synth.split.valid = 0.0;
  synth.split.test = 0.0;
  constexpr std::uint64_t kSeed = 99;
  const SynthesizedLogs logs =
      synthesize_logs(world_config, env_config, uniform, synth, kSeed, "world: {}\n");
  const SessionSide real = real_sessions(logs.store, Split::kTrain);
  ASSERT_EQ(real.sessions, 3000);

  const SyntheticWorld world(world_config, env_config.slate_size, world_seed(kSeed));
  SyntheticEnv env(world, env_config);
  const auto policy = make_uniform_policy(world.num_items(), env_config.slate_size);
  const SessionSide simulated = simulate_sessions(env, *policy, 4000, 700, 5);
  ASSERT_EQ(simulated.sessions, 4000);
  ASSERT_EQ(simulated.lengths.size(), 4000u);

  // Welch's z for the mean length; a two-proportion z for conversion (kSigmas each).
  const double length_se = std::sqrt(variance(real.lengths) / real.sessions +
                                     variance(simulated.lengths) / simulated.sessions);
  EXPECT_NEAR(simulated.mean_length, real.mean_length, testing::kSigmas * length_se);
  EXPECT_GT(real.mean_length, 2.0);  // sessions hold more than the entry event
  const double pooled =
      static_cast<double>(real.converted_sessions + simulated.converted_sessions) /
      (real.sessions + simulated.sessions);
  const double conversion_se =
      std::sqrt(pooled * (1 - pooled) * (1.0 / real.sessions + 1.0 / simulated.sessions));
  EXPECT_GT(pooled, 0.05);
  EXPECT_NEAR(simulated.conversion_rate, real.conversion_rate, testing::kSigmas * conversion_se);
  // The asymptotic KS p-value is conservative for integer lengths: a p below 1e-5 would be
  // rarer than that under the same distribution.
  EXPECT_GT(ks_two_sample(real.lengths, simulated.lengths).p_value, 1e-5);
  // Every click is an event of its session.
  std::int64_t events = 0;
  for (const std::int64_t length : simulated.lengths) events += length;
  EXPECT_GE(events, simulated.clicks);
}

TEST(SimulatedSessions, SameSeedSameSessions) {
  const SyntheticWorld world(testing::tiny_world_config(20, 50), 3, 1);
  SyntheticEnv env(world, testing::tiny_env_config(3));
  const auto policy = make_uniform_policy(20, 3);
  const SessionSide a = simulate_sessions(env, *policy, 300, 64, 8);
  const SessionSide b = simulate_sessions(env, *policy, 300, 64, 8);
  EXPECT_EQ(a.lengths, b.lengths);
  EXPECT_EQ(a.clicked_slates, b.clicked_slates);
  EXPECT_EQ(a.sessions, 300);
}

}  // namespace
}  // namespace shoprl
