// End-to-end tests of `shoprl evaluate` on a trained checkpoint (evaluate.policy.kind:
// checkpoint): the agent read back from its run directory gives the same importance-weighted
// estimates on the held-out logs as the training run's own final evaluation (a second, separate
// path to the same numbers), its true value in the world rebuilt from the store's /truth agrees
// with the training run's rollouts in its own world, and bad input is refused naming the path
// or key: no checkpoint, no path, a store with another catalogue, and training whose true world
// is not the one that wrote the logs.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/atomic_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;

using testing::shoprl;

std::string quoted(const std::filesystem::path& path) { return "'" + path.string() + "'"; }

std::string tiny_config(const testing::TempDir& dir) {
  return "run:\n"
         "  seed: 5\n"
         "  output_dir: '" +
         (dir / "runs").string() +
         "'\n"
         "  device: cpu\n"
         "world: {items: 40, users: 60, factor_dim: 4, topics: 3}\n"
         "env: {slate_size: 3, history_length: 6, max_steps: 6}\n"
         "logging_policy: {kind: epsilon_greedy}\n"
         "synth: {sessions: 300, batch_size: 64, value_episodes: 0}\n"
         "ope: {reward_max: 1.2, bootstrap_resamples: 200}\n"
         "policy: {encoder: gru, embedding_dim: 8, hidden_dim: 8, history_length: 6}\n"
         "agent:\n"
         "  kind: dqn\n"
         // Slates with exploration, so that the logs overlap what the policy shows.
         "  evaluation: {rule: epsilon_greedy, epsilon: 0.5}\n"
         "  dqn: {batch_size: 16, updates_per_iteration: 2, learning_starts: 16, "
         "epsilon_decay_iterations: 3, n_step: 2}\n"
         "train:\n"
         "  store: '" +
         (dir / "logs.h5").string() +
         "'\n"
         "  iterations: 4\n"
         "  users: 24\n"
         "  final_eval_sessions: 2000\n";
}

nlohmann::json read_json(const std::filesystem::path& path) {
  return nlohmann::json::parse(read_file_text(path));
}

// Writes the config and synthesises its logs (dir/logs.h5); returns the config's quoted path.
std::string write_config_and_logs(const testing::TempDir& dir) {
  testing::write_text(dir / "train.yaml", tiny_config(dir));
  const std::string config = quoted(dir / "train.yaml");
  const auto synth = run_command(shoprl() + " -q data synth --config " + config + " -o " +
                                 quoted(dir / "logs.h5"));
  EXPECT_EQ(synth.exit_code, 0) << synth.output;
  return config;
}

TEST(CliEvaluateCheckpoint, ReadsTheTrainedPolicyBackAndValuesItInTheLogsWorld) {
  testing::TempDir dir;
  const std::string config = write_config_and_logs(dir);
  const auto train = run_command(shoprl() + " -q train --config " + config + " --set run.name=t");
  ASSERT_EQ(train.exit_code, 0) << train.output;
  const std::filesystem::path run = dir / "runs" / "t";

  const std::string evaluate = shoprl() + " -q evaluate --config " + config +
                               " --set evaluate.store=" + quoted(dir / "logs.h5") +
                               " --set evaluate.split=test --set evaluate.policy.kind=checkpoint" +
                               " --set evaluate.true_value_sessions=2000";
  const auto result =
      run_command(evaluate + " --set run.name=e --set evaluate.policy.checkpoint=" + quoted(run));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json report = read_json(dir / "runs" / "e" / "report" / "report.json");
  const nlohmann::json trained = read_json(run / "report" / "report.json");
  EXPECT_NE(report["evaluation_policy"].get<std::string>().find("trained dqn"), std::string::npos)
      << report["evaluation_policy"];
  EXPECT_EQ(report["rounds"], trained["rounds"]);
  // epsilon-greedy probabilities are exact: the probabilities of what was shown, hence these
  // estimates, depend on no seed, only on the weights read back.
  for (const char* estimator : {"ipw", "snipw", "sips", "iips", "rips"}) {
    ASSERT_TRUE(report["estimates"].contains(estimator)) << estimator << report["declined"];
    EXPECT_DOUBLE_EQ(report["estimates"][estimator]["value"].get<double>(),
                     trained["estimates"][estimator]["value"].get<double>())
        << estimator;
  }
  EXPECT_FALSE(report["ranking"].is_null());

  // The true value: rollouts in the world rebuilt from the store's /truth against the training
  // run's rollouts in the world its config builds (the same world, other users' draws).
  const nlohmann::json pdis = report["estimates"]["pdis"];
  ASSERT_FALSE(pdis["true_value"].is_null()) << report["notes"];
  const nlohmann::json rolled = read_json(run / "evaluation.json")["true_world"][0];
  ASSERT_EQ(rolled["policy"], "trained dqn");
  const double spread =
      std::hypot(pdis["true_value_std_error"].get<double>(), rolled["std_error"].get<double>());
  EXPECT_LT(std::abs(pdis["true_value"].get<double>() - rolled["value"].get<double>()),
            4.5 * spread)
      << pdis["true_value"] << " vs " << rolled["value"];

  // The checkpoint folder itself works as well as its run directory.
  const auto folder = run_command(evaluate + " --set run.name=f --set evaluate.policy.checkpoint=" +
                                  quoted(run / "checkpoint") + " --set evaluate.ranking=false");
  ASSERT_EQ(folder.exit_code, 0) << folder.output;
  EXPECT_DOUBLE_EQ(
      read_json(dir / "runs" / "f" / "report" / "report.json")["estimates"]["ipw"]["value"]
          .get<double>(),
      report["estimates"]["ipw"]["value"].get<double>());

  // Bad input: one error naming what to fix.
  const auto missing =
      run_command(evaluate + " --set evaluate.policy.checkpoint=" + quoted(dir / "nowhere"));
  EXPECT_EQ(missing.exit_code, 5) << missing.output;
  EXPECT_NE(missing.output.find("nowhere"), std::string::npos) << missing.output;
  const auto unnamed = run_command(evaluate);
  EXPECT_EQ(unnamed.exit_code, 3) << unnamed.output;
  EXPECT_NE(unnamed.output.find("evaluate.policy.checkpoint"), std::string::npos) << unnamed.output;
  const auto other_store = run_command(shoprl() + " -q data synth --config " + config +
                                       " --set world.items=30 -o " + quoted(dir / "other.h5"));
  ASSERT_EQ(other_store.exit_code, 0) << other_store.output;
  const auto other = run_command(evaluate + " --set evaluate.store=" + quoted(dir / "other.h5") +
                                 " --set evaluate.policy.checkpoint=" + quoted(run));
  EXPECT_EQ(other.exit_code, 3) << other.output;
  EXPECT_NE(other.output.find("other.h5"), std::string::npos) << other.output;
}

TEST(CliTrainTrueWorld, RefusesAWorldOtherThanTheOneThatWroteTheLogs) {
  testing::TempDir dir;
  const std::string config = write_config_and_logs(dir);
  const auto train = run_command(shoprl() + " -q train --config " + config +
                                 " --set run.seed=6 --set world.topics=4");
  EXPECT_EQ(train.exit_code, 3) << train.output;
  EXPECT_NE(train.output.find("run.seed"), std::string::npos) << train.output;
  EXPECT_NE(train.output.find("world.topics"), std::string::npos) << train.output;
  EXPECT_FALSE(std::filesystem::exists(dir / "runs" / "train"));
}

}  // namespace
}  // namespace shoprl
