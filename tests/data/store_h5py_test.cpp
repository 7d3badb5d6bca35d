// The store is readable without shoprl: tools/check_store_h5py.py counts a written store with
// h5py alone, and its counts must equal the store's. Skips where /usr/bin/python3 has no h5py.
#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "data/session_store_fixture.h"
#include "data/session_store_io.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

constexpr int kSkipExitCode = 77;

// Counts differ per event type and per split, so that a reader mixing up codes fails.
SessionStore store_with_distinct_counts(bool with_optional_parts) {
  SessionStore store = testing::tiny_store(with_optional_parts);
  store.event_type = {1, 1, 0, 0, 0};  // 3 clicks, 2 carts, 0 purchases
  store.session_split = {0, 0, 2};     // 2 train, 0 valid, 1 test
  return store;
}

void expect_h5py_counts_match(const SessionStore& store) {
  const testing::TempDir dir;
  const std::filesystem::path path = dir / "store.h5";
  write_session_store(store, path);

  const std::string script = (testing::source_dir() / "tools" / "check_store_h5py.py").string();
  const testing::CommandResult result =
      testing::run_command("/usr/bin/python3 '" + script + "' '" + path.string() + "'");
  if (result.exit_code == kSkipExitCode) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import h5py (install python3-h5py): " << result.output;
  }
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json counts = nlohmann::json::parse(result.output);

  std::array<int, 3> events_by_type{};
  for (const std::int8_t type : store.event_type) ++events_by_type[type];
  std::array<int, 3> sessions_by_split{};
  for (const std::int8_t split : store.session_split) ++sessions_by_split[split];

  EXPECT_EQ(counts["sessions"], store.num_sessions());
  EXPECT_EQ(counts["items"], store.num_items());
  EXPECT_EQ(counts["events"]["total"], store.num_events());
  EXPECT_EQ(counts["events"]["click"], events_by_type[0]);
  EXPECT_EQ(counts["events"]["cart"], events_by_type[1]);
  EXPECT_EQ(counts["events"]["purchase"], events_by_type[2]);
  EXPECT_EQ(counts["impressions"], store.impressions.size());
  EXPECT_EQ(counts["users"], store.user_raw_id.size());
  EXPECT_EQ(counts["splits"]["train"], sessions_by_split[0]);
  EXPECT_EQ(counts["splits"]["valid"], sessions_by_split[1]);
  EXPECT_EQ(counts["splits"]["test"], sessions_by_split[2]);
}

TEST(SessionStoreH5py, CountsMatchWithEveryOptionalPart) {
  expect_h5py_counts_match(store_with_distinct_counts(true));
}

TEST(SessionStoreH5py, CountsMatchWithoutOptionalParts) {
  expect_h5py_counts_match(store_with_distinct_counts(false));
}

}  // namespace
}  // namespace shoprl
