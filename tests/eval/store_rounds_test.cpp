// A store's impressions as logged rounds: the logging and evaluation probabilities of each row,
// slates and prefixes, the split filter, and the errors of bad propensities.
#include "eval/store_rounds.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/error.h"
#include "data/session_store_fixture.h"

namespace shoprl {
namespace {

SlotDistributionPolicy uniform(const SessionStore& store) {
  EvaluationPolicyConfig config;
  return make_evaluation_policy(config, store);
}

TEST(StoreRounds, RowsCarryBothPoliciesProbabilities) {
  const SessionStore store = testing::tiny_store(true);
  const StoreRounds out = logged_rounds_from_store(store, uniform(store), "all");
  const LoggedRounds& r = out.rounds;
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r.reward, (std::vector<double>{1, 0, 0, 1}));
  EXPECT_EQ(r.pscore, (std::vector<double>{0.5, 0.25, 0.125, 0.875}));
  for (double p : r.target_pscore) EXPECT_DOUBLE_EQ(p, 1.0 / 3);
  EXPECT_EQ(r.position, (std::vector<std::int32_t>{0, 1, 0, 1}));
  EXPECT_EQ(r.slate_id, (std::vector<std::int64_t>{10, 10, 11, 11}));
  EXPECT_EQ(r.session_id, (std::vector<std::int64_t>{0, 0, 2, 2}));
  EXPECT_DOUBLE_EQ(r.prefix_target_pscore[0], 1.0 / 3);
  EXPECT_DOUBLE_EQ(r.prefix_target_pscore[1], 1.0 / 6);
  EXPECT_DOUBLE_EQ(r.slate_target_pscore[0], 1.0 / 6);
  EXPECT_DOUBLE_EQ(r.slate_target_pscore[3], 1.0 / 6);
  EXPECT_DOUBLE_EQ(r.slate_pscore[0], 0.125);
  EXPECT_TRUE(std::isnan(r.slate_pscore[2]));  // the store's own "cannot say"
  EXPECT_EQ(r.len_list, 2);
  EXPECT_EQ(r.uniform_logging_items, 0);  // the tiny store's logger is not uniform
  EXPECT_EQ(out.impression_row, (std::vector<std::size_t>{0, 1, 2, 3}));
  // Reward-model rows: item, slot, reward, and the context one-hot/numeric encoding.
  EXPECT_EQ(out.model_data.rows, 4u);
  EXPECT_EQ(out.model_data.action, (std::vector<std::int32_t>{0, 1, 2, 0}));
  EXPECT_EQ(out.model_data.actions, 3);
  EXPECT_GT(out.model_data.action_feature_dim, 0);
}

TEST(StoreRounds, SplitKeepsOnlyItsSessions) {
  const SessionStore store = testing::tiny_store(true);  // sessions 0, 1, 2: train, valid, test
  const StoreRounds test = logged_rounds_from_store(store, uniform(store), "test");
  EXPECT_EQ(test.impression_row, (std::vector<std::size_t>{2, 3}));
  EXPECT_THROW(logged_rounds_from_store(store, uniform(store), "valid"), DataError);  // no rows
  EXPECT_THROW(logged_rounds_from_store(store, uniform(store), "holdout"), ConfigError);
}

TEST(StoreRounds, WithoutSlateProbabilitiesRowsAreSingleSlotRounds) {
  SessionStore store = testing::tiny_store(true);
  store.impressions.slate_propensity.clear();
  const LoggedRounds r = logged_rounds_from_store(store, uniform(store), "all").rounds;
  EXPECT_FALSE(r.has_slates());
  EXPECT_TRUE(r.slate_pscore.empty());
  EXPECT_TRUE(r.has_sessions());
}

TEST(StoreRounds, BadPropensityOrRewardNamesTheRow) {
  SessionStore store = testing::tiny_store(true);
  store.impressions.propensity[2] = 0.0;
  try {
    logged_rounds_from_store(store, uniform(store), "all");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("impressions/propensity: row 2"), std::string::npos)
        << e.what();
  }
  store = testing::tiny_store(true);
  store.impressions.reward[1] = std::nanf("");
  EXPECT_THROW(logged_rounds_from_store(store, uniform(store), "all"), DataError);
}

TEST(StoreRounds, UniformLoggingIsRecognised) {
  SessionStore store = testing::tiny_store(true);
  store.impressions.propensity = {1.0 / 3, 1.0 / 3, 1.0 / 3, 1.0 / 3};
  store.impressions.slate_propensity = {1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6};
  EXPECT_EQ(logged_rounds_from_store(store, uniform(store), "all").rounds.uniform_logging_items, 3);
}

}  // namespace
}  // namespace shoprl
