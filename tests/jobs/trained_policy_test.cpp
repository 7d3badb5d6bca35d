// Tests the jobs library (src/jobs) in-process, without the command line: a training run
// (run_train_job) leaves a checkpoint that load_trained_policy reads back on its own,
// export_trained_policy scripts it with the metadata a server needs, the exported model read
// back from its repository scores exactly as the agent does, and evaluating it on logs
// (evaluate_trained_policy_on_logs) gives the checkpoint's estimates.
#include "jobs/trained_policy.h"

#include <gtest/gtest.h>
#include <torch/script.h>

#include <filesystem>
#include <string>

#include "core/error.h"
#include "data/session_store_io.h"
#include "jobs/app_config.h"
#include "jobs/checkpoint_evaluation.h"
#include "jobs/policy_export.h"
#include "jobs/train_job.h"
#include "policy/policy_artifact.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

namespace fs = std::filesystem;
using testing::run_command;
using testing::shoprl;

class TrainedPolicyJobs : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string store = (dir_ / "logs.h5").string();
    testing::write_text(
        config_, "run: {seed: 9, device: cpu, name: dqn, output_dir: '" + (dir_ / "runs").string() +
                     "'}\n"
                     "world: {items: 25, users: 40, factor_dim: 4, topics: 3}\n"
                     "env: {slate_size: 3, history_length: 5, max_steps: 5}\n"
                     "logging_policy: {kind: uniform}\n"
                     "synth: {sessions: 120, batch_size: 40, value_episodes: 0}\n"
                     "policy: {encoder: gru, embedding_dim: 8, hidden_dim: 8, history_length: 5}\n"
                     "agent: {kind: dqn, dqn: {batch_size: 8, updates_per_iteration: 1, "
                     "learning_starts: 8}}\n"
                     "train: {store: '" +
                     store +
                     "', iterations: 2, users: 10, checkpoint_every: 1, eval_every: 0, "
                     "eval_sessions: 10, final_eval_sessions: 10}\n"
                     "evaluate: {store: '" +
                     store +
                     "', true_value_sessions: 100}\n"
                     "ope: {bootstrap_resamples: 50}\n");
    // The logs come from the command line (a torch-free command, quick); the rest runs here.
    const auto synth = run_command(shoprl() + " -q data synth --config '" + config_.string() +
                                   "' -o '" + store + "'");
    ASSERT_EQ(synth.exit_code, 0) << synth.output;
    run_train_job(load_app_config(config_.string(), {}), RunFolderMode::kNew);
  }

  testing::TempDir dir_;
  fs::path config_ = dir_ / "config.yaml";
};

TEST_F(TrainedPolicyJobs, ExportedPolicyScoresAsTheAgentAndEvaluatesAsItsCheckpoint) {
  TrainedPolicy trained = load_trained_policy(dir_ / "runs" / "dqn", "cpu");
  EXPECT_EQ(trained.iterations, 2);
  ExportedModel model = export_trained_policy(trained);
  EXPECT_EQ(model.metadata.agent_kind, "dqn");
  EXPECT_EQ(model.metadata.num_items, 25);
  ASSERT_EQ(model.metadata.item_ids.size(), 25u);
  EXPECT_EQ(model.metadata.item_ids[7], "i7");
  EXPECT_EQ(model.metadata.history_length, 5);
  EXPECT_EQ(model.metadata.slate_size, 3);
  EXPECT_FALSE(model.metadata.config_digest.empty());

  const fs::path version =
      write_policy_version(dir_ / "models", "dqn", 0, model.module, model.metadata, false);
  EXPECT_EQ(version.filename(), "1");
  const ExportedPolicy exported = ExportedPolicy::load(dir_ / "models" / "dqn");
  const SessionBatch batch{torch::tensor({{3, 4, 5, -1, -1}, {1, 2, 3, 4, 5}}, torch::kInt64),
                           torch::tensor({{0, 1, 0, -1, -1}, {0, 0, 2, 1, 0}}, torch::kInt64),
                           torch::tensor({3, 5}, torch::kInt64)};
  torch::Tensor agent_scores;
  {
    torch::NoGradGuard no_grad;
    agent_scores = trained.agent->policy_scores(batch);
  }
  EXPECT_TRUE(torch::equal(exported.scores(batch), agent_scores));

  // The same estimates from the checkpoint and from the exported model.
  const SessionStore store = read_session_store(dir_ / "logs.h5");
  LoadedConfig from_checkpoint = load_app_config(
      config_.string(), {"evaluate.policy.kind=checkpoint",
                         "evaluate.policy.checkpoint=" + (dir_ / "runs" / "dqn").string()});
  LoadedConfig from_model = load_app_config(
      config_.string(), {"evaluate.policy.kind=exported",
                         "evaluate.policy.model=" + (dir_ / "models" / "dqn").string()});
  const EvaluationReport a = evaluate_trained_policy_on_logs(from_checkpoint, store, 5);
  const EvaluationReport b = evaluate_trained_policy_on_logs(from_model, store, 5);
  ASSERT_FALSE(a.estimates.empty());
  ASSERT_EQ(a.estimates.size(), b.estimates.size());
  for (std::size_t i = 0; i < a.estimates.size(); ++i) {
    EXPECT_EQ(a.estimates[i].estimator, b.estimates[i].estimator);
    if (std::isnan(a.estimates[i].value)) {
      EXPECT_TRUE(std::isnan(b.estimates[i].value)) << a.estimates[i].estimator;
    } else {
      EXPECT_EQ(a.estimates[i].value, b.estimates[i].value) << a.estimates[i].estimator;
    }
  }
}

