// End-to-end test of `shoprl sim check` and `shoprl sim report` (issue 5 parts 4 and 5): on a
// small synthetic world, the simulator fitted on its logs must order five policies as the
// world does and value them within 12% on average; then the fidelity report of that
// simulator, with the ground-truth table in it.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using nlohmann::json;
using testing::run_command;

using testing::shoprl;

// 200 items, 6,000 sessions of up to 8 slates of 5, logged by a noisy epsilon-greedy policy
// (so that the logs cover good and bad slates); two GRU members of width 24, up to 30 epochs.
// About half a minute on one core. (With 2,000 sessions and 6 epochs the simulator still
// overrated popularity and underrated the history oracles: Spearman 0.7.)
std::string small_config(const std::filesystem::path& directory) {
  return "run:\n  seed: 11\n  device: cpu\n  log_level: warn\n  output_dir: " +
         (directory / "runs").string() +
         "\n"
         "world:\n  items: 200\n  users: 1000\n  factor_dim: 8\n  topics: 8\n"
         "env:\n  slate_size: 5\n  history_length: 20\n  max_steps: 8\n"
         "logging_policy:\n  kind: epsilon_greedy\n  epsilon: 0.3\n  noise: 1.0\n"
         "synth:\n  sessions: 6000\n  batch_size: 500\n  value_episodes: 0\n"
         "sim:\n  directory: " +
         (directory / "simulator").string() +
         "\n  ensemble: 2\n  model:\n    embedding_dim: 24\n    hidden_dim: 24\n"
         "    max_length: 30\n  training:\n    epochs: 30\n    batch_size: 64\n    patience: 3\n"
         "sim_check:\n  episodes: 3000\n  batch_size: 1000\n";
}

TEST(SimCheckCli, TheLearnedSimulatorOrdersPoliciesAsTheWorldDoes) {
  testing::TempDir dir;
  const auto config = dir / "check.yaml";
  testing::write_text(config, small_config(dir.path()));
  const auto check = run_command(shoprl() + " -q sim check --config '" + config.string() + "'");
  ASSERT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("Spearman"), std::string::npos) << check.output;

  const auto simulator = dir / "simulator";
  for (const char* name : {"simulator.json", "ground_truth.json", "ground_truth.md", "logs.h5"})
    EXPECT_TRUE(std::filesystem::exists(simulator / name)) << name;
  const json result = json::parse(read_file_text(simulator / "ground_truth.json"));
  ASSERT_EQ(result.at("policies").size(), 5u);
  for (const json& policy : result.at("policies")) {
    EXPECT_GT(policy.at("true").at("std_error").get<double>(), 0) << policy.dump();
    EXPECT_GT(policy.at("simulated").at("std_error").get<double>(), 0) << policy.dump();
  }
  // The headline. With five policies, Spearman >= 0.9 allows at most one swap of two policies
  // that are neighbours in the true order (one adjacent swap gives 1 - 6 x 2 / (5 x 24) = 0.9):
  // the default policies are spread out in value (uniform, popularity and three history
  // oracles of decreasing noise), but two neighbours may lie within a few standard errors of
  // each other, and a small, briefly trained simulator may swap them. Two swaps or a reversal
  // mean the simulator does not preserve the order.
  EXPECT_GE(result.at("spearman").get<double>(), 0.9)
      << read_file_text(simulator / "ground_truth.md");
  // And the values: with the leave hazard fitted on the impressions the mean |relative error|
  // measured 5.1% here (each value's standard error is about 2%); with the end head deciding
  // who leaves (sim.response.leave: end_head, the simulator before the hazard) 24.7%, every
  // good policy undervalued by 25-37% because its sessions were cut short.
  EXPECT_LE(result.at("mean_absolute_relative_error").get<double>(), 0.12)
      << read_file_text(simulator / "ground_truth.md");

  // The fidelity report of the same simulator on the logs it was fitted on (sim.store is left
  // at its default, which does not exist, so the report reads the simulator's own store).
  const auto report = run_command(shoprl() + " -q sim report --config '" + config.string() +
                                  "' --set sim.store='" + (dir / "absent.h5").string() + "'");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  const json fidelity = json::parse(read_file_text(simulator / "report" / "report.json"));
  EXPECT_FALSE(fidelity.at("ground_truth").is_null());
  EXPECT_EQ(fidelity.at("ground_truth").at("spearman"), result.at("spearman"));
  EXPECT_EQ(fidelity.at("calibration").at("source"), "impressions");
  EXPECT_GT(fidelity.at("next_click").at("simulator").at("targets").get<int>(), 0);
  // The learned model predicts next clicks better than popularity.
  EXPECT_GT(fidelity.at("next_click").at("simulator").at("mean_log_likelihood").get<double>(),
            fidelity.at("next_click").at("popularity").at("mean_log_likelihood").get<double>());
  const std::string html = read_file_text(simulator / "report" / "index.html");
  EXPECT_NE(html.find("id=\"ground-truth\""), std::string::npos);
  EXPECT_NE(html.find("id=\"length-histogram\""), std::string::npos);
  EXPECT_NE(html.find("id=\"reliability-diagram\""), std::string::npos);
}

TEST(SimCheckCli, APolicyThatNeedsTheHiddenStateIsAConfigError) {
  testing::TempDir dir;
  const auto config = dir / "check.yaml";
  testing::write_text(config, small_config(dir.path()));
  const auto result = run_command(shoprl() + " -q sim check --config '" + config.string() +
                                  "' --set 'sim_check.policies=[uniform, oracle]'");
  EXPECT_EQ(result.exit_code, 3) << result.output;
  EXPECT_NE(result.output.find("sim_check.policies[1]"), std::string::npos) << result.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "simulator"));
}

}  // namespace
}  // namespace shoprl
