// Tests log generation in the synthetic world (src/env/log_synthesis.cpp): the session store
// it assembles (sessions, whole slates of impressions, events that agree with the clicks and
// purchases, propensities), the truth kept beside it, determinism whatever the thread count,
// and the round trip through a store file.
#include "env/log_synthesis.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"
#include "data/event_type.h"
#include "data/session_store_fixture.h"
#include "data/session_store_io.h"
#include "env/statistics.h"
#include "env/synthetic_world.h"
#include "env/tiny_world.h"
#include "testing/event_codes.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::kPurchaseCode;

using testing::kClickCode;

using testing::expect_stores_equal;
using testing::expect_truths_equal;
using testing::kSigmas;
using testing::TempDir;
using testing::tiny_env_config;
using testing::tiny_world_config;

constexpr std::uint64_t kSynthesisSeed = 1234;
constexpr const char* kYaml = "world:\n  items: 12\n";

// A tiny run: 150 sessions of at most 4 slates of 3 out of 12 items, 40 slots at a time (so
// slots are reused and the session count is no multiple of the batch), logged by a
// Plackett-Luce policy.
struct TinyRun {
  WorldConfig world = tiny_world_config(12, 40);
  EnvConfig env = tiny_env_config(3);
  PolicyConfig logging;
  SynthConfig synth;

  TinyRun() {
    env.max_steps = 4;
    logging.kind = "plackett_luce";
    logging.temperature = 0.7;
    logging.marginal_samples = 16;
    synth.sessions = 150;
    synth.batch_size = 40;
    synth.value_episodes = 300;
    synth.value_policies = {"logging", "uniform"};
  }
  SynthesizedLogs run(std::uint64_t seed = kSynthesisSeed) const {
    return synthesize_logs(world, env, logging, synth, seed, kYaml);
  }
};

class LogSynthesis : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { logs_ = new SynthesizedLogs(TinyRun().run()); }
  static void TearDownTestSuite() {
    delete logs_;
    logs_ = nullptr;
  }
  static const SessionStore& store() { return logs_->store; }
  static const StoreTruth& truth() { return logs_->truth; }

  static SynthesizedLogs* logs_;
};
SynthesizedLogs* LogSynthesis::logs_ = nullptr;

TEST_F(LogSynthesis, WritesExactlyTheRequestedSessions) {
  const SessionStore& s = store();
  ASSERT_EQ(s.num_sessions(), 150u);
  EXPECT_EQ(s.session_offsets.size(), 151u);
  EXPECT_EQ(s.session_offsets.back(), static_cast<std::int64_t>(s.num_events()));
  EXPECT_EQ(s.session_split.size(), 150u);
  EXPECT_EQ(s.num_items(), 12u);
  EXPECT_EQ(s.user_raw_id.size(), 40u);
  ASSERT_EQ(s.session_user.size(), 150u);
  for (std::int32_t user : s.session_user) {
    EXPECT_GE(user, 0);
    EXPECT_LT(user, 40);
  }
  EXPECT_EQ(s.provenance.source_format, "synthetic");
  EXPECT_EQ(s.provenance.seed, kSynthesisSeed);
  EXPECT_EQ(s.provenance.import_config_yaml, kYaml);

  // Fewer sessions than slots: the batch shrinks to fit.
  TinyRun few;
  few.synth.sessions = 5;
  few.synth.value_episodes = 0;
  EXPECT_EQ(few.run().store.num_sessions(), 5u);
}

