// Tests how logged sessions become REINFORCE's click steps (src/agent/logged_click_steps.cpp):
// the state before each slate, the clicked item, the discounted return of the session from that
// slate on, the clicked slot's propensity, and the split.
#include "agent/logged_click_steps.h"

#include <gtest/gtest.h>

#include <vector>

#include "core/error.h"
#include "data/event_type.h"
#include "testing/event_codes.h"

namespace shoprl {
namespace {

using testing::kPurchaseCode;

using testing::kClickCode;

void add_event(SessionStore& store, std::int32_t item, std::int8_t type, std::int64_t time_ms) {
  store.event_item.push_back(item);
  store.event_type.push_back(type);
  store.event_time_ms.push_back(time_ms);
}

void add_row(SessionStore& store, std::int64_t session, std::int64_t slate, std::int32_t item,
             std::int16_t position, float reward, double propensity, std::int64_t time_ms,
             bool click) {
  StoreImpressions& m = store.impressions;
  m.session.push_back(session);
  m.slate.push_back(slate);
  m.item.push_back(item);
  m.position.push_back(position);
  m.reward.push_back(reward);
  m.propensity.push_back(propensity);
  m.time_ms.push_back(time_ms);
  m.click.push_back(click ? 1 : 0);
}

// Session 0 (train): lands on item 3; slate [1, 2] at t = 100, item 2 clicked (0.2); slate
// [0, 3] at t = 200, item 0 clicked and bought (1.2); slate [1, 0] at t = 300, no click.
// Session 1 (test): one clicked slate, which the train split must not see.
SessionStore two_session_store() {
  SessionStore store;
  store.item_raw_id = {"a", "b", "c", "d"};
  store.session_raw_id = {"s0", "s1"};
  store.session_split = {static_cast<std::int8_t>(Split::kTrain),
                         static_cast<std::int8_t>(Split::kTest)};
  add_event(store, 3, kClickCode, 0);
  add_event(store, 2, kClickCode, 101);
  add_event(store, 0, kClickCode, 201);
  add_event(store, 0, kPurchaseCode, 202);
  store.session_offsets.push_back(4);
  add_event(store, 1, kClickCode, 1000);
  store.session_offsets.push_back(5);
  add_row(store, 0, 0, 1, 0, 0.0F, 0.5, 100, false);
  add_row(store, 0, 0, 2, 1, 0.2F, 0.25, 100, true);
  add_row(store, 0, 1, 0, 0, 1.2F, 0.4, 200, true);
  add_row(store, 0, 1, 3, 1, 0.0F, 0.3, 200, false);
  add_row(store, 0, 2, 1, 0, 0.0F, 0.5, 300, false);
  add_row(store, 0, 2, 0, 1, 0.0F, 0.2, 300, false);
  add_row(store, 1, 3, 2, 0, 0.2F, 0.9, 1100, true);
  return store;
}

torch::Tensor history(const std::vector<std::int64_t>& values) { return torch::tensor(values); }

TEST(LoggedClickSteps, OneStepPerClickWithHistoryBeforeTheSlateAndTheDiscountedReturn) {
  const LoggedClickSteps steps = logged_click_steps(two_session_store(), Split::kTrain, 0.5, 3);
  ASSERT_EQ(steps.size(), 2);
  EXPECT_EQ(steps.action[0].item<std::int64_t>(), 2);
  EXPECT_EQ(steps.action[1].item<std::int64_t>(), 0);
  // R_0 = 0.2 + 0.5 * 1.2 + 0.25 * 0; R_1 = 1.2 + 0.5 * 0.
  EXPECT_FLOAT_EQ(steps.returns[0].item<float>(), 0.8F);
  EXPECT_FLOAT_EQ(steps.returns[1].item<float>(), 1.2F);
  EXPECT_FLOAT_EQ(steps.propensity[0].item<float>(), 0.25F);
  EXPECT_FLOAT_EQ(steps.propensity[1].item<float>(), 0.4F);
  // Before slate 0: the landing click only; before slate 1: the landing and the first click.
  EXPECT_EQ(steps.lengths[0].item<std::int64_t>(), 1);
  EXPECT_EQ(steps.lengths[1].item<std::int64_t>(), 2);
  EXPECT_TRUE(steps.items[0].equal(history({3, -1, -1})));
  EXPECT_TRUE(steps.items[1].equal(history({3, 2, -1})));
  EXPECT_TRUE(steps.types[1].equal(history({kClickCode, kClickCode, -1})));
}

TEST(LoggedClickSteps, KeepsTheMostRecentEventsOfALongHistory) {
  const LoggedClickSteps steps = logged_click_steps(two_session_store(), Split::kTrain, 0.5, 1);
  EXPECT_EQ(steps.lengths[1].item<std::int64_t>(), 1);
  EXPECT_EQ(steps.items[1][0].item<std::int64_t>(), 2);
}

TEST(LoggedClickSteps, TakesOnlyTheRequestedSplit) {
  const LoggedClickSteps steps = logged_click_steps(two_session_store(), Split::kTest, 0.5, 3);
  ASSERT_EQ(steps.size(), 1);
  EXPECT_EQ(steps.action[0].item<std::int64_t>(), 2);
  EXPECT_EQ(steps.items[0][0].item<std::int64_t>(), 1);
  EXPECT_THROW(logged_click_steps(two_session_store(), Split::kValid, 0.5, 3), DataError);
}

TEST(LoggedClickSteps, WithoutAClickColumnAPositiveRewardIsAClick) {
  SessionStore store = two_session_store();
  store.impressions.click.clear();
  EXPECT_EQ(logged_click_steps(store, Split::kTrain, 0.5, 3).size(), 2);
}

TEST(LoggedClickSteps, RejectsAPropensityOutsideTheUnitInterval) {
  SessionStore store = two_session_store();
  store.impressions.propensity[2] = 0.0;
  EXPECT_THROW(logged_click_steps(store, Split::kTrain, 0.5, 3), DataError);
  EXPECT_THROW(logged_click_steps(SessionStore{}, Split::kTrain, 0.5, 3), DataError);
}

}  // namespace
}  // namespace shoprl
