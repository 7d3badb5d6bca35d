// End-to-end test of `shoprl bench env` on a tiny world: every (users, threads) cell is
// reported and only the timed steps are counted. Speed itself is never asserted.
#include <gtest/gtest.h>

#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <utility>
#include <vector>

#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

std::string bench_env(const std::string& arguments) {
  return "'" + testing::shoprl_binary().string() +
         "' -q bench env --set world.items=300 --set world.users=50 --set world.factor_dim=8 " +
         arguments;
}

TEST(BenchEnv, JsonReportsEveryCellAndCountsOnlyTimedSteps) {
  const auto result = run_command(bench_env("--steps 3 --repeats 2 --json"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output);
  const std::pair<int, int> expected[] = {{1, 1}, {1, 2}, {64, 1}, {64, 2}, {4096, 1}, {4096, 2}};
  const auto& cells = json.at("cells");
  ASSERT_EQ(cells.size(), std::size(expected)) << result.output;
  const bool numpy = json.contains("numpy_metrics");
  for (std::size_t c = 0; c < cells.size(); ++c) {
    EXPECT_EQ(cells[c].at("users").get<int>(), expected[c].first);
    EXPECT_EQ(cells[c].at("threads").get<int>(), expected[c].second);
    EXPECT_EQ(cells[c].at("steps").get<int>(), 3);
    EXPECT_GT(cells[c].at("user_steps_per_sec").get<double>(), 0);
    EXPECT_EQ(cells[c].contains("ratio"), numpy) << cells[c];
  }
  // The metrics cover the timed steps of N = 4096 (2 repeats x 3 steps), not the warm-up.
  EXPECT_EQ(json.at("shoprl_metrics").at("steps").get<int>(), 2 * 3 * 4096);
  if (numpy) {
    EXPECT_EQ(json.at("numpy_metrics").at("steps").get<int>(), 2 * 3 * 4096);
  } else {
    EXPECT_NE(json.at("numpy_skipped").get<std::string>().find("numpy"), std::string::npos);
  }
}

TEST(BenchEnv, TableHasARowPerCell) {
  const auto result = run_command(bench_env("--steps 2 --repeats 1 --no-baseline"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  std::istringstream lines(result.output);
  std::string line;
  std::vector<std::pair<int, int>> rows;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    int users = 0, threads = 0;
    double rate = 0;
    std::string numpy;
    if (fields >> users >> threads >> rate >> numpy && rate > 0 && numpy == "-")
      rows.emplace_back(users, threads);
  }
  const std::vector<std::pair<int, int>> expected = {{1, 1},  {1, 2},    {64, 1},
                                                     {64, 2}, {4096, 1}, {4096, 2}};
  EXPECT_EQ(rows, expected) << result.output;
  EXPECT_NE(result.output.find("policy cost excluded"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("numpy baseline skipped: --no-baseline"), std::string::npos);
}

}  // namespace
}  // namespace shoprl