TEST_F(LogSynthesis, ImpressionsComeInWholeSlatesOrderedBySession) {
  const StoreImpressions& m = store().impressions;
  const std::size_t k = 3;
  ASSERT_GT(m.size(), 0u);
  ASSERT_EQ(m.size() % k, 0u);
  for (const auto* column : {&m.slate, &m.session, &m.time_ms}) ASSERT_EQ(column->size(), m.size());
  ASSERT_EQ(m.position.size(), m.size());
  std::set<std::int64_t> slate_ids;
  std::vector<int> slates_per_session(store().num_sessions(), 0);
  for (std::size_t r = 0; r < m.size(); r += k) {
    EXPECT_TRUE(slate_ids.insert(m.slate[r]).second) << "slate id " << m.slate[r] << " reused";
    if (r > 0) {
      EXPECT_GE(m.session[r], m.session[r - 1]) << "row " << r;
      if (m.session[r] == m.session[r - 1]) {
        EXPECT_GT(m.time_ms[r], m.time_ms[r - 1]);
      }
    }
    ++slates_per_session[m.session[r]];
    for (std::size_t s = 0; s < k; ++s) {
      EXPECT_EQ(m.slate[r + s], m.slate[r]);
      EXPECT_EQ(m.session[r + s], m.session[r]);
      EXPECT_EQ(m.time_ms[r + s], m.time_ms[r]);
      EXPECT_EQ(m.position[r + s], static_cast<std::int16_t>(s));
      EXPECT_GE(m.item[r + s], 0);
      EXPECT_LT(m.item[r + s], 12);
      for (std::size_t t = 0; t < s; ++t) EXPECT_NE(m.item[r + t], m.item[r + s]);
    }
  }
  EXPECT_EQ(slate_ids.size() * k, m.size());
  for (std::size_t s = 0; s < slates_per_session.size(); ++s) {
    EXPECT_GE(slates_per_session[s], 1) << "session " << s;
    EXPECT_LE(slates_per_session[s], 4) << "session " << s << " ran past max_steps";
  }
}

TEST_F(LogSynthesis, RowRewardsAreClickAndPurchaseRewards) {
  const StoreImpressions& m = store().impressions;
  const EnvConfig env = TinyRun().env;
  ASSERT_EQ(m.click.size(), m.size());
  ASSERT_EQ(m.purchase.size(), m.size());
  ASSERT_EQ(m.reward.size(), m.size());
  int clicks = 0, purchases = 0;
  for (std::size_t r = 0; r < m.size(); ++r) {
    ASSERT_TRUE(m.click[r] == 0 || m.click[r] == 1);
    ASSERT_TRUE(m.purchase[r] == 0 || m.purchase[r] == 1);
    EXPECT_LE(m.purchase[r], m.click[r]) << "a purchase without a click, row " << r;
    EXPECT_FLOAT_EQ(m.reward[r], static_cast<float>(env.click_reward * m.click[r] +
                                                    env.purchase_reward * m.purchase[r]))
        << "row " << r;
    clicks += m.click[r];
    purchases += m.purchase[r];
  }
  EXPECT_GT(clicks, 0);
  EXPECT_GT(purchases, 0);
}

TEST_F(LogSynthesis, EventsReplayTheClicksAndPurchasesOfEachSlate) {
  // A slate shown at time T has its events between T and the next slate: each clicked row top
  // down with its purchase right after it, then at most one organic click, and that only
  // after a slate without a click. The session opens with the entry click.
  const SessionStore& s = store();
  const StoreImpressions& m = s.impressions;
  const std::int64_t interval = TinyRun().synth.step_interval_ms;
  std::size_t row = 0;
  for (std::size_t session = 0; session < s.num_sessions(); ++session) {
    const std::int64_t begin = s.session_offsets[session], end = s.session_offsets[session + 1];
    ASSERT_GT(end, begin) << "session " << session << " has no entry event";
    EXPECT_EQ(s.event_type[begin], kClickCode);
    for (std::int64_t e = begin + 1; e < end; ++e)
      EXPECT_GT(s.event_time_ms[e], s.event_time_ms[e - 1]) << "event " << e;
    std::int64_t e = begin + 1;
    for (; row < m.size() && m.session[row] == static_cast<std::int64_t>(session); row += 3) {
      const std::int64_t shown = m.time_ms[row];
      EXPECT_GT(shown, s.event_time_ms[begin]);
      std::vector<std::pair<std::int32_t, std::int8_t>> expected, actual;
      bool clicked = false;
      for (std::size_t r = row; r < row + 3; ++r) {
        if (!m.click[r]) continue;
        clicked = true;
        expected.push_back({m.item[r], kClickCode});
        if (m.purchase[r]) expected.push_back({m.item[r], kPurchaseCode});
      }
      for (; e < end && s.event_time_ms[e] < shown + interval; ++e) {
        EXPECT_GT(s.event_time_ms[e], shown);
        actual.push_back({s.event_item[e], s.event_type[e]});
      }
      if (actual.size() == expected.size() + 1) {
        EXPECT_FALSE(clicked) << "an organic click after a clicked slate, session " << session;
        EXPECT_EQ(actual.back().second, kClickCode);
        actual.pop_back();
      }
      EXPECT_EQ(actual, expected) << "session " << session << ", slate at " << shown;
    }
    EXPECT_EQ(e, end) << "session " << session << " has events after its last slate";
  }
  EXPECT_EQ(row, m.size());
}

