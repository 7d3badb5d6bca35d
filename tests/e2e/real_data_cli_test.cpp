// `shoprl data import` + `shoprl data stats` on the real datasets in ../shared/data, with the
// example configs, against figures counted independently by tools/count_real_data.py (pandas).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

// The script's figures, or a skip reason (exit 77: pandas or the data is missing).
nlohmann::json independent_counts() {
  const auto result = run_command(
      "/usr/bin/python3 '" + (testing::source_dir() / "tools" / "count_real_data.py").string() +
      "' '" + testing::shared_data_dir().string() + "' 2>/dev/null");
  if (result.exit_code != 0) return nullptr;
  return nlohmann::json::parse(result.output);
}

nlohmann::json import_and_stats(const testing::TempDir& dir, const std::string& config,
                                const std::vector<std::string>& inputs) {
  std::string command = "'" + testing::shoprl_binary().string() + "' -q data import --config '" +
                        (testing::source_dir() / "configs" / config).string() + "' -o '" +
                        (dir / "store.h5").string() + "'";
  for (const auto& input : inputs) {
    command += " -i '" + (testing::shared_data_dir() / input).string() + "'";
  }
  const auto imported = run_command(command);
  EXPECT_EQ(imported.exit_code, 0) << imported.output;
  const auto stats = run_command("'" + testing::shoprl_binary().string() + "' data stats --json '" +
                                 (dir / "store.h5").string() + "'");
  EXPECT_EQ(stats.exit_code, 0) << stats.output;
  return nlohmann::json::parse(stats.output);
}

TEST(RealDataCli, DigineticaStoreCountsMatchPandas) {
  SHOPRL_REQUIRE_SHARED_DATA("diginetica");
  const nlohmann::json expected = independent_counts();
  if (expected.is_null()) GTEST_SKIP() << "tools/count_real_data.py needs Debian's python3-pandas";
  const auto& truth = expected["diginetica"];
  testing::TempDir dir;
  // configs/import-diginetica.yaml keeps every event (no dedupe, no filters), so the store
  // must hold exactly what the files hold.
  const auto stats =
      import_and_stats(dir, "import-diginetica.yaml",
                       {"diginetica/train-item-views.sample-srgnn.csv",
                        "diginetica/train-purchases.csv", "diginetica/product-categories.csv"});
  EXPECT_EQ(stats["sessions"], truth["sessions"]);
  EXPECT_EQ(stats["items"], truth["items"]);
  EXPECT_EQ(stats["users"], truth["users"]);
  EXPECT_EQ(stats["events"]["click"], truth["events"]["click"]);
  EXPECT_EQ(stats["events"]["cart"], truth["events"]["cart"]);
  EXPECT_EQ(stats["events"]["purchase"], truth["events"]["purchase"]);
  // The splits partition the sessions.
  int split_sessions = 0;
  for (const char* split : {"train", "valid", "test"}) {
    split_sessions += stats["splits"][split]["sessions"].get<int>();
  }
  EXPECT_EQ(split_sessions, truth["sessions"].get<int>());
}

TEST(RealDataCli, OpenBanditStoreCountsMatchPandas) {
  SHOPRL_REQUIRE_SHARED_DATA("open-bandit-dataset");
  const nlohmann::json expected = independent_counts();
  if (expected.is_null()) GTEST_SKIP() << "tools/count_real_data.py needs Debian's python3-pandas";
  const auto& truth = expected["open_bandit_random_men"];
  testing::TempDir dir;
  const auto stats = import_and_stats(dir, "import-open-bandit.yaml",
                                      {"open-bandit-dataset/random/men/men.csv",
                                       "open-bandit-dataset/random/men/item_context.csv"});
  EXPECT_EQ(stats["sessions"], truth["sessions"]);
  EXPECT_EQ(stats["impressions"], truth["impressions"]);
  EXPECT_EQ(stats["events"]["click"], truth["clicks"]);
  EXPECT_EQ(stats["catalogue_items"], truth["items"]);
  EXPECT_NEAR(stats["impression_reward_mean"].get<double>(),
              truth["clicks"].get<double>() / truth["impressions"].get<double>(), 1e-12);
}

}  // namespace
}  // namespace shoprl
