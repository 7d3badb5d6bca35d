// Tests the true value of a policy in the logged states (src/env/logged_state_value.cpp): each
// logged slate's state, rebuilt from the store alone (user, interest drifted by the session's
// earlier clicks, history), gives the logged slate exactly the expected reward the synthesis
// recorded in /truth when it was shown; the value of a policy there averages its slates'
// expected rewards, with no spread for a deterministic policy and a draw-based one otherwise.
#include "env/logged_state_value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "core/error.h"
#include "env/log_synthesis.h"
#include "env/synthetic_env.h"
#include "env/tiny_world.h"

namespace shoprl {
namespace {

constexpr std::uint64_t kLoggedStateSeed = 77;

// Sessions of up to 6 slates of 3 out of 15 items with entry events and interest drift, so a
// state depends on everything the session clicked before.
struct LoggedStateRun {
  WorldConfig world = testing::tiny_world_config(15, 30);
  EnvConfig env = testing::tiny_env_config(3);
  SynthesizedLogs logs;

  LoggedStateRun() {
    world.interest_drift = 0.3;
    env.max_steps = 6;
    PolicyConfig logging;
    logging.kind = "plackett_luce";
    logging.temperature = 0.7;
    logging.noise = 0.0;  // so that the test can rebuild the same logger from its config
    SynthConfig synth;
    synth.sessions = 200;
    synth.value_episodes = 0;
    synth.value_policies.clear();
    logs = synthesize_logs(world, env, logging, synth, kLoggedStateSeed, "");
  }
  SyntheticWorld make_world() const {
    return SyntheticWorld(world, env.slate_size, world_seed(kLoggedStateSeed));
  }
  std::vector<std::size_t> all_slates() const {
    std::vector<std::size_t> rows(logs.store.impressions.session.size());
    std::iota(rows.begin(), rows.end(), std::size_t{0});
    return first_rows_of_slates(logs.store, rows);
  }
};

TEST(LoggedStateValue, RebuiltStatesGiveTheLoggedSlatesTheirRecordedExpectedReward) {
  const LoggedStateRun run;
  const SyntheticWorld world = run.make_world();
  const std::vector<std::size_t> slates = run.all_slates();
  ASSERT_GT(slates.size(), 400u) << "sessions of several slates";
  SyntheticEnv env(world, run.env);
  env.reset(1, static_cast<std::int64_t>(slates.size()));
  std::size_t later_slates = 0;
  for (std::size_t i = 0; i < slates.size(); ++i) {
    const std::size_t row = slates[i];
    place_logged_state(env, run.logs.store, row, i);
    std::int32_t slate[3];
    double recorded = 0;
    for (int s = 0; s < 3; ++s) {
      slate[s] = run.logs.store.impressions.item[row + s];
      recorded += run.logs.truth.expected_reward[row + s];
    }
    ASSERT_NEAR(env.expected_reward(i, slate), recorded, 1e-9 * (1 + recorded)) << "row " << row;
    later_slates += i > 0 && run.logs.store.impressions.session[row] ==
                                 run.logs.store.impressions.session[slates[i - 1]];
  }
  EXPECT_GT(later_slates, 200u) << "the check must reach states after clicks";
}

TEST(LoggedStateValue, AveragesThePolicysSlatesOverTheLoggedStates) {
  const LoggedStateRun run;
  const SyntheticWorld world = run.make_world();
  const std::vector<std::size_t> slates = run.all_slates();
  PolicyConfig oracle;
  oracle.kind = "oracle";
  const auto deterministic = make_policy(oracle, world, run.env, 3, "oracle");
  const LoggedStateValue best =
      logged_state_value(world, run.env, run.logs.store, slates, *deterministic, 3, 5);
  EXPECT_EQ(best.slates, static_cast<std::int64_t>(slates.size()));
  EXPECT_EQ(best.std_error, 0.0) << "a deterministic policy draws the same slate every time";

  PolicyConfig uniform;
  uniform.kind = "uniform";
  const auto random = make_policy(uniform, world, run.env, 3, "uniform");
  const LoggedStateValue chance =
      logged_state_value(world, run.env, run.logs.store, slates, *random, 8, 5);
  EXPECT_GT(chance.std_error, 0.0);
  EXPECT_TRUE(std::isfinite(chance.std_error));
  // The oracle's slates are worth more than random ones in the same states, by far.
  EXPECT_GT(best.per_slate, chance.per_slate + 10 * chance.std_error);
  // Same seed, same numbers.
  const LoggedStateValue again =
      logged_state_value(world, run.env, run.logs.store, slates, *random, 8, 5);
  EXPECT_EQ(again.per_slate, chance.per_slate);

  // The logging policy itself, drawn afresh in the logged states, is worth what the logged
  // slates were worth in expectation: the recorded expected rewards' mean, within sampling.
  PolicyConfig logging;
  logging.kind = "plackett_luce";
  logging.temperature = 0.7;
  logging.noise = 0.0;
  const auto logger = make_policy(logging, world, run.env, kLoggedStateSeed, "logging");
  const LoggedStateValue redrawn =
      logged_state_value(world, run.env, run.logs.store, slates, *logger, 16, 9);
  double logged = 0, logged_square = 0;
  for (const std::size_t row : slates) {
    double value = 0;
    for (int s = 0; s < 3; ++s) value += run.logs.truth.expected_reward[row + s];
    logged += value;
    logged_square += value * value;
  }
  const double n = static_cast<double>(slates.size());
  const double logged_mean = logged / n;
  // The logged mean draws one slate per state: its error is at most the spread of slate values
  // over sqrt(n), which bounds the difference together with the redrawn value's own error.
  const double logged_error = std::sqrt((logged_square / n - logged_mean * logged_mean) / n);
  EXPECT_NEAR(redrawn.per_slate, logged_mean,
              4 * std::hypot(logged_error, redrawn.std_error * std::sqrt(16.0)));
}

TEST(LoggedStateValue, RefusesSessionsWithoutAUser) {
  LoggedStateRun run;
  const SyntheticWorld world = run.make_world();
  run.logs.store.session_user.assign(run.logs.store.session_user.size(), -1);
  PolicyConfig uniform;
  const auto policy = make_policy(uniform, world, run.env, 3, "uniform");
  EXPECT_THROW(logged_state_value(world, run.env, run.logs.store, run.all_slates(), *policy, 2, 1),
               Error);
}

}  // namespace
}  // namespace shoprl
