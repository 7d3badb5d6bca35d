// The training loop: metrics.jsonl, checkpoints, exact resume (also after a signal and a torn
// metrics line), and the refusals that protect a run (mismatching config or data, a fresh run
// over an existing checkpoint). A toy agent stands in for the real ones: a linear regression
// whose data come from torch's global generator, so resuming is exact only if the loop
// reseeds it and the checkpoint restores the model and Adam's moments.
#include "agent/trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <csignal>
#include <fstream>

#include "agent/checkpoint.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "testing/test_paths.h"

namespace shoprl {
namespace {

class ToyAgent : public Agent {
 public:
  explicit ToyAgent(std::uint64_t init_seed, std::int64_t raise_at = -1) : raise_at_(raise_at) {
    torch::manual_seed(init_seed);  // a fresh agent differs from the trained one until loaded
    model_ = torch::nn::Linear(4, 1);
    optimizer_ =
        std::make_unique<torch::optim::Adam>(model_->parameters(), torch::optim::AdamOptions(0.05));
  }
  std::string kind() const override { return "toy"; }
  IterationMetrics train_iteration(std::int64_t iteration) override {
    const torch::Tensor x = torch::randn({32, 4});
    const torch::Tensor y = x.matmul(torch::tensor({1.0F, -2.0F, 0.5F, 3.0F})).unsqueeze(1) +
                            0.1 * torch::randn({32, 1});
    const torch::Tensor loss = torch::mse_loss(model_(x), y);
    optimizer_->zero_grad();
    loss.backward();
    optimizer_->step();
    ++updates_;
    if (iteration == raise_at_) std::raise(SIGINT);
    return {{"loss", loss.item<double>()},
            {"weight0", model_->weight[0][0].item<double>()},
            {"updates", static_cast<double>(updates_)}};
  }
  torch::Tensor policy_scores(const SessionBatch& batch) override {
    return torch::zeros({batch.size(), 1});
  }
  SlateRuleConfig evaluation_rule() const override { return {}; }
  void save(CheckpointWriter& out) override {
    out.module("model", *model_);
    out.optimizer("optimizer", *optimizer_);
    out.meta()["updates"] = updates_;
  }
  void load(const CheckpointReader& in) override {
    in.module("model", *model_);
    in.optimizer("optimizer", *optimizer_);
    updates_ = in.meta().at("updates").get<std::int64_t>();
  }
  std::vector<torch::Tensor> replicated_tensors() override { return model_->parameters(); }

