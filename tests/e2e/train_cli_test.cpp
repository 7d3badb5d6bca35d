// End-to-end tests of `shoprl train`: a run interrupted after its checkpoint and resumed with
// --resume writes the uninterrupted run's metrics.jsonl bit for bit (CPU), for an online agent
// in the world and an offline agent on logs; a resume with another config is refused naming
// the key and leaves the run as it was; the evaluation holds the true world beside the oracle,
// and for logs the off-policy estimates and the ranking metrics.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/atomic_file.h"
#include "testing/test_paths.h"
#include "testing/tiny_training_world.h"

namespace shoprl {
namespace {

using testing::run_command;

using testing::shoprl;

std::string tiny_config(const testing::TempDir& dir, const std::string& agent) {
  return "run:\n"
         "  seed: 3\n"
         "  output_dir: '" +
         (dir / "runs").string() +
         "'\n"
         "  device: cpu\n" +
         testing::kTinyTrainingWorldYaml +
         "agent:\n"
         "  kind: " +
         agent +
         "\n"
         "  dqn: {batch_size: 16, updates_per_iteration: 2, learning_starts: 16, "
         "epsilon_decay_iterations: 3, n_step: 2}\n"
         "  offline: {batch_size: 8, steps_per_iteration: 2, negatives: 3, warmup_steps: 2}\n"
         "train:\n"
         "  store: '" +
         (dir / "logs.h5").string() +
         "'\n"
         "  iterations: 4\n"
         "  users: 24\n"
         "  checkpoint_every: 2\n"
         "  eval_every: 2\n"
         "  eval_sessions: 40\n"
         "  final_eval_sessions: 60\n";
}

class CliTrain : public ::testing::TestWithParam<std::string> {};

TEST_P(CliTrain, ResumeAfterTheCheckpointWritesTheSameMetricsAsOneRun) {
  testing::TempDir dir;
  testing::write_text(dir / "train.yaml", tiny_config(dir, GetParam()));
  const std::string config = "'" + (dir / "train.yaml").string() + "'";
  const auto synth = run_command(shoprl() + " -q data synth --config " + config + " -o '" +
                                 (dir / "logs.h5").string() + "'");
  ASSERT_EQ(synth.exit_code, 0) << synth.output;

  const auto whole =
      run_command(shoprl() + " -q train --config " + config + " --set run.name=whole");
  ASSERT_EQ(whole.exit_code, 0) << whole.output;
  const auto first = run_command(shoprl() + " -q train --config " + config +
                                 " --set run.name=split --set train.iterations=2");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::filesystem::path split = dir / "runs" / "split";
  const auto rest = run_command(shoprl() + " -q train --resume '" + split.string() +
                                "' --set train.iterations=4");
  ASSERT_EQ(rest.exit_code, 0) << rest.output;
  const std::string expected = read_file_text(dir / "runs" / "whole" / "metrics.jsonl");
  EXPECT_EQ(read_file_text(split / "metrics.jsonl"), expected);
  EXPECT_EQ(std::count(expected.begin(), expected.end(), '\n'), 4);

  // Another learning rate: refused, naming the key; the run's config is untouched.
  const std::string config_before = read_file_text(split / "config.yaml");
  const auto changed = run_command(shoprl() + " -q train --resume '" + split.string() +
                                   "' --set agent.learning_rate=0.5");
  EXPECT_EQ(changed.exit_code, 3) << changed.output;
  EXPECT_NE(changed.output.find("agent.learning_rate"), std::string::npos) << changed.output;
  EXPECT_EQ(read_file_text(split / "config.yaml"), config_before);

  const auto evaluation =
      nlohmann::json::parse(read_file_text(dir / "runs" / "whole" / "evaluation.json"));
  ASSERT_TRUE(evaluation.contains("true_world")) << evaluation.dump();
  EXPECT_EQ(evaluation["true_world"][1]["policy"], "oracle");
  EXPECT_TRUE(evaluation.contains("off_policy"));
  EXPECT_TRUE(evaluation.contains("ranking"));
  EXPECT_TRUE(std::filesystem::exists(dir / "runs" / "whole" / "report" / "index.html"));
}

INSTANTIATE_TEST_SUITE_P(Agents, CliTrain, ::testing::Values("dqn", "sqn"));

}  // namespace
}  // namespace shoprl