TEST_F(LogSynthesis, PropensitiesAreProbabilitiesOfTheShownSlate) {
  const StoreImpressions& m = store().impressions;
  ASSERT_EQ(m.propensity.size(), m.size());
  ASSERT_EQ(m.slate_propensity.size(), m.size());
  ASSERT_EQ(m.prefix_propensity.size(), m.size());
  for (std::size_t r = 0; r < m.size(); ++r) {
    EXPECT_GT(m.propensity[r], 0.0) << r;
    EXPECT_LE(m.propensity[r], 1.0) << r;
    EXPECT_GT(m.slate_propensity[r], 0.0) << r;
    EXPECT_LE(m.prefix_propensity[r], 1.0) << r;
    // A marginal is no smaller than the joint probability of the prefix that ends in it.
    EXPECT_GE(m.propensity[r], m.prefix_propensity[r]) << r;
    const std::size_t first = r - m.position[r];
    EXPECT_EQ(m.slate_propensity[r], m.slate_propensity[first]);
    if (m.position[r] == 0) {
      // Slot 0's marginal is exactly the first Plackett-Luce factor.
      EXPECT_DOUBLE_EQ(m.propensity[r], m.prefix_propensity[r]);
    } else {
      EXPECT_LE(m.prefix_propensity[r], m.prefix_propensity[r - 1]);
    }
    if (m.position[r] == 2) {
      EXPECT_EQ(m.prefix_propensity[r], m.slate_propensity[r]);
    }
  }
}

TEST(LogSynthesisUniform, RecordsOneOverIForEveryRow) {
  TinyRun uniform;
  uniform.logging.kind = "uniform";
  uniform.synth.value_episodes = 0;
  const SynthesizedLogs logs = uniform.run();
  const StoreImpressions& m = logs.store.impressions;
  ASSERT_GT(m.size(), 0u);
  for (std::size_t r = 0; r < m.size(); ++r) {
    EXPECT_EQ(m.propensity[r], 1.0 / 12) << r;
    EXPECT_DOUBLE_EQ(m.slate_propensity[r], 1.0 / (12 * 11 * 10)) << r;
  }
  EXPECT_TRUE(logs.truth.policy_values.empty()) << "value_episodes 0 asks for no values";
}

TEST_F(LogSynthesis, TruthHasOneRowPerImpressionAndTheWorldsFactors) {
  const std::size_t rows = store().impressions.size();
  const StoreTruth& t = truth();
  const EnvConfig env = TinyRun().env;
  ASSERT_EQ(t.click_probability.size(), rows);
  ASSERT_EQ(t.purchase_probability.size(), rows);
  ASSERT_EQ(t.expected_reward.size(), rows);
  for (std::size_t r = 0; r < rows; ++r) {
    EXPECT_GE(t.click_probability[r], 0.0);
    EXPECT_LE(t.click_probability[r], 1.0);
    EXPECT_GE(t.purchase_probability[r], 0.0);
    EXPECT_LE(t.purchase_probability[r], 1.0);
    EXPECT_DOUBLE_EQ(t.expected_reward[r],
                     t.click_probability[r] *
                         (env.click_reward + env.purchase_reward * t.purchase_probability[r]))
        << r;
  }
  EXPECT_EQ(t.world_config_yaml, kYaml);
  // world_seed() rebuilds the world that wrote the logs.
  const SyntheticWorld world(TinyRun().world, env.slate_size, world_seed(kSynthesisSeed));
  EXPECT_EQ(t.factor_dim, world.dim());
  EXPECT_EQ(t.item_factors, world.item_factors());
  EXPECT_EQ(t.user_factors, world.user_factors());
  EXPECT_EQ(store().item_price, world.price());
}

