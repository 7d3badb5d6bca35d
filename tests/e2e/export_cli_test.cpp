// End-to-end tests of `shoprl export`: every agent kind that ranks with a network exports (each
// export checks that the scripted model gives the agent's own scores, and fails otherwise), with
// every encoder; `shoprl evaluate` of the exported model gives the estimates of its checkpoint;
// and each refusal is one line with its exit code, leaving no partial version behind.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/atomic_file.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

using testing::run_command;
using testing::shoprl;
namespace fs = std::filesystem;

std::string export_config(const fs::path& dir) {
  return "run: {seed: 4, device: cpu, output_dir: '" + (dir / "runs").string() +
         "'}\n"
         "world: {items: 30, users: 50, factor_dim: 4, topics: 3}\n"
         "env: {slate_size: 3, history_length: 5, max_steps: 5}\n"
         "logging_policy: {kind: uniform}\n"
         "synth: {sessions: 150, batch_size: 50, value_episodes: 0}\n"
         "policy: {embedding_dim: 8, hidden_dim: 8, history_length: 5, heads: 2}\n"
         "agent:\n"
         "  dqn: {batch_size: 8, updates_per_iteration: 1, learning_starts: 8}\n"
         "  offline: {batch_size: 8, steps_per_iteration: 1, negatives: 3, warmup_steps: 1}\n"
         "train: {store: '" +
         (dir / "logs.h5").string() +
         "', iterations: 1, users: 12, checkpoint_every: 1, eval_every: 0, "
         "eval_sessions: 10, final_eval_sessions: 10}\n"
         "evaluate: {store: '" +
         (dir / "logs.h5").string() + "', true_value_sessions: 200}\n";
}

class ExportCli : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::write_text(dir_ / "config.yaml", export_config(dir_.path()));
    const auto synth = run_command(shoprl() + " -q data synth --config " + config_ + " -o '" +
                                   (dir_ / "logs.h5").string() + "'");
    ASSERT_EQ(synth.exit_code, 0) << synth.output;
  }
  // Trains agent `kind` with `encoder` into runs/<kind>.
  void train(const std::string& kind, const std::string& encoder) {
    const auto result =
        run_command(shoprl() + " -q train --config " + config_ + " --set agent.kind=" + kind +
                    " --set policy.encoder=" + encoder + " --set run.name=" + kind);
    ASSERT_EQ(result.exit_code, 0) << kind << "\n" << result.output;
  }
  std::string export_run(const std::string& kind, const std::string& extra = "") {
    return shoprl() + " -q export --run '" + (dir_ / "runs" / kind).string() + "' -o '" +
           repository_.string() + "' " + extra;
  }

  testing::TempDir dir_;
  std::string config_ = "'" + (dir_ / "config.yaml").string() + "'";
  fs::path repository_ = dir_ / "models";
};

TEST_F(ExportCli, EveryAgentKindExportsWithEveryEncoder) {
  const std::pair<const char*, const char*> agents[] = {{"dqn", "gru"},
                                                        {"slateq", "attention"},
                                                        {"reinforce", "mean"},
                                                        {"a2c", "gru"},
                                                        {"topk_reinforce", "attention"},
                                                        {"supervised", "mean"},
                                                        {"sqn", "gru"},
                                                        {"sa2c", "attention"}};
  for (const auto& [kind, encoder] : agents) {
    train(kind, encoder);
    if (HasFatalFailure()) return;
    const auto exported = run_command(export_run(kind));
    ASSERT_EQ(exported.exit_code, 0) << kind << "\n" << exported.output;
    const fs::path version = repository_ / kind / "1";
    ASSERT_TRUE(fs::exists(version / "model.pt")) << kind;
    const auto metadata = nlohmann::json::parse(read_file_text(version / "metadata.json"));
    EXPECT_EQ(metadata.at("agent_kind"), kind);
    EXPECT_EQ(metadata.at("encoder"), encoder);
    EXPECT_EQ(metadata.at("num_items"), 30);
    EXPECT_EQ(metadata.at("item_ids").at(17), "i17");
    EXPECT_EQ(metadata.at("slate_size"), 3);
    EXPECT_TRUE(fs::exists(repository_ / kind / "config.pbtxt"));
  }
}

TEST_F(ExportCli, TheExportedModelIsEvaluatedAsItsCheckpoint) {
  train("dqn", "gru");
  if (HasFatalFailure()) return;
  ASSERT_EQ(run_command(export_run("dqn")).exit_code, 0);
  const std::string evaluate =
      shoprl() + " -q evaluate --config " + config_ + " --set ope.bootstrap_resamples=100";
  const auto checkpoint = run_command(evaluate +
                                      " --set run.name=from-checkpoint"
                                      " --set evaluate.policy.kind=checkpoint"
                                      " --set evaluate.policy.checkpoint='" +
                                      (dir_ / "runs" / "dqn").string() + "'");
  ASSERT_EQ(checkpoint.exit_code, 0) << checkpoint.output;
  const auto exported = run_command(evaluate +
                                    " --set run.name=from-model --set evaluate.policy.kind=exported"
                                    " --set evaluate.policy.model='" +
                                    (repository_ / "dqn").string() + "'");
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const auto a = nlohmann::json::parse(
      read_file_text(dir_ / "runs" / "from-checkpoint" / "report" / "report.json"));
  const auto b = nlohmann::json::parse(
      read_file_text(dir_ / "runs" / "from-model" / "report" / "report.json"));
  ASSERT_FALSE(a.at("estimates").empty());
  EXPECT_EQ(a.at("estimates"), b.at("estimates"));
  EXPECT_EQ(a.at("ranking").at("clicks"), b.at("ranking").at("clicks"));
}

TEST_F(ExportCli, RefusalsAreOneLineAndLeaveNoPartialVersion) {
  // A run without a checkpoint.
  fs::create_directories(dir_ / "runs" / "empty");
  const auto empty = run_command(export_run("empty"));
  EXPECT_EQ(empty.exit_code, 5) << empty.output;
  EXPECT_NE(empty.output.find("no checkpoint here"), std::string::npos) << empty.output;

  train("dqn", "mean");
  if (HasFatalFailure()) return;
  ASSERT_EQ(run_command(export_run("dqn", "--version 3")).exit_code, 0);
  const std::string before = read_file_text(repository_ / "dqn" / "3" / "metadata.json");
  const auto again = run_command(export_run("dqn", "--version 3"));
  EXPECT_EQ(again.exit_code, 5) << again.output;
  EXPECT_NE(again.output.find("--force"), std::string::npos) << again.output;
  EXPECT_EQ(std::count(again.output.begin(), again.output.end(), '\n'), 1) << again.output;
  EXPECT_EQ(read_file_text(repository_ / "dqn" / "3" / "metadata.json"), before);
  EXPECT_EQ(run_command(export_run("dqn", "--version 3 --force")).exit_code, 0);

  // A repository that cannot be made (its parent is a file): nothing is left behind.
  write_file_atomic(dir_ / "blocker", "a file");
  const auto blocked =
      run_command(shoprl() + " -q export --run '" + (dir_ / "runs" / "dqn").string() + "' -o '" +
                  (dir_ / "blocker" / "models").string() + "'");
  EXPECT_EQ(blocked.exit_code, 5) << blocked.output;
  for (const auto& entry : fs::directory_iterator(repository_ / "dqn"))
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace shoprl
