#include "sim/session_sequences.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "data/event_type.h"

namespace shoprl {
namespace {

constexpr std::int8_t C = static_cast<std::int8_t>(EventType::kClick);
constexpr std::int8_t A = static_cast<std::int8_t>(EventType::kCart);
constexpr std::int8_t P = static_cast<std::int8_t>(EventType::kPurchase);

// Session 0 (train): click 1, click 2, cart 2, click 3, purchase 2.
// Session 1 (valid): click 4.
// Session 2 (train): click 5, click 1, purchase 1, click 1.
// Session 3 (train): no events.
SessionStore two_train_sessions() {
  SessionStore store;
  for (int i = 0; i < 6; ++i) store.item_raw_id.push_back(std::to_string(i));
  store.session_raw_id = {"a", "b", "c", "d"};
  store.session_split = {0, 1, 0, 0};
  store.session_offsets = {0, 5, 6, 10, 10};
  store.event_item = {1, 2, 2, 3, 2, 4, 5, 1, 1, 1};
  store.event_type = {C, C, A, C, P, C, C, C, P, C};
  store.event_time_ms.assign(10, 0);
  return store;
}

TEST(SessionSequences, TargetsOfTwoHandMadeSessions) {
  const SessionSequences s = session_sequences(two_train_sessions(), Split::kTrain, 50, "x.h5");
  EXPECT_EQ(s.num_items, 6);
  EXPECT_EQ(s.offsets, (std::vector<std::int64_t>{0, 5, 9}));
  EXPECT_EQ(s.session, (std::vector<std::int64_t>{0, 2}));
  EXPECT_EQ(s.items, (std::vector<std::int32_t>{1, 2, 2, 3, 2, 5, 1, 1, 1}));
  EXPECT_EQ(s.types, (std::vector<std::int8_t>{C, C, A, C, P, C, C, P, C}));
  // Click 2 is bought later; clicks 1 and 3 are not; the last click of 1 comes after the
  // purchase of 1, so it is not "bought later".
  EXPECT_EQ(s.purchased_later, (std::vector<std::int8_t>{0, 1, 0, 0, 0, 0, 1, 0, 0}));
  // A step closes before each click and at the last event.
  EXPECT_EQ(s.ends_step, (std::vector<std::int8_t>{1, 0, 1, 0, 1, 1, 0, 1, 1}));
  EXPECT_EQ(s.last_event, (std::vector<std::int8_t>{0, 0, 0, 0, 1, 0, 0, 0, 1}));
}

TEST(SessionSequences, EachPurchaseIsCreditedToTheLastClickOfItsItemOnly) {
  // click 1, click 2, click 1, purchase 1, click 1, click 1, purchase 1, purchase 2: item 1 is
  // clicked four times and bought twice, so two of its clicks are positives (the ones right
  // before each purchase); item 2's one click gets the purchase at the end.
  SessionStore store;
  for (int i = 0; i < 3; ++i) store.item_raw_id.push_back(std::to_string(i));
  store.session_raw_id = {"a"};
  store.session_split = {0};
  store.session_offsets = {0, 8};
  store.event_item = {1, 2, 1, 1, 1, 1, 1, 2};
  store.event_type = {C, C, C, P, C, C, P, P};
  store.event_time_ms.assign(8, 0);
  const SessionSequences s = session_sequences(store, Split::kTrain, 50, "x.h5");
  EXPECT_EQ(s.purchased_later, (std::vector<std::int8_t>{0, 1, 1, 0, 0, 1, 0, 0}));
}

TEST(SessionSequences, LongSessionsBecomeWindowsKeepingSessionTargets) {
  const SessionSequences s = session_sequences(two_train_sessions(), Split::kTrain, 2, "x.h5");
  EXPECT_EQ(s.offsets, (std::vector<std::int64_t>{0, 2, 4, 5, 7, 9}));
  EXPECT_EQ(s.session, (std::vector<std::int64_t>{0, 0, 0, 2, 2}));
  EXPECT_EQ(s.length(2), 1);
  // Purchase targets look past the window's end.
  EXPECT_EQ(s.purchased_later, (std::vector<std::int8_t>{0, 1, 0, 0, 0, 0, 1, 0, 0}));
  EXPECT_EQ(s.last_event, (std::vector<std::int8_t>{0, 0, 0, 0, 1, 0, 0, 0, 1}));
}

TEST(SessionSequences, EveryNthSessionKeepsOrHoldsOutWholeSessions) {
  // Windows of 2: session 0 gives three, session 2 two. One session in three held out: 0.
  const SessionSequences all = session_sequences(two_train_sessions(), Split::kTrain, 2, "x.h5");
  const SessionSequences held = every_nth_session(all, 3, true);
  const SessionSequences kept = every_nth_session(all, 3, false);
  EXPECT_EQ(held.session, (std::vector<std::int64_t>{0, 0, 0}));
  EXPECT_EQ(held.offsets, (std::vector<std::int64_t>{0, 2, 4, 5}));
  EXPECT_EQ(held.items, (std::vector<std::int32_t>{1, 2, 2, 3, 2}));
  EXPECT_EQ(kept.session, (std::vector<std::int64_t>{2, 2}));
  EXPECT_EQ(kept.offsets, (std::vector<std::int64_t>{0, 2, 4}));
  EXPECT_EQ(kept.items, (std::vector<std::int32_t>{5, 1, 1, 1}));
  EXPECT_EQ(kept.purchased_later, (std::vector<std::int8_t>{0, 1, 0, 0}));
  EXPECT_EQ(kept.last_event, (std::vector<std::int8_t>{0, 0, 0, 1}));
  EXPECT_EQ(kept.num_items, 6);
}

TEST(SessionSequences, ValidSplitAndEmptySplitError) {
  const SessionSequences valid = session_sequences(two_train_sessions(), Split::kValid, 50, "x.h5");
  EXPECT_EQ(valid.items, (std::vector<std::int32_t>{4}));
  EXPECT_EQ(valid.ends_step, (std::vector<std::int8_t>{1}));
  EXPECT_EQ(valid.last_event, (std::vector<std::int8_t>{1}));
  try {
    session_sequences(two_train_sessions(), Split::kTest, 50, "x.h5");
    FAIL() << "expected a DataError";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("x.h5"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("test"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace shoprl