TEST_F(LogSynthesis, LoggedRewardsConvergeToTheTrueExpectedRewards) {
  // Given the states users were in, the total logged reward minus the total true expected
  // reward is a sum of zero-mean slate terms with exactly known variances (mnl: at most one
  // click per slate); checked at 4.5 standard errors (false failure ≈ 6.8e-6).
  const StoreImpressions& m = store().impressions;
  const StoreTruth& t = truth();
  const EnvConfig env = TinyRun().env;
  const double c = env.click_reward, p = env.purchase_reward;
  double logged = 0, expected = 0, variance = 0;
  for (std::size_t r = 0; r < m.size(); r += 3) {
    double mean = 0, square = 0;
    for (std::size_t s = r; s < r + 3; ++s) {
      const double q = t.click_probability[s], b = t.purchase_probability[s];
      logged += m.reward[s];
      expected += t.expected_reward[s];
      mean += t.expected_reward[s];
      square += q * (b * (c + p) * (c + p) + (1 - b) * c * c);
    }
    variance += square - mean * mean;
  }
  EXPECT_NEAR(logged, expected, kSigmas * std::sqrt(variance));
  EXPECT_GT(expected, 10.0) << "too few expected rewards for a meaningful check";
}

TEST_F(LogSynthesis, PolicyValuesNameTheLoggingPolicy) {
  const auto& values = truth().policy_values;
  ASSERT_EQ(values.size(), 2u);
  EXPECT_EQ(values[0].name, "logging:plackett_luce");
  EXPECT_EQ(values[1].name, "uniform");
  for (const PolicyValue& v : values) {
    EXPECT_EQ(v.episodes, 300) << v.name;
    EXPECT_GT(v.std_error, 0.0) << v.name;
    EXPECT_GT(v.value, 0.0) << v.name;
  }
  TinyRun oracle;
  oracle.logging.kind = "oracle";
  oracle.synth.sessions = 10;
  oracle.synth.value_episodes = 20;
  oracle.synth.value_policies = {"logging"};
  EXPECT_EQ(oracle.run().truth.policy_values.at(0).name, "logging:oracle");
}

TEST(LogSynthesisConfig, UnknownValuePolicyIsAConfigError) {
  TinyRun run;
  run.synth.value_policies = {"logging", "greedy"};
  try {
    run.run();
    ADD_FAILURE() << "an unknown value policy was accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("synth.value_policies"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("'greedy'"), std::string::npos);
  }
}

TEST(LogSynthesisConfig, ValuePolicyListedTwiceIsAConfigErrorBeforeAnyWork) {
  TinyRun run;
  run.synth.value_policies = {"uniform", "logging", "uniform"};
  try {
    run.run();
    ADD_FAILURE() << "a value policy listed twice was accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("'uniform' is listed twice"), std::string::npos)
        << error.what();
  }
}

TEST(LogSynthesisDeterminism, SameSeedGivesTheSameLogsWhateverTheThreadCount) {
  // 300 slots: two chunks of 256 for the environment, five of 64 for the policy.
  TinyRun run;
  run.synth.sessions = 400;
  run.synth.batch_size = 300;
  run.synth.value_episodes = 300;
  const SynthesizedLogs one = run.run();
  run.env.threads = 2;
  const SynthesizedLogs two = run.run();
  expect_stores_equal(two.store, one.store);
  expect_truths_equal(two.truth, one.truth);
  // The comparison has teeth: another seed gives other logs.
  EXPECT_NE(run.run(kSynthesisSeed + 1).store.impressions.item, one.store.impressions.item);
}

TEST_F(LogSynthesis, RoundTripsThroughAStoreFile) {
  TempDir dir;
  const auto path = dir / "synth.h5";
  write_session_store(store(), path, &truth());
  expect_stores_equal(read_session_store(path), store());
  ASSERT_TRUE(store_has_truth(path));
  expect_truths_equal(read_store_truth(path), truth());
}

}  // namespace
}  // namespace shoprl