TEST_F(TrainedPolicyJobs, AFolderWithoutACheckpointIsAnIoErrorNamingIt) {
  fs::create_directories(dir_ / "empty");
  try {
    load_trained_policy(dir_ / "empty", "cpu");
    FAIL() << "no error";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find((dir_ / "empty").string()), std::string::npos) << e.what();
  }
}

TEST_F(TrainedPolicyJobs, ASecondNewRunIntoTheSameFolderIsRefused) {
  EXPECT_THROW(run_train_job(load_app_config(config_.string(), {}), RunFolderMode::kNew), Error);
  // The refused run changed nothing: the checkpoint still loads at its iterations.
  EXPECT_EQ(load_trained_policy(dir_ / "runs" / "dqn", "cpu").iterations, 2);
}

// train.init_from: a run started from another run's checkpoint begins with its weights. With a
// learning rate of 1e-12 the warm run ends where the checkpoint is; the same run from fresh
// weights ends where the checkpoint's run began, two Adam steps of 1e-3 away. Another agent kind is
// refused before its run folder exists.
TEST_F(TrainedPolicyJobs, InitFromStartsFromTheCheckpointsWeights) {
  const std::string source = (dir_ / "runs" / "dqn").string();
  const std::vector<std::string> still = {"agent.learning_rate=1e-12"};
  std::vector<std::string> warm = still, fresh = still;
  warm.insert(warm.end(), {"run.name=warm", "train.init_from=" + source});
  fresh.push_back("run.name=fresh");
  run_train_job(load_app_config(config_.string(), warm), RunFolderMode::kNew);
  run_train_job(load_app_config(config_.string(), fresh), RunFolderMode::kNew);
  const SessionBatch batch{torch::tensor({{3, 4, 5, -1, -1}, {1, 2, 3, 4, 5}}, torch::kInt64),
                           torch::tensor({{0, 1, 0, -1, -1}, {0, 0, 2, 1, 0}}, torch::kInt64),
                           torch::tensor({3, 5}, torch::kInt64)};
  const auto scores = [&](const std::string& run) {
    TrainedPolicy trained = load_trained_policy(dir_ / "runs" / run, "cpu");
    torch::NoGradGuard no_grad;
    return trained.agent->policy_scores(batch);
  };
  const torch::Tensor original = scores("dqn");
  EXPECT_LT((scores("warm") - original).abs().max().item<float>(), 1e-5F);
  // Measured 0.021 apart.
  EXPECT_GT((scores("fresh") - original).abs().max().item<float>(), 1e-3F);

  std::vector<std::string> other_kind = {"run.name=other", "agent.kind=reinforce",
                                         "train.init_from=" + source};
  try {
    run_train_job(load_app_config(config_.string(), other_kind), RunFolderMode::kNew);
    ADD_FAILURE() << "a dqn checkpoint was accepted for a reinforce agent";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("train.init_from"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(dir_ / "runs" / "other"));
}

}  // namespace
}  // namespace shoprl
