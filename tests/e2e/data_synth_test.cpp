// End-to-end tests of `shoprl data synth`: a tiny world's logs become a store that
// `shoprl data stats` reads, with the true policy values printed; config mistakes stop it with
// exit code 3 and a message naming the key, and leave no store behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

using testing::shoprl;

constexpr const char* kTinyConfig =
    "run:\n"
    "  seed: 5\n"
    "world:\n"
    "  items: 30\n"
    "  users: 50\n"
    "  factor_dim: 4\n"
    "  topics: 3\n"
    "env:\n"
    "  slate_size: 3\n"
    "  max_steps: 4\n"
    "logging_policy:\n"
    "  kind: uniform\n"
    "synth:\n"
    "  sessions: 60\n"
    "  batch_size: 16\n"
    "  value_episodes: 100\n"
    "  value_policies: [logging, oracle]\n";

class CliSynth : public ::testing::Test {
 protected:
  testing::CommandResult synth(const std::string& config_text, const std::string& extra = "") {
    testing::write_text(dir_ / "synth.yaml", config_text);
    return run_command(shoprl() + " -q data synth --config '" + (dir_ / "synth.yaml").string() +
                       "' -o '" + out().string() + "'" + extra);
  }
  std::filesystem::path out() const { return dir_ / "out.h5"; }

  testing::TempDir dir_;
};

// Each run of the program costs over a second of start-up (it links LibTorch), so each test
// runs it as few times as it can.
TEST_F(CliSynth, WritesAStoreThatStatsReads) {
  // --set overrides the file: 40 sessions, not 60.
  const auto result = synth(kTinyConfig, " --set synth.sessions=40");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  ASSERT_TRUE(std::filesystem::exists(out()));
  // The true values of the policies asked for are printed.
  EXPECT_NE(result.output.find("logging:uniform"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("oracle"), std::string::npos) << result.output;

  const auto stats = run_command(shoprl() + " data stats --json '" + out().string() + "'");
  ASSERT_EQ(stats.exit_code, 0) << stats.output;
  const auto json = nlohmann::json::parse(stats.output);
  EXPECT_EQ(json["sessions"].get<int>(), 40);
  EXPECT_GT(json["events"]["click"].get<int>(), 40);  // an entry click per session, and more
}

TEST_F(CliSynth, UnknownConfigKeyIsExitCode3NamingTheKey) {
  std::string config = kTinyConfig;
  config.replace(config.find("factor_dim"), 10, "factor_dims");
  const auto result = synth(config);
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("world.factor_dims"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(out()));
}

TEST_F(CliSynth, UnknownValuePolicyIsExitCode3) {
  std::string config = kTinyConfig;
  const std::string listed = "[logging, oracle]";
  config.replace(config.find(listed), listed.size(), "[logging, best]");
  const auto result = synth(config);
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("synth.value_policies"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("best"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(out()));
}

}  // namespace
}  // namespace shoprl
