// End-to-end tests of `shoprl evaluate`: synthetic logs of a one-step world evaluated for the
// uniform policy, with the true value beside every estimate, written as a report whose JSON,
// Markdown and HTML agree; config mistakes stop it with exit code 3 naming the key.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

using testing::shoprl;
std::string config(const std::string& name) {
  return "'" + (testing::source_dir() / "configs" / name).string() + "'";
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(CliEvaluate, ReportsEveryEstimatorBesideTheTrueValueInAOneStepWorld) {
  testing::TempDir dir;
  const std::string store = (dir / "logs.h5").string();
  // configs/synth-bandit.yaml at a tenth of its size: 5,000 sessions, one slate of 3 each.
  const auto synth =
      run_command(shoprl() + " -q data synth --config " + config("synth-bandit.yaml") +
                  " --set synth.sessions=5000 --set synth.value_episodes=20000"
                  " -o '" +
                  store + "'");
  ASSERT_EQ(synth.exit_code, 0) << synth.output;
  const auto result =
      run_command(shoprl() + " -q evaluate --config " + config("evaluate-bandit.yaml") +
                  " --set evaluate.store='" + store + "' --set run.output_dir='" +
                  dir.path().string() + "' --set ope.bootstrap_resamples=200");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const std::filesystem::path report = dir / "evaluate-bandit" / "report";
  EXPECT_NE(result.output.find((report / "index.html").string()), std::string::npos);
  ASSERT_TRUE(std::filesystem::exists(report / "report.json"));
  ASSERT_TRUE(std::filesystem::exists(report / "report.md"));
  ASSERT_TRUE(std::filesystem::exists(report / "index.html"));
  EXPECT_TRUE(std::filesystem::exists(dir / "evaluate-bandit" / "config.yaml"));

  const auto json = nlohmann::json::parse(read_text(report / "report.json"));
  const auto& estimates = json.at("estimates");
  // Every estimator of the default list runs on these logs: a reward model is fitted, slates
  // and their probabilities are known, and the logger (popularity sampling) is not uniform, so
  // only the pseudoinverse declines.
  for (const char* name : {"dm", "ipw", "snipw", "dr", "sndr", "switch-dr", "dr-os", "sips", "iips",
                           "rips", "pdis", "wpdis", "seq-dr", "wdr", "magic"}) {
    ASSERT_TRUE(estimates.contains(name)) << name << "\n" << json.dump(2);
    const auto& e = estimates.at(name);
    ASSERT_TRUE(e.at("true_value").is_number()) << name;
    // One step per session: a slate's value is the session's, a round's a third of it.
    const double truth = e.at("true_value").get<double>();
    const std::string unit = e.at("unit").get<std::string>();
    EXPECT_GT(truth, 0) << name;
    EXPECT_NEAR(e.at("true_value_error").get<double>(), e.at("value").get<double>() - truth, 1e-12)
        << name;
    if (unit == "round") {
      EXPECT_NEAR(truth * 3, estimates.at("sips").at("true_value").get<double>(), 1e-12) << name;
    }
  }
  EXPECT_TRUE(json.at("declined").contains("pi")) << json.at("declined").dump();
  // The unbiased estimators agree with the truth: |value - truth| within 4.5 of the
  // estimate's standard error plus the Monte Carlo truth's (false failure ~1e-5 each).
  for (const char* name : {"ipw", "dr", "sips", "iips", "pdis"}) {
    const auto& e = estimates.at(name);
    const double sigma =
        std::hypot(e.at("std_error").get<double>(), e.at("true_value_std_error").get<double>());
    EXPECT_LT(std::abs(e.at("true_value_error").get<double>()), 4.5 * sigma) << name;
  }
  EXPECT_TRUE(json.at("logging_policy_values").contains("round"));
  EXPECT_TRUE(json.at("logging_policy_values").contains("slate"));
  EXPECT_TRUE(json.at("logging_policy_values").contains("session"));
  EXPECT_TRUE(json.at("weight_histogram").is_object());
  EXPECT_TRUE(json.at("ranking").is_object());
  const std::string markdown = read_text(report / "report.md");
  EXPECT_NE(markdown.find("| ipw"), std::string::npos) << markdown;
}

// Sessions of several slates: the slate and round estimators are scored against the uniform
// policy's value in the logged states (env/logged_state_value.h), which the unbiased ones
// (whole-slate SIPS; IPW, since pbm clicks make a slate's reward the sum of its slots') agree
// with.
TEST(CliEvaluate, SlatesOfLongerSessionsAreScoredAgainstTheValueInTheLoggedStates) {
  testing::TempDir dir;
  const std::string store = (dir / "logs.h5").string();
  const std::string longer = " --set env.max_steps=4 --set synth.value_episodes=5000";
  const auto synth =
      run_command(shoprl() + " -q data synth --config " + config("synth-bandit.yaml") + longer +
                  " --set synth.sessions=3000 -o '" + store + "'");
  ASSERT_EQ(synth.exit_code, 0) << synth.output;
  const auto result =
      run_command(shoprl() + " -q evaluate --config " + config("evaluate-bandit.yaml") + longer +
                  " --set evaluate.store='" + store + "' --set run.output_dir='" +
                  dir.path().string() + "' --set evaluate.ranking=false");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json =
      nlohmann::json::parse(read_text(dir / "evaluate-bandit" / "report" / "report.json"));
  const auto& estimates = json.at("estimates");
  const double per_slate = estimates.at("sips").at("true_value").get<double>();
  EXPECT_GT(per_slate, 0);
  EXPECT_NEAR(estimates.at("ipw").at("true_value").get<double>() * 3, per_slate, 1e-12);
  for (const char* name : {"ipw", "sips"}) {
    const auto& e = estimates.at(name);
    const double sigma =
        std::hypot(e.at("std_error").get<double>(), e.at("true_value_std_error").get<double>());
    EXPECT_LT(std::abs(e.at("true_value_error").get<double>()), 4.5 * sigma) << name;
  }
  // The session truth is the Monte Carlo session value, a different and larger number.
  EXPECT_GT(estimates.at("pdis").at("true_value").get<double>(), per_slate);
  EXPECT_NE(read_text(dir / "evaluate-bandit" / "report" / "report.md").find("logged states"),
            std::string::npos);
}

TEST(CliEvaluate, NamesTheMissingStoreKey) {
  testing::TempDir dir;
  const auto result =
      run_command(shoprl() + " -q evaluate --set run.output_dir='" + dir.path().string() + "'");
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("evaluate.store"), std::string::npos) << result.output;
  const auto bad_kind = run_command(shoprl() +
                                    " -q evaluate --set evaluate.store=x.h5"
                                    " --set evaluate.policy.kind=greedy");
  EXPECT_EQ(bad_kind.exit_code, 3) << bad_kind.output;
  EXPECT_NE(bad_kind.output.find("evaluate.policy.kind"), std::string::npos) << bad_kind.output;
}

