// The store is readable without shoprl: tools/check_store_h5py.py counts a written store, its
// simulator columns and its ground truth with h5py alone, and what it reports must equal what
// was written. Skips where /usr/bin/python3 has no h5py.
#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "data/session_store_fixture.h"
#include "data/session_store_io.h"
#include "data/store_truth.h"
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

// What tools/check_store_h5py.py prints for the store written from `store` and `truth`, into
// `counts`; a skip where h5py is missing (callers return on IsSkipped or a fatal failure).
void read_with_h5py(const SessionStore& store, const StoreTruth* truth, nlohmann::json& counts) {
  const testing::TempDir dir;
  const std::filesystem::path path = dir / "store.h5";
  write_session_store(store, path, truth);

  const std::string script = (testing::source_dir() / "tools" / "check_store_h5py.py").string();
  const testing::CommandResult result =
      testing::run_command("/usr/bin/python3 '" + script + "' '" + path.string() + "'");
  if (result.exit_code == kSkipExitCode) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import h5py (install python3-h5py): " << result.output;
  }
  ASSERT_EQ(result.exit_code, 0) << result.output;
  counts = nlohmann::json::parse(result.output);
}

void expect_h5py_counts_match(const SessionStore& store) {
  nlohmann::json counts;
  read_with_h5py(store, nullptr, counts);
  if (::testing::Test::IsSkipped() || ::testing::Test::HasFatalFailure()) return;

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
  EXPECT_TRUE(counts["truth"].is_null());
}

// Sums in different orders (NumPy's pairwise sum against this loop) may differ in the last
// bits; the truth's values are O(1), so 1e-12 separates rounding from a wrong column.
double sum(const std::vector<double>& values) {
  double total = 0;
  for (const double value : values) total += value;
  return total;
}

int count_nan(const std::vector<double>& values) {
  int nan = 0;
  for (const double value : values) nan += std::isnan(value) ? 1 : 0;
  return nan;
}

int count_ones(const std::vector<std::int8_t>& values) {
  int ones = 0;
  for (const std::int8_t value : values) ones += value;
  return ones;
}

TEST(SessionStoreH5py, CountsMatchWithEveryOptionalPart) {
  expect_h5py_counts_match(store_with_distinct_counts(true));
}

TEST(SessionStoreH5py, CountsMatchWithoutOptionalParts) {
  expect_h5py_counts_match(store_with_distinct_counts(false));
}

TEST(SessionStoreH5py, SimulatorColumnsAndTruthMatch) {
  const SessionStore store = store_with_distinct_counts(true);
  const StoreTruth truth = testing::tiny_truth();
  nlohmann::json counts;
  read_with_h5py(store, &truth, counts);
  if (IsSkipped() || HasFatalFailure()) return;

  const StoreImpressions& impressions = store.impressions;
  EXPECT_EQ(counts["clicks"], count_ones(impressions.click));
  EXPECT_EQ(counts["purchases"], count_ones(impressions.purchase));
  EXPECT_EQ(counts["undefined_propensities"]["slate"], count_nan(impressions.slate_propensity));
  EXPECT_EQ(counts["undefined_propensities"]["prefix"], count_nan(impressions.prefix_propensity));

  const nlohmann::json& seen = counts["truth"];
  ASSERT_TRUE(seen.is_object()) << counts.dump();
  EXPECT_EQ(seen["world_config"], truth.world_config_yaml);
  EXPECT_NEAR(seen["sums"]["click_probability"].get<double>(), sum(truth.click_probability), 1e-12);
  EXPECT_NEAR(seen["sums"]["purchase_probability"].get<double>(), sum(truth.purchase_probability),
              1e-12);
  EXPECT_NEAR(seen["sums"]["expected_reward"].get<double>(), sum(truth.expected_reward), 1e-12);
  EXPECT_EQ(seen["item_factors"], nlohmann::json({store.num_items(), truth.factor_dim}));
  EXPECT_EQ(seen["user_factors"], nlohmann::json({store.user_raw_id.size(), truth.factor_dim}));
  ASSERT_EQ(seen["policy_values"].size(), truth.policy_values.size());
  for (const PolicyValue& policy : truth.policy_values) {
    const nlohmann::json& value = seen["policy_values"][policy.name];
    EXPECT_EQ(value["value"].get<double>(), policy.value) << policy.name;
    EXPECT_EQ(value["std_error"].get<double>(), policy.std_error) << policy.name;
    EXPECT_EQ(value["episodes"], policy.episodes) << policy.name;
  }
}

TEST(SessionStoreH5py, UnrecordedSimulatorColumnsAreNull) {
  SessionStore store = store_with_distinct_counts(true);
  store.impressions.click.clear();
  store.impressions.slate_propensity.clear();
  nlohmann::json counts;
  read_with_h5py(store, nullptr, counts);
  if (IsSkipped() || HasFatalFailure()) return;
  EXPECT_TRUE(counts["clicks"].is_null());
  EXPECT_EQ(counts["purchases"], count_ones(store.impressions.purchase));
  EXPECT_TRUE(counts["undefined_propensities"]["slate"].is_null());
  EXPECT_EQ(counts["undefined_propensities"]["prefix"],
            count_nan(store.impressions.prefix_propensity));
  EXPECT_TRUE(counts["truth"].is_null());
}

}  // namespace
}  // namespace shoprl
