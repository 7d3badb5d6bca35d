// Validation on the Open Bandit Dataset (men's campaign, the small sample in ../shared/data):
// the click rate of Bernoulli Thompson sampling estimated off-policy from the uniform-random
// logs against the click rate observed on-policy in the bts logs (docs/ope.md). Skips where the
// data is absent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

std::string obd_quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

nlohmann::json read_obd_json(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

TEST(RealDataOpe, BtsClickRateFromRandomLogsLiesInTheIntervals) {
  SHOPRL_REQUIRE_SHARED_DATA("open-bandit-dataset");
  const std::filesystem::path obd = testing::shared_data_dir() / "open-bandit-dataset";
  const std::string shoprl = obd_quoted(testing::shoprl_binary());
  const std::string import_config =
      obd_quoted(testing::source_dir() / "configs/import-open-bandit.yaml");
  testing::TempDir dir;
  for (const char* policy : {"random", "bts"}) {
    const auto imported = run_command(shoprl + " -q data import --config " + import_config +
                                      " -i " + obd_quoted(obd / policy / "men/men.csv") + " -i " +
                                      obd_quoted(obd / policy / "men/item_context.csv") + " -o " +
                                      obd_quoted(dir / (std::string(policy) + ".h5")));
    ASSERT_EQ(imported.exit_code, 0) << imported.output;
  }
  const std::string evaluate = shoprl + " -q evaluate --config " +
                               obd_quoted(testing::source_dir() / "configs/evaluate-obd-men.yaml") +
                               " --set run.output_dir=" + obd_quoted(dir.path()) +
                               " --set evaluate.policy.store=" + obd_quoted(dir / "bts.h5");
  // The yardstick: the bts logs' own click rate (their on-policy value).
  const auto on_policy = run_command(
      evaluate + " --set run.name=bts --set evaluate.store=" + obd_quoted(dir / "bts.h5"));
  ASSERT_EQ(on_policy.exit_code, 0) << on_policy.output;
  const double bts_rate = read_obd_json(dir / "bts/report/report.json")
                              .at("logging_policy_values")
                              .at("round")
                              .at("value")
                              .get<double>();
  EXPECT_NEAR(bts_rate, 69.0 / 10000, 1e-12);  // PROVENANCE.md: 69 clicks in 10,000 rounds

  const auto off_policy = run_command(
      evaluate + " --set run.name=random --set evaluate.store=" + obd_quoted(dir / "random.h5"));
  ASSERT_EQ(off_policy.exit_code, 0) << off_policy.output;
  const auto json = read_obd_json(dir / "random/report/report.json");
  EXPECT_NEAR(json.at("logging_policy_values").at("round").at("value").get<double>(), 46.0 / 10000,
              1e-12);
  // The importance-weighted estimators' 95% intervals hold the on-policy rate (measured:
  // IPW 0.0057 [0.0031, 0.0086], DR 0.0051 [0.0020, 0.0085] against 0.0069; docs/ope.md).
  // The direct method is left out: its logistic model is biased here, and the report shows it.
  for (const char* name : {"ipw", "snipw", "dr", "sndr", "dr-os"}) {
    const auto& e = json.at("estimates").at(name);
    EXPECT_LE(e.at("ci_low").get<double>(), bts_rate) << name;
    EXPECT_GE(e.at("ci_high").get<double>(), bts_rate) << name;
    // The estimate says something: above the random policy's own rate's lower end.
    EXPECT_GT(e.at("value").get<double>(), 0.0) << name;
  }
}

}  // namespace
}  // namespace shoprl