TEST(CliEvaluate, RewardOutsideTheConfiguredRangeIsADataErrorNamingTheRow) {
  testing::TempDir dir;
  const std::string store = (dir / "logs.h5").string();
  const auto synth =
      run_command(shoprl() + " -q data synth --config " + config("synth-bandit.yaml") +
                  " --set synth.sessions=300 --set synth.value_episodes=0 -o '" + store + "'");
  ASSERT_EQ(synth.exit_code, 0) << synth.output;
  // Rewards reach 1.2 (click 0.2 + purchase 1.0); a range of [0, 1] refuses them.
  const auto result =
      run_command(shoprl() + " -q evaluate --set evaluate.store='" + store +
                  "' --set ope.reward_max=1 --set run.output_dir='" + dir.path().string() + "'");
  EXPECT_EQ(result.exit_code, 4) << result.output;
  EXPECT_NE(result.output.find("/impressions/reward: row"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "evaluate")) << "a failed job leaves no folder";
}

TEST(CliEvaluate, MissingStoreIsAnIoError) {
  testing::TempDir dir;
  const auto result =
      run_command(shoprl() + " -q evaluate --set evaluate.store='" + (dir / "absent.h5").string() +
                  "' --set run.output_dir='" + dir.path().string() + "'");
  EXPECT_EQ(result.exit_code, 5) << result.output;
  EXPECT_NE(result.output.find("absent.h5"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace shoprl
