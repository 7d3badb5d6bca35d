// Tests the minibatches of logged sessions (src/agent/logged_session_batches.cpp): windows of
// long sessions, padding, which transitions are terminal, and the minibatch order.
#include "agent/logged_session_batches.h"

#include <gtest/gtest.h>

#include <set>

#include "agent/offline_fixtures.h"
#include "core/error.h"
#include "testing/event_codes.h"

namespace shoprl {
namespace {

using testing::hand_built_store;
using testing::kClick;
using testing::kPurchase;

TEST(LoggedSessionBatches, WindowsLongSessionsAndOnlyTheSessionEndIsTerminal) {
  // Session 0 has 5 events: windows of 3 cut it into [0, 3) and [3, 5); session 1 is a test
  // session and is left out.
  SessionStore store = hand_built_store(
      8, {{{1, kClick}, {2, kClick}, {3, kClick}, {4, kClick}, {4, kPurchase}}, {{5, kClick}}});
  store.session_split[1] = static_cast<std::int8_t>(Split::kTest);
  const LoggedSessionBatches data(store, 3, EventRewards{0.2, 0.5, 1.0}, "hand-built");
  ASSERT_EQ(data.windows(), 2u);
  EXPECT_EQ(data.events(), 5);
  const LoggedTransitions batch = data.batch({1, 0});
  EXPECT_TRUE(torch::equal(batch.items, torch::tensor({{4, 4, -1}, {1, 2, 3}})));
  EXPECT_TRUE(torch::equal(batch.types, torch::tensor({{0, 2, -1}, {0, 0, 0}})));
  EXPECT_TRUE(torch::equal(batch.lengths, torch::tensor({2, 3})));
  EXPECT_TRUE(torch::equal(batch.valid, torch::tensor({{true, true, false}, {true, true, true}})));
  EXPECT_TRUE(torch::equal(batch.rewards, torch::tensor({{0.2f, 1.0f, 0.0f}, {0.2f, 0.2f, 0.2f}})));
  // The first window's last event is not the session's: it bootstraps from the window's end.
  EXPECT_TRUE(
      torch::equal(batch.terminal, torch::tensor({{false, true, false}, {false, false, false}})));
  EXPECT_EQ(batch.transitions(), 5);
}

TEST(LoggedSessionBatches, MinibatchesVisitEveryWindowOncePerShuffle) {
  std::vector<std::vector<testing::LoggedEvent>> sessions;
  for (int s = 0; s < 10; ++s) sessions.push_back({{s, kClick}});
  const LoggedSessionBatches data(hand_built_store(10, sessions), 5, EventRewards{}, "hand-built");
  Rng rng = make_rng(1, 2);
  const auto batches = data.minibatches(5, 4, rng);  // 20 draws: two whole shuffles
  ASSERT_EQ(batches.size(), 5u);
  std::vector<std::int64_t> all;
  for (const auto& b : batches) {
    ASSERT_EQ(b.size(), 4u);
    all.insert(all.end(), b.begin(), b.end());
  }
  EXPECT_EQ(std::set<std::int64_t>(all.begin(), all.begin() + 10).size(), 10u);
  EXPECT_EQ(std::set<std::int64_t>(all.begin() + 10, all.end()).size(), 10u);
  Rng again = make_rng(1, 2);
  EXPECT_EQ(data.minibatches(5, 4, again), batches);
  // A batch larger than the data is the whole data.
  EXPECT_EQ(data.minibatches(1, 50, again).front().size(), 10u);
}

TEST(LoggedSessionBatches, NoTrainSessionIsADataErrorNamingTheStore) {
  const SessionStore store = hand_built_store(3, {{{0, kClick}}}, Split::kValid);
  try {
    LoggedSessionBatches(store, 5, EventRewards{}, "logs.h5");
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("logs.h5"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace shoprl
