// End-to-end tests of `shoprl ope` on files written by h5py (tools/obp_test_file.py), whose
// IPW, SNIPW, DM and DR values NumPy computes in the same script: the CLI must agree to 1e-9.
// Skips where /usr/bin/python3 lacks numpy or h5py.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

constexpr int kSkipExitCode = 77;
constexpr int kDataErrorExitCode = 4;

void write_obp_file(const std::filesystem::path& path, const std::string& arguments,
                    nlohmann::json& expected) {
  const std::string script = (testing::source_dir() / "tools" / "obp_test_file.py").string();
  const auto result =
      run_command("/usr/bin/python3 '" + script + "' '" + path.string() + "' " + arguments);
  if (result.exit_code == kSkipExitCode) {
    GTEST_SKIP() << "/usr/bin/python3 cannot import numpy and h5py: " << result.output;
  }
  ASSERT_EQ(result.exit_code, 0) << result.output;
  expected = nlohmann::json::parse(result.output);
}

std::string ope(const std::filesystem::path& input, const std::string& arguments) {
  return "'" + testing::shoprl_binary().string() + "' -q ope --input '" + input.string() + "' " +
         arguments;
}

TEST(OpeCli, JsonMatchesNumPy) {
  const testing::TempDir dir;
  nlohmann::json expected;
  write_obp_file(dir / "obp.h5", "--rows 500 --actions 5 --len-list 1 --seed 4", expected);
  if (IsSkipped() || HasFatalFailure()) return;
  const auto result = run_command(
      ope(dir / "obp.h5",
          "--json --set 'ope.estimators=[dm, ipw, snipw, dr]' --set ope.bootstrap_resamples=200"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output);
  EXPECT_EQ(json.at("rounds").get<int>(), 500);
  EXPECT_EQ(json.at("input").get<std::string>(), (dir / "obp.h5").string());
  EXPECT_NE(json.at("config").get<std::string>().find("bootstrap_resamples: 200"),
            std::string::npos);
  EXPECT_TRUE(json.at("seed").is_number_unsigned());
  const double logging = json.at("logging_policy_values").at("round").at("value").get<double>();
  EXPECT_NEAR(logging, expected.at("logging_value").get<double>(), 1e-12);
  for (const char* name : {"dm", "ipw", "snipw", "dr"}) {
    const auto& e = json.at("estimates").at(name);
    EXPECT_NEAR(e.at("value").get<double>(), expected.at(name).get<double>(), 1e-9) << name;
    EXPECT_GT(e.at("std_error").get<double>(), 0) << name;
    EXPECT_LT(e.at("ci_low").get<double>(), e.at("value").get<double>()) << name;
    EXPECT_GT(e.at("ci_high").get<double>(), e.at("value").get<double>()) << name;
    EXPECT_NEAR(e.at("relative_to_logging").get<double>(), e.at("value").get<double>() / logging,
                1e-12);
    EXPECT_TRUE(e.at("intervals").at("normal").is_object()) << name;
    EXPECT_TRUE(e.at("intervals").at("t").is_object()) << name;
  }
  // The ci is the bootstrap interval (the default ope.interval).
  const auto& ipw = json.at("estimates").at("ipw");
  EXPECT_EQ(ipw.at("ci_low").get<double>(),
            ipw.at("intervals").at("bootstrap").at("low").get<double>());
  EXPECT_GT(ipw.at("effective_sample_size").get<double>(), 0);
  EXPECT_TRUE(json.at("estimates").at("snipw").at("intervals").at("hoeffding").is_null());
  EXPECT_TRUE(json.at("declined").empty()) << json.at("declined");
}

TEST(OpeCli, WithoutARewardModelTheDirectMethodFamilyIsDeclined) {
  const testing::TempDir dir;
  nlohmann::json expected;
  write_obp_file(dir / "obp.h5", "--rows 100 --actions 3 --len-list 1 --no-reward-model", expected);
  if (IsSkipped() || HasFatalFailure()) return;
  const auto result = run_command(ope(dir / "obp.h5",
                                      "--json --set 'ope.estimators=[dm, ipw, dr]' "
                                      "--set reward_model.kind=none"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto json = nlohmann::json::parse(result.output);
  EXPECT_NEAR(json.at("estimates").at("ipw").at("value").get<double>(),
              expected.at("ipw").get<double>(), 1e-9);
  EXPECT_TRUE(json.at("declined").contains("dm")) << json;
  EXPECT_TRUE(json.at("declined").contains("dr")) << json;

  // With a reward model configured, it is fitted to the file. An L2 penalty this heavy leaves
  // only the unpenalised intercept, q = the mean reward r̄ for every action, so DM = r̄ and
  // DR = r̄ + mean(w (r - r̄)) = r̄ + ipw - r̄ ipw / snipw (mean(w) = ipw / snipw).
  const auto fitted = run_command(
      ope(dir / "obp.h5", "--json --set 'ope.estimators=[dm, dr]' --set reward_model.l2=1e6"));
  ASSERT_EQ(fitted.exit_code, 0) << fitted.output;
  const auto with_model = nlohmann::json::parse(fitted.output);
  const double mean_reward = expected.at("logging_value").get<double>();
  const double ipw = expected.at("ipw").get<double>();
  const double snipw = expected.at("snipw").get<double>();
  EXPECT_NEAR(with_model.at("estimates").at("dm").at("value").get<double>(), mean_reward, 1e-4);
  EXPECT_NEAR(with_model.at("estimates").at("dr").at("value").get<double>(),
              mean_reward + ipw - mean_reward * ipw / snipw, 1e-3);
  EXPECT_FALSE(json.at("estimates").contains("dm"));
}

TEST(OpeCli, TableHasARowPerEstimator) {
  const testing::TempDir dir;
  nlohmann::json expected;
  write_obp_file(dir / "obp.h5", "--rows 200 --actions 4 --len-list 1", expected);
  if (IsSkipped() || HasFatalFailure()) return;
  const auto result =
      run_command(ope(dir / "obp.h5",
                      "--set 'ope.estimators=[dm, ipw, snipw, dr, sndr, switch-dr, dr-os]' "
                      "--set ope.interval=t"));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  // Each row names its unit, the logging policy's own value included.
  EXPECT_EQ(result.output.rfind("estimator      unit ", 0), 0u) << result.output;
  for (const char* name : {"logging", "dm", "ipw", "snipw", "dr", "sndr", "switch-dr", "dr-os"}) {
    const std::string row = std::string("\n") + name;
    const std::size_t at = result.output.find(row + std::string(16 - row.size(), ' ') + "round ");
    EXPECT_NE(at, std::string::npos) << name << "\n" << result.output;
  }
  EXPECT_NE(result.output.find("95% intervals: t;"), std::string::npos) << result.output;

  // Without resamples there is no bootstrap interval: the footer says which one is shown.
  const auto no_bootstrap = run_command(ope(dir / "obp.h5", "--set ope.bootstrap_resamples=0"));
  ASSERT_EQ(no_bootstrap.exit_code, 0) << no_bootstrap.output;
  EXPECT_NE(no_bootstrap.output.find("95% intervals: t (ope.interval is bootstrap but "
                                     "ope.bootstrap_resamples is 0"),
            std::string::npos)
      << no_bootstrap.output;
}

TEST(OpeCli, BadFileIsADataError) {
  const testing::TempDir dir;
  nlohmann::json expected;
  write_obp_file(dir / "bad.h5", "--defect pscore_zero", expected);
  if (IsSkipped() || HasFatalFailure()) return;
  const auto result = run_command(ope(dir / "bad.h5", "--set 'ope.estimators=[ipw]'"));
  EXPECT_EQ(result.exit_code, kDataErrorExitCode) << result.output;
  EXPECT_NE(result.output.find("shoprl: error: "), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("bad.h5: dataset /pscore: row 2:"), std::string::npos)
      << result.output;
}

TEST(OpeCli, UnknownEstimatorIsAConfigError) {
  const testing::TempDir dir;
  const auto result = run_command(ope(dir / "absent.h5", "--set 'ope.estimators=[ipw, nonsense]'"));
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("nonsense"), std::string::npos) << result.output;
}

}  // namespace
}  // namespace shoprl
