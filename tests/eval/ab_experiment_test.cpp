// The A/B readout (eval/ab_experiment.h): each arm's mean return per session from its store,
// checked by hand, and Welch's interval on the difference, checked against its closed form and
// for coverage on arms with known means.
#include "eval/ab_experiment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/error.h"
#include "core/seeding.h"
#include "data/session_store.h"

namespace shoprl {
namespace {

// Sessions with the given rewards of their shown slots, one impression row per reward.
SessionStore store_with_rewards(const std::vector<std::vector<float>>& sessions) {
  SessionStore store;
  store.item_raw_id = {"a", "b"};
  std::int64_t slate = 0;
  for (std::size_t s = 0; s < sessions.size(); ++s) {
    store.session_raw_id.push_back("s" + std::to_string(s));
    store.session_offsets.push_back(0);
    for (const float reward : sessions[s]) {
      StoreImpressions& shown = store.impressions;
      shown.session.push_back(static_cast<std::int64_t>(s));
      shown.slate.push_back(slate++);
      shown.item.push_back(0);
      shown.position.push_back(0);
      shown.reward.push_back(reward);
      shown.propensity.push_back(1.0);
      shown.time_ms.push_back(0);
    }
  }
  return store;
}

TEST(AbExperiment, AnArmsValueIsTheMeanOfItsSessionsSummedRewards) {
  // Returns 1.2, 0 (no impressions) and 0.2 + 1.0 + 0.2 = 1.4.
  const SessionStore store = store_with_rewards({{1.2F}, {}, {0.2F, 1.0F, 0.2F}});
  const ArmValue arm = arm_session_value(store, "arm.h5");
  EXPECT_EQ(arm.sessions, 3);
  EXPECT_NEAR(arm.mean, 2.6 / 3, 1e-6);
  const double m = 2.6 / 3;
  const double variance = ((1.2 - m) * (1.2 - m) + m * m + (1.4 - m) * (1.4 - m)) / 2;
  EXPECT_NEAR(arm.std_dev, std::sqrt(variance), 1e-6);
  EXPECT_NEAR(arm.std_error, std::sqrt(variance / 3), 1e-6);
}

TEST(AbExperiment, RefusesAnArmItCannotRead) {
  try {
    arm_session_value(store_with_rewards({{1.0F}}), "one.h5");
    FAIL() << "one session was read";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("one.h5: 1 session(s)"), std::string::npos) << e.what();
  }
  EXPECT_THROW(arm_session_value(store_with_rewards({{1.0F}, {std::nanf("")}}), "nan.h5"),
               DataError);
}

TEST(AbExperiment, WelchsIntervalMatchesItsClosedForm) {
  ArmValue served{400, 2.0, 0.1, 2.0};
  ArmValue candidate{100, 2.5, 0.3, 3.0};
  const ExperimentReadout x = read_experiment(served, candidate, 0.95);
  EXPECT_DOUBLE_EQ(x.difference, 0.5);
  EXPECT_NEAR(x.std_error, std::sqrt(0.01 + 0.09), 1e-12);
  // (0.01 + 0.09)^2 / (0.01^2/399 + 0.09^2/99) = 121.7...
  const double dof = 0.01 / (0.0001 / 399 + 0.0081 / 99);
  EXPECT_NEAR(x.degrees_of_freedom, dof, 1e-9);
  // t_0.975 at 121.7 degrees of freedom is 1.9795 (tables: 1.9799 at 120, 1.9793 at 125).
  EXPECT_NEAR(x.ci.low, 0.5 - 1.9796 * std::sqrt(0.1), 2e-4);
  EXPECT_NEAR(x.ci.high, 0.5 + 1.9796 * std::sqrt(0.1), 2e-4);
  // Equal arms: 2(n - 1) degrees of freedom.
  const ExperimentReadout equal = read_experiment({50, 1, 0.2, 1.4}, {50, 1, 0.2, 1.4}, 0.9);
  EXPECT_NEAR(equal.degrees_of_freedom, 98, 1e-9);
}

// Arms of exponential returns (skewed, as session returns are) with known means and unequal
// sizes and spreads: the 95% interval covers the true difference in at least 180 of 200
// experiments (if its coverage is 95%, the chance of fewer is about 0.2%; the seeds are fixed,
// and 188 are covered).
TEST(AbExperiment, TheIntervalCoversTheTrueDifference) {
  constexpr int kExperiments = 200;
  int covered = 0;
  Rng rng = make_rng(11, 0);
  for (int e = 0; e < kExperiments; ++e) {
    const auto arm_of = [&rng](std::size_t sessions, double mean) {
      std::vector<std::vector<float>> rewards(sessions);
      for (auto& session : rewards)
        session.push_back(static_cast<float>(-mean * std::log(1.0 - uniform01(rng))));
      return arm_session_value(store_with_rewards(rewards), "arm");
    };
    const ArmValue served = arm_of(300, 2.0);
    const ArmValue candidate = arm_of(120, 3.0);
    const ExperimentReadout x = read_experiment(served, candidate, 0.95);
    covered += x.ci.low <= 1.0 && 1.0 <= x.ci.high;
  }
  std::printf("Welch's 95%% interval covered the true difference in %d of %d\n", covered,
              kExperiments);
  EXPECT_GE(covered, 180);
}

}  // namespace
}  // namespace shoprl