 private:
  torch::nn::Linear model_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::int64_t updates_ = 0;
  std::int64_t raise_at_;
};

TrainerOptions options_for(const std::filesystem::path& dir, std::int64_t iterations) {
  TrainerOptions options;
  options.run_dir = dir;
  options.seed = 7;
  options.iterations = iterations;
  options.checkpoint_every = 3;
  options.eval_every = 2;
  options.config = {{"agent.learning_rate", "0.05"},
                    {"train.iterations", std::to_string(iterations)}};
  options.resumable_keys = {"train.iterations"};
  options.data_hash = "abc";
  return options;
}

IterationMetrics evaluate_toy(Agent&, std::int64_t iteration) {
  return {{"eval_iteration", static_cast<double>(iteration)}};
}

std::string read(const std::filesystem::path& path) { return read_file_text(path); }

TEST(Trainer, ResumedRunWritesTheUninterruptedRunsMetricsBitForBit) {
  testing::TempDir tmp;
  ToyAgent whole(1);
  run_training(whole, options_for(tmp / "whole", 10), evaluate_toy);
  const std::string expected = read(tmp / "whole" / "metrics.jsonl");

  ToyAgent first(1);
  const TrainingOutcome part = run_training(first, options_for(tmp / "split", 4), evaluate_toy);
  EXPECT_EQ(part.iterations_done, 4);
  ToyAgent second(99);  // a differently initialised agent: everything must come from the file
  TrainerOptions resume = options_for(tmp / "split", 10);
  resume.resume = true;
  const TrainingOutcome rest = run_training(second, resume, evaluate_toy);
  EXPECT_EQ(rest.first_iteration, 4);
  EXPECT_EQ(read(tmp / "split" / "metrics.jsonl"), expected);
  // Ten lines, evaluations on every second iteration and the last.
  EXPECT_EQ(std::count(expected.begin(), expected.end(), '\n'), 10);
  EXPECT_NE(expected.find("\"eval_iteration\":9.0"), std::string::npos);
}

TEST(Trainer, SignalCheckpointsAndStopsAndResumeContinuesExactly) {
  testing::TempDir tmp;
  ToyAgent whole(1);
  run_training(whole, options_for(tmp / "whole", 8), evaluate_toy);

  ToyAgent interrupted(1, /*raise_at=*/4);
  const TrainingOutcome stopped =
      run_training(interrupted, options_for(tmp / "run", 8), evaluate_toy);
  EXPECT_TRUE(stopped.interrupted);
  EXPECT_EQ(stopped.iterations_done, 5);
  // A torn line after the checkpoint (a crash mid-write) is dropped on resume.
  std::ofstream(tmp / "run" / "metrics.jsonl", std::ios::app) << "{\"iteration\": 5, \"lo";
  ToyAgent resumed(3);
  TrainerOptions resume = options_for(tmp / "run", 8);
  resume.resume = true;
  run_training(resumed, resume, evaluate_toy);
  EXPECT_EQ(read(tmp / "run" / "metrics.jsonl"), read(tmp / "whole" / "metrics.jsonl"));
}

TEST(Trainer, ResumeRefusesAnotherConfigNamingTheKey) {
  testing::TempDir tmp;
  ToyAgent agent(1);
  run_training(agent, options_for(tmp / "run", 3), evaluate_toy);
  TrainerOptions changed = options_for(tmp / "run", 6);
  changed.resume = true;
  changed.config["agent.learning_rate"] = "0.1";
  ToyAgent again(1);
  try {
    run_training(again, changed, evaluate_toy);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("agent.learning_rate: 0.05 -> 0.1"), std::string::npos)
        << e.what();
  }
  TrainerOptions other_data = options_for(tmp / "run", 6);
  other_data.resume = true;
  other_data.data_hash = "def";
  EXPECT_THROW(run_training(again, other_data, evaluate_toy), ConfigError);
}

TEST(Trainer, FreshRunRefusesAFolderWithACheckpoint) {
  testing::TempDir tmp;
  ToyAgent agent(1);
  run_training(agent, options_for(tmp / "run", 3), evaluate_toy);
  const std::string metrics = read(tmp / "run" / "metrics.jsonl");
  ToyAgent again(1);
  try {
    run_training(again, options_for(tmp / "run", 3), evaluate_toy);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  EXPECT_EQ(read(tmp / "run" / "metrics.jsonl"), metrics);  // nothing lost
}

TEST(Checkpoint, AnUncommittedWriterLeavesThePreviousCheckpoint) {
  testing::TempDir tmp;
  const std::filesystem::path folder = tmp / "checkpoint";
  {
    CheckpointWriter writer(folder);
    writer.tensors("numbers", {{"x", torch::arange(3)}});
    writer.meta()["generation"] = 1;
    writer.commit();
  }
  {
    CheckpointWriter writer(folder);
    writer.tensors("numbers", {{"x", torch::arange(5)}});
    // destroyed without commit(): a crash while writing
  }
  const CheckpointReader reader(folder);
  EXPECT_EQ(reader.meta().at("generation").get<int>(), 1);
  EXPECT_EQ(reader.tensors("numbers").at("x").numel(), 3);
  EXPECT_THROW(CheckpointReader(tmp / "missing"), IoError);
}

}  // namespace
}  // namespace shoprl
