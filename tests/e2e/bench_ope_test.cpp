// End-to-end test of `shoprl bench ope` at tiny sizes: the report has its rows and fields (and
// the NumPy baseline's, when numpy is importable). Speed itself is never asserted.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

std::string bench_ope(const std::string& arguments) {
  return "'" + testing::shoprl_binary().string() +
         "' -q bench ope --rounds 3000 --actions 7 --resamples 20 --repeats 1 " + arguments;
}

TEST(BenchOpe, JsonReportsTheReductionAndBothThreadCounts) {
  const auto result = run_command(bench_ope("--json"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json.at("rounds").get<int>(), 3000);
  EXPECT_EQ(json.at("actions").get<int>(), 7);
  EXPECT_EQ(json.at("resamples").get<int>(), 20);
  EXPECT_EQ(json.at("reduction").at("bytes_read").get<double>(), 2.0 * 3000 * 7 * 8);
  EXPECT_GT(json.at("reduction").at("rows_per_sec").get<double>(), 0);
  const auto& estimators = json.at("estimators");
  ASSERT_EQ(estimators.size(), 2u);
  EXPECT_EQ(estimators[0].at("threads").get<int>(), 1);
  EXPECT_EQ(estimators[1].at("threads").get<int>(), 2);
  for (const auto& row : estimators) {
    EXPECT_EQ(row.at("estimators").size(), 7u) << row;
    EXPECT_GT(row.at("seconds").get<double>(), 0);
  }
  if (json.contains("numpy")) {
    EXPECT_EQ(json.at("numpy").at("rounds").get<int>(), 3000);
    EXPECT_GT(json.at("reduction").at("ratio").get<double>(), 0);
    EXPECT_EQ(json.at("numpy").at("bootstrap_resamples").get<int>(), 20);
  } else {
    EXPECT_NE(json.at("numpy_skipped").get<std::string>().find("numpy"), std::string::npos);
  }
}

TEST(BenchOpe, TableHasTheReductionAndAnEstimatorRowPerThreadCount) {
  const auto result = run_command(bench_ope("--no-baseline"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("reduction (action_dist, q -> rounds; checked)"), std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("7 estimators + bootstrap, 1 thread(s)"), std::string::npos);
  EXPECT_NE(result.output.find("7 estimators + bootstrap, 2 thread(s)"), std::string::npos);
  EXPECT_NE(result.output.find("numpy baseline skipped: --no-baseline"), std::string::npos);
}

}  // namespace
}  // namespace shoprl
