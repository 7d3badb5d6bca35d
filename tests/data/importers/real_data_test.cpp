// The importers on the real datasets in ../shared/data, against figures computed independently
// by tools/count_real_data.py with pandas (the same figures are in docs/real-data.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "data/importers/importer_test_support.h"

namespace shoprl::testing {
namespace {

constexpr int kSkipped = 77;  // the script's exit code when pandas or a file is missing

// The script's JSON, run once for the suite; a test skips with the script's reason when absent.
struct IndependentCounts {
  bool available = false;
  std::string why_not;
  nlohmann::json counts;
};

const IndependentCounts& independent_counts() {
  static const IndependentCounts result = [] {
    IndependentCounts out;
    TempDir dir;
    const std::string stderr_path = (dir / "stderr.txt").string();
    // The braces keep the script's stderr (pandas warnings) out of the JSON on stdout.
    const CommandResult run = run_command(
        "{ /usr/bin/python3 '" + (source_dir() / "tools" / "count_real_data.py").string() + "' '" +
        shared_data_dir().string() + "' 2>'" + stderr_path + "'; }");
    std::ifstream stderr_file(stderr_path);
    const std::string stderr_text((std::istreambuf_iterator<char>(stderr_file)),
                                  std::istreambuf_iterator<char>());
    if (run.exit_code == kSkipped) {
      out.why_not = "tools/count_real_data.py skipped: " + stderr_text;
      return out;
    }
    if (run.exit_code != 0) {
      ADD_FAILURE() << "tools/count_real_data.py failed (" << run.exit_code << "): " << run.output
                    << stderr_text;
      out.why_not = "the script failed";
      return out;
    }
    out.counts = nlohmann::json::parse(run.output);
    out.available = true;
    return out;
  }();
  return result;
}

#define SHOPRL_REQUIRE_INDEPENDENT_COUNTS()                                            \
  do {                                                                                 \
    if (!independent_counts().available) GTEST_SKIP() << independent_counts().why_not; \
  } while (0)

std::int64_t count_type(const RawLog& log, EventType type) {
  std::int64_t n = 0;
  for (const std::uint8_t t : log.event_type) n += t == static_cast<std::uint8_t>(type);
  return n;
}

std::int64_t time_sum(const std::vector<std::int64_t>& times) {
  std::int64_t sum = 0;
  for (const std::int64_t t : times) sum += t;
  return sum;
}

std::vector<std::int64_t> vocabulary_sizes(const FeatureTable& table) {
  std::vector<std::int64_t> sizes;
  for (const IdDictionary& vocabulary : table.vocabularies) {
    sizes.push_back(static_cast<std::int64_t>(vocabulary.size()));
  }
  return sizes;
}

TEST(RealDataImport, DigineticaMatchesIndependentCounts) {
  SHOPRL_REQUIRE_SHARED_DATA("diginetica");
  SHOPRL_REQUIRE_INDEPENDENT_COUNTS();
  const nlohmann::json& expected = independent_counts().counts["diginetica"];
  const auto folder = shared_data_dir() / "diginetica";
  const RawLog log =
      import_log("diginetica", {folder / "train-item-views.sample-srgnn.csv",
                                folder / "train-purchases.csv", folder / "product-categories.csv"});

  EXPECT_EQ(count_type(log, EventType::kClick), expected["events"]["click"].get<std::int64_t>());
  EXPECT_EQ(count_type(log, EventType::kCart), expected["events"]["cart"].get<std::int64_t>());
  EXPECT_EQ(count_type(log, EventType::kPurchase),
            expected["events"]["purchase"].get<std::int64_t>());
  EXPECT_EQ(log.session_keys.size(), expected["sessions"].get<std::size_t>());
  EXPECT_EQ(log.items.size(), expected["items"].get<std::size_t>());
  EXPECT_EQ(log.users.size(), expected["users"].get<std::size_t>());
  std::size_t sessions_with_user = 0;
  for (const std::int32_t user : log.session_user) sessions_with_user += user >= 0;
  EXPECT_EQ(sessions_with_user, expected["sessions_with_user"].get<std::size_t>());

  std::size_t items_with_category = 0;
  std::set<std::string> categories;
  for (const std::string& category : log.item_category) {
    if (category.empty()) continue;
    ++items_with_category;
    categories.insert(category);
  }
  EXPECT_EQ(items_with_category, expected["items_with_category"].get<std::size_t>());
  EXPECT_EQ(categories.size(), expected["categories_of_event_items"].get<std::size_t>());

  // Exact integer sums: every eventdate and timeframe went through the parser.
  EXPECT_EQ(time_sum(log.event_time_ms), expected["time_ms_sum"].get<std::int64_t>());
  EXPECT_EQ(*std::min_element(log.event_time_ms.begin(), log.event_time_ms.end()),
            expected["first_time_ms"].get<std::int64_t>());
  EXPECT_EQ(*std::max_element(log.event_time_ms.begin(), log.event_time_ms.end()),
            expected["last_time_ms"].get<std::int64_t>());
  EXPECT_EQ(log.counters.rows_read, expected["rows"].get<std::uint64_t>());
  EXPECT_EQ(log.counters.rows_skipped, 0u);
}

TEST(RealDataImport, OpenBanditRandomMenMatchesIndependentCounts) {
  SHOPRL_REQUIRE_SHARED_DATA("open-bandit-dataset");
  SHOPRL_REQUIRE_INDEPENDENT_COUNTS();
  const nlohmann::json& expected = independent_counts().counts["open_bandit_random_men"];
  const auto folder = shared_data_dir() / "open-bandit-dataset" / "random" / "men";
  const RawLog log = import_log("open-bandit", {folder / "men.csv", folder / "item_context.csv"});
  const RawImpressions& shown = log.impressions;

  EXPECT_EQ(shown.size(), expected["impressions"].get<std::size_t>());
  double clicks = 0;
  for (const float reward : shown.reward) clicks += reward;
  EXPECT_EQ(clicks, expected["clicks"].get<double>());
  EXPECT_EQ(count_type(log, EventType::kClick), expected["events"]["click"].get<std::int64_t>());
  EXPECT_EQ(log.num_events(), expected["events"]["click"].get<std::size_t>());
  EXPECT_EQ(log.session_keys.size(), expected["sessions"].get<std::size_t>());
  EXPECT_EQ(log.items.size(), expected["items"].get<std::size_t>());
  EXPECT_EQ(log.users.size(), 0u);

  // Summation order differs from pandas' (pairwise): 10,000 terms of at most 1 agree to far
  // better than 1e-9 relative.
  double propensity_sum = 0;
  for (const double p : shown.propensity) propensity_sum += p;
  EXPECT_NEAR(propensity_sum, expected["propensity_sum"].get<double>(),
              1e-9 * expected["propensity_sum"].get<double>());
  std::map<std::string, std::int64_t> positions;
  for (const std::int16_t position : shown.position) ++positions[std::to_string(position + 1)];
  const auto expected_positions =
      expected["position_counts"].get<std::map<std::string, std::int64_t>>();
  EXPECT_EQ(positions, expected_positions);
  // pandas keeps microseconds and floors to ms; the importer drops digits after the third.
  EXPECT_EQ(time_sum(shown.time_ms), expected["time_ms_sum"].get<std::int64_t>());

  const FeatureTable& context = shown.context;
  EXPECT_EQ(context.rows(), shown.size());
  EXPECT_EQ(context.numeric_names.size(), expected["context_numeric_columns"].get<std::size_t>());
  EXPECT_EQ(context.categorical_names.size(),
            expected["context_categorical_columns"].get<std::size_t>());
  EXPECT_EQ(vocabulary_sizes(context),
            expected["user_feature_cardinalities"].get<std::vector<std::int64_t>>());
  // The affinities are small integers (0, 1, 2, 4, 15): exact in float32 and in the sum.
  double affinity_sum = 0;
  for (const float value : context.numeric) affinity_sum += value;
  EXPECT_EQ(affinity_sum, expected["affinity_sum"].get<double>());

  const FeatureTable& item_features = log.item_features;
  EXPECT_EQ(item_features.rows(), expected["item_context_rows"].get<std::size_t>());
  EXPECT_EQ(item_features.numeric_names.size(),
            expected["item_numeric_columns"].get<std::size_t>());
  EXPECT_EQ(vocabulary_sizes(item_features),
            expected["item_feature_cardinalities"].get<std::vector<std::int64_t>>());
  // item_feature_0 is standardised (sum ~0) and stored as float32: 34 values of magnitude < 4
  // each rounded by at most 2^-24 relative give an absolute error below 34 * 4 * 6e-8 < 1e-5.
  double feature_sum = 0;
  for (const float value : item_features.numeric) feature_sum += value;
  EXPECT_NEAR(feature_sum, expected["item_feature_0_sum"].get<double>(), 1e-5);

  EXPECT_EQ(log.counters.rows_read, expected["rows"].get<std::uint64_t>());
  EXPECT_EQ(log.counters.rows_skipped, 0u);
}

}  // namespace
}  // namespace shoprl::testing
